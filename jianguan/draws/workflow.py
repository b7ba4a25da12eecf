"""The draw's life as data: which state may follow which (docs/apps/draws.md).

    announced ──freeze──▶ frozen ──seal──▶ sealed ──execute──▶ executed ──publish──▶ published
        │                   │                 │
        └─────────── redraw (abandon) ───────┴──▶ failed

Randomness exists only after ``sealed``: the snapshot and the parameters are frozen and published
first, the commitments are closed next, and only then are values revealed or dice rolled.
A redraw never edits a draw: it creates a new one; the old record stays published [003].
"""

from __future__ import annotations

from jianguan.core.exceptions import IllegalTransition
from jianguan.draws.choices import DrawStatus

S = DrawStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.ANNOUNCED: frozenset({S.FROZEN, S.FAILED}),
    S.FROZEN: frozenset({S.SEALED, S.FAILED}),
    S.SEALED: frozenset({S.EXECUTED, S.FAILED}),
    S.EXECUTED: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset(),
    S.FAILED: frozenset(),
}

# Draws whose selections are real: they count for the yearly cap and the other exclusion rules.
DONE: frozenset[str] = frozenset({S.EXECUTED, S.PUBLISHED})
# A redraw may replace a draw in these states (the first three are abandoned and become failed).
REDRAWABLE: frozenset[str] = frozenset({S.ANNOUNCED, S.FROZEN, S.SEALED, S.PUBLISHED, S.FAILED})

# What each step needs, for the message when it is attempted in the wrong state.
STEP_NEEDS: dict[str, str] = {
    S.FROZEN: "只有已通知的抽取可以冻结名单",
    S.SEALED: "只有名单已冻结的抽取可以封存承诺",
    S.EXECUTED: "须先冻结名单、封存承诺，才能执行抽取（先公布名单和参数，后产生随机数）",
    S.PUBLISHED: "只有已抽取的结果可以公示",
    S.FAILED: "已抽取或已公示的抽取不能作废，只能经批准重新抽取",
}


def can_transition(current: str, target: str) -> bool:
    """True when a draw may go from ``current`` to ``target``."""
    return target in TRANSITIONS.get(current, frozenset())


def ensure_transition(current: str, target: str) -> None:
    """Raise IllegalTransition (409) naming both states unless the draw may go ``current`` → ``target``."""
    if not can_transition(current, target):
        raise IllegalTransition(
            f"抽取当前为「{DrawStatus(current).label}」，不能变为「{DrawStatus(target).label}」：{STEP_NEEDS.get(target, '')}",
            code=f"illegal_transition_{current}_to_{target}",
        )


def ensure_redrawable(current: str) -> None:
    """A redraw replaces a draw only once its result is published (or before any randomness exists)."""
    if current not in REDRAWABLE:
        raise IllegalTransition(
            f"抽取当前为「{DrawStatus(current).label}」：须先公示原抽取结果，才能经批准重新抽取（原记录保持公开）[003]",
            code="redraw_needs_published",
        )
