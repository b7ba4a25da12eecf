"""Plan, version and task workflows as data: which state may follow which.

Plan (抽查计划) [000][003]::

    draft ──submit──▶ submitted ──legal check──▶ legal_checked ──justice review──▶ approved
      ▲                   │                          │                              │
      │                   └──────return─────┐ ┌──────┘                           publish
      └──────────────── returned ◀──────────┘─┘                                     ▼
                                                     closed ◀──close── in_progress ◀──start── published

Amendments of an approved / published / in-progress plan do not move the plan: each amendment is a
``PlanVersion`` that goes through submitted → legal_checked → approved (or returned) on its own, while the
approved version stays in force (VERSION_TRANSITIONS).
"""

from __future__ import annotations

from jianguan.core.exceptions import IllegalTransition
from jianguan.plans.choices import PlanStatus, TaskStatus, VersionStatus

P = PlanStatus
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    P.DRAFT: frozenset({P.SUBMITTED}),
    # [003] the legal affairs office checks legality, then the justice bureau reviews.
    P.SUBMITTED: frozenset({P.LEGAL_CHECKED, P.RETURNED}),
    P.LEGAL_CHECKED: frozenset({P.APPROVED, P.RETURNED}),
    P.RETURNED: frozenset({P.DRAFT}),
    # [003] plans are public ("一公开").
    P.APPROVED: frozenset({P.PUBLISHED}),
    P.PUBLISHED: frozenset({P.IN_PROGRESS}),
    P.IN_PROGRESS: frozenset({P.CLOSED}),
    P.CLOSED: frozenset(),
}

V = VersionStatus
VERSION_TRANSITIONS: dict[str, frozenset[str]] = {
    V.SUBMITTED: frozenset({V.LEGAL_CHECKED, V.RETURNED}),
    V.LEGAL_CHECKED: frozenset({V.APPROVED, V.RETURNED}),
    V.APPROVED: frozenset({V.SUPERSEDED}),
    V.RETURNED: frozenset(),
    V.SUPERSEDED: frozenset(),
}

# A plan whose content is in force; only these may be amended and only these may carry tasks.
PLAN_IN_FORCE: frozenset[str] = frozenset({P.APPROVED, P.PUBLISHED, P.IN_PROGRESS})
# Plan content may be edited only in draft.
PLAN_EDITABLE: frozenset[str] = frozenset({P.DRAFT})

T = TaskStatus
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    T.DRAFT: frozenset({T.READY}),
    T.READY: frozenset({T.DRAFT, T.DRAWN}),
    T.DRAWN: frozenset({T.IN_PROGRESS}),
    T.IN_PROGRESS: frozenset({T.COMPLETED}),
    T.COMPLETED: frozenset(),
}
TASK_EDITABLE: frozenset[str] = frozenset({T.DRAFT})


def can_transition(current: str, target: str) -> bool:
    """True when a plan may go from ``current`` to ``target``."""
    return target in PLAN_TRANSITIONS.get(current, frozenset())


def ensure_transition(current: str, target: str) -> None:
    """Raise IllegalTransition (409) naming both states unless the plan may go ``current`` → ``target``."""
    if not can_transition(current, target):
        raise IllegalTransition(
            f"计划当前为「{PlanStatus(current).label}」，不能变更为「{PlanStatus(target).label}」",
            code=f"illegal_transition_{current}_to_{target}",
        )


def ensure_version_transition(current: str, target: str, *, number: int) -> None:
    """Raise IllegalTransition unless plan version ``number`` may go ``current`` → ``target``."""
    if target not in VERSION_TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(
            f"计划第 {number} 版当前为「{VersionStatus(current).label}」，不能变更为「{VersionStatus(target).label}」",
            code=f"illegal_version_transition_{current}_to_{target}",
        )


# Each review step acts on one state only: the legal check on submitted plans, the justice review on
# legality-checked ones (both may return a plan, so the transition table alone does not tell them apart).
REVIEW_STEPS: dict[str, tuple[str, str, str]] = {
    # step: (plan state it acts on, version state it acts on, label)
    "legal_check": (P.SUBMITTED, V.SUBMITTED, "法规处合法性审查"),
    "justice_review": (P.LEGAL_CHECKED, V.LEGAL_CHECKED, "司法局审核"),
}


def ensure_review_step(step: str, current: str, target: str) -> None:
    """Raise IllegalTransition unless the plan may go ``current`` → ``target`` by this review step."""
    ensure_transition(current, target)
    expected, _, label = REVIEW_STEPS[step]
    if current != expected:
        raise IllegalTransition(
            f"计划当前为「{PlanStatus(current).label}」，不能变更为「{PlanStatus(target).label}」"
            f"（{label}只适用于「{PlanStatus(expected).label}」的计划）",
            code=f"illegal_transition_{current}_to_{target}",
        )


def ensure_version_review_step(step: str, current: str, target: str, *, number: int) -> None:
    """Raise IllegalTransition unless amendment version ``number`` may go ``current`` → ``target`` by this step."""
    ensure_version_transition(current, target, number=number)
    _, expected, label = REVIEW_STEPS[step]
    if current != expected:
        raise IllegalTransition(
            f"计划第 {number} 版当前为「{VersionStatus(current).label}」，不能变更为「{VersionStatus(target).label}」"
            f"（{label}只适用于「{VersionStatus(expected).label}」的版本）",
            code=f"illegal_version_transition_{current}_to_{target}",
        )


def can_task_transition(current: str, target: str) -> bool:
    """True when a task may go from ``current`` to ``target``."""
    return target in TASK_TRANSITIONS.get(current, frozenset())


def ensure_task_transition(current: str, target: str) -> None:
    """Raise IllegalTransition (409) naming both states unless the task may go ``current`` → ``target``."""
    if not can_task_transition(current, target):
        raise IllegalTransition(
            f"任务当前为「{TaskStatus(current).label}」，不能变更为「{TaskStatus(target).label}」",
            code=f"illegal_task_transition_{current}_to_{target}",
        )


def ensure_plan_carries_tasks(status: str) -> None:
    """[000] 计划外无检查: tasks exist only under an approved, published or in-progress plan."""
    if status not in PLAN_IN_FORCE:
        raise IllegalTransition(
            f"计划当前为「{PlanStatus(status).label}」，只有司法局审核通过、已公开或实施中的计划才能建立或修改抽查任务"
            "（计划外无检查 [000]）",
            code="plan_not_approved",
        )
