"""Publication workflow of inspection items, as data: which state may follow which."""

from __future__ import annotations

from jianguan.catalog.choices import PublicationState
from jianguan.core.exceptions import IllegalTransition

# [003] the item list is published; a withdrawn item may be published again after correction.
TRANSITIONS: dict[str, frozenset[str]] = {
    PublicationState.DRAFT: frozenset({PublicationState.PUBLISHED}),
    PublicationState.PUBLISHED: frozenset({PublicationState.WITHDRAWN}),
    PublicationState.WITHDRAWN: frozenset({PublicationState.PUBLISHED}),
}


def can_transition(current: str, target: str) -> bool:
    """True when the workflow allows going from ``current`` to ``target``."""
    return target in TRANSITIONS.get(current, frozenset())


def ensure_transition(current: str, target: str) -> None:
    """Raise IllegalTransition (409) unless ``current`` → ``target`` is allowed."""
    if not can_transition(current, target):
        raise IllegalTransition(
            f"事项当前为「{PublicationState(current).label}」，不能变更为「{PublicationState(target).label}」",
            code=f"illegal_transition_{current}_to_{target}",
        )
