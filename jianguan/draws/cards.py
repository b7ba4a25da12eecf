"""Dashboard card of the draws app: the draws the legal affairs office is notified of and witnesses [003]."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def witness_inbox_card(request: Any) -> dict[str, Any] | None:
    """For the legal affairs office: announced draws of its department waiting for the ceremony."""
    from jianguan.draws import selectors

    qs = selectors.witness_inbox(request.user)
    if not qs.exists():
        return None
    nxt = qs.first()
    return {"label": "待见证的抽取", "value": qs.count(),
            "url": reverse("draws:draw-detail", args=[nxt.pk]) if nxt else reverse("draws:draw-list"),
            "note": "抽取前三天通知法规处，由法规处见证 [003]"}
