"""Allowed state changes of visits and disposals, as data."""

from __future__ import annotations

from jianguan.core.exceptions import IllegalTransition
from jianguan.inspections.choices import DisposalStatus, VisitStatus

V = VisitStatus
VISIT_TRANSITIONS: dict[str, frozenset[str]] = {
    V.SCHEDULED: frozenset({V.NOTIFIED, V.IN_PROGRESS, V.CANCELLED}),
    V.NOTIFIED: frozenset({V.IN_PROGRESS, V.CANCELLED}),
    V.IN_PROGRESS: frozenset({V.RECORDED, V.CANCELLED}),
    V.RECORDED: frozenset({V.REVIEWED, V.RETURNED}),
    V.RETURNED: frozenset({V.RECORDED}),
    V.REVIEWED: frozenset(),
    V.CANCELLED: frozenset(),
}

# States in which a visit may still be (re)scheduled, and in which records may be entered or edited.
SCHEDULABLE = frozenset({V.SCHEDULED, V.NOTIFIED})
RECORDABLE = frozenset({V.SCHEDULED, V.NOTIFIED, V.IN_PROGRESS, V.RECORDED, V.RETURNED})

D = DisposalStatus
DISPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    D.OPEN: frozenset({D.AWAITING_FEEDBACK, D.CLOSED}),
    D.AWAITING_FEEDBACK: frozenset({D.FEEDBACK_RECEIVED, D.CLOSED}),
    D.FEEDBACK_RECEIVED: frozenset({D.CLOSED, D.OPEN}),
    D.CLOSED: frozenset({D.OPEN}),
}


def can_visit_transition(current: str, target: str) -> bool:
    return target in VISIT_TRANSITIONS.get(current, frozenset())


def ensure_visit_transition(current: str, target: str) -> None:
    if not can_visit_transition(current, target):
        raise IllegalTransition(
            f"检查当前为「{VisitStatus(current).label}」，不能变为「{VisitStatus(target).label}」",
            code="visit_illegal_transition",
        )


def ensure_disposal_transition(current: str, target: str) -> None:
    if target not in DISPOSAL_TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(
            f"后续处置当前为「{DisposalStatus(current).label}」，不能变为「{DisposalStatus(target).label}」",
            code="disposal_illegal_transition",
        )
