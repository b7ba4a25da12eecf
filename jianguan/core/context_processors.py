"""Navigation and dashboard cards, contributed by each app without core importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from jianguan.core.scoping import VIEW, scope_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    model_label: str | None = None  # shown only to roles that may view this model
    section: str = "registries"
    staff_only: bool = False
    # Shown only to holders of at least one of these "app.model:action" permissions.
    any_of: tuple[str, ...] = ()


NAV_ITEMS: list[NavItem] = []
DASHBOARD_CARDS: list[Callable[[HttpRequest], dict[str, Any] | None]] = []


def register_nav(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)


def register_card(fn: Callable[[HttpRequest], dict[str, Any] | None]) -> None:
    if fn not in DASHBOARD_CARDS:
        DASHBOARD_CARDS.append(fn)


def dashboard_cards(request: HttpRequest) -> list[dict[str, Any]]:
    return [card for fn in DASHBOARD_CARDS if (card := fn(request)) is not None]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    items = []
    for item in NAV_ITEMS:
        if item.staff_only and not user.is_superuser:
            continue
        if item.model_label is not None and not scope.can_label(VIEW, item.model_label):
            continue
        if item.any_of and not any(scope.can_label(p.split(":")[1], p.split(":")[0]) for p in item.any_of):
            continue
        url = reverse(item.url_name)
        # Labels are Chinese msgids; translated at render time when English is chosen.
        items.append({"label": gettext(item.label), "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items}
