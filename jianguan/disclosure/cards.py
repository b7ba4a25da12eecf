"""Dashboard card of the disclosure app: objections waiting for review."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def pending_objections_card(request: Any) -> dict[str, Any] | None:
    """For the division head: enterprises' objections to published results that wait for a decision."""
    from jianguan.disclosure import selectors

    if not selectors.may_review_objections(request.user):
        return None
    return {"label": "待处理的异议", "value": selectors.pending_objection_count(request.user),
            "url": reverse("disclosure:staff-objections") + "?status=pending",
            "note": "异议经处理后，与处理结果一并在检查结果旁公示"}
