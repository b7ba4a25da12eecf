"""Dashboard card of the plans app: what awaits the user's review."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def review_inbox_card(request: Any) -> dict[str, Any] | None:
    """For the legal affairs office and the justice bureau: plans waiting for their review [003]."""
    from jianguan.plans import selectors

    if not selectors.may_review(request.user):
        return None
    return {"label": "待审查的抽查计划", "value": selectors.review_inbox_count(request.user),
            "url": reverse("plans:review-inbox"), "note": "计划及计划变更须经法规处和司法局审核 [003]"}
