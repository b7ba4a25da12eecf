"""Roles and what each may do, as data. Scope (which rows) is decided by core.scoping.

Later apps add their models here, next to the registries.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", "平台管理员"
    DEPARTMENT_ADMIN = "department_admin", "部门管理员"
    DIVISION_STAFF = "division_staff", "业务处室人员"
    LEGAL_OFFICER = "legal_officer", "政策法规处（法制审核）"
    JUSTICE_REVIEWER = "justice_reviewer", "司法局审查人员"
    OVERSIGHT = "oversight", "监督办公室（营商环境/联席会议）"
    INSPECTOR = "inspector", "执法检查人员"


# Roles that oversee every department inside their region, not only lower levels.
REGION_WIDE_READERS = {Role.JUSTICE_REVIEWER, Role.OVERSIGHT}

REGISTRIES = [
    "organizations.region",
    "organizations.department",
    "entities.entity",
    "inspectors.inspector",
    "inspectors.recusal",
    "catalog.catalogitem",
    "catalog.inspectionitem",
    "workdays.calendarday",
    "workdays.calendaryear",
]


def _perms(view: list[str], write: list[str]) -> frozenset[str]:
    out = {f"{m}:view" for m in view}
    for m in write:
        out |= {f"{m}:view", f"{m}:add", f"{m}:change"}
    return frozenset(out)


# Plans and tasks (issue #3). Review actions are their own permissions:
# "plans.plan:legal_check" (legal affairs office, [003]) and "plans.plan:justice_review" (justice bureau).
PLANNING = ["plans.plan", "plans.task"]
_PLAN_READ = frozenset(f"{m}:view" for m in PLANNING)
_PLAN_WRITE = _perms([], PLANNING) | frozenset({"plans.plan:submit"})

# Draws (issue #3): staff announce, freeze and execute; the department admin approves redraws.
_DRAW_READ = frozenset({"draws.draw:view"})
_DRAW_WRITE = _DRAW_READ | frozenset({"draws.draw:add", "draws.draw:change", "draws.draw:execute"})

# Visits, records and publication (issue #4). Inspectors enter records ("who inspects, enters",
# [003]); the department admin (division head) reviews them; staff publish reviewed results.
INSPECTING = ["inspections.visit", "inspections.inspectionrecord", "inspections.disposal"]
_INSPECT_READ = frozenset(f"{m}:view" for m in [*INSPECTING, "disclosure.publication", "disclosure.objection"])
_INSPECT_STAFF = _INSPECT_READ | _perms([], ["inspections.visit", "inspections.disposal"]) | frozenset({
    "disclosure.publication:add", "disclosure.publication:change", "disclosure.objection:change",
    "inspections.inspectionrecord:add", "inspections.inspectionrecord:change",
})
_INSPECT_HEAD = _INSPECT_STAFF | frozenset({"inspections.inspectionrecord:review", "disclosure.objection:review"})
_INSPECTOR = _INSPECT_READ | frozenset({"inspections.inspectionrecord:add", "inspections.inspectionrecord:change",
                                        "inspections.visit:change"})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Platform admins are unrestricted (see User.scope); listed for completeness of the matrix.
    Role.PLATFORM_ADMIN: _perms([], REGISTRIES) | _PLAN_WRITE,
    Role.DEPARTMENT_ADMIN: _perms(
        REGISTRIES,
        ["entities.entity", "inspectors.inspector", "inspectors.recusal", "catalog.catalogitem",
         "catalog.inspectionitem"],
    ) | frozenset({"organizations.department:change", "draws.draw:approve_redraw"}) | _PLAN_WRITE | _DRAW_WRITE
    | _INSPECT_HEAD,
    Role.DIVISION_STAFF: _perms(REGISTRIES, ["entities.entity", "catalog.catalogitem", "catalog.inspectionitem"])
    | _PLAN_WRITE | _DRAW_WRITE | _INSPECT_STAFF,
    # [003] the legal affairs office collects and files the item list.
    Role.LEGAL_OFFICER: _perms(REGISTRIES, ["catalog.catalogitem", "catalog.inspectionitem"])
    | _PLAN_READ | _DRAW_READ | frozenset({"plans.plan:legal_check", "draws.draw:witness"}) | _INSPECT_READ,
    Role.JUSTICE_REVIEWER: _perms(REGISTRIES, []) | _PLAN_READ | _DRAW_READ | frozenset({"plans.plan:justice_review"})
    | _INSPECT_READ,
    Role.OVERSIGHT: _perms(REGISTRIES, []) | _PLAN_READ | _DRAW_READ | _INSPECT_READ,
    Role.INSPECTOR: _perms(
        ["organizations.region", "organizations.department", "entities.entity", "inspectors.inspector",
         "catalog.catalogitem", "catalog.inspectionitem", "workdays.calendarday",
         "workdays.calendaryear", *PLANNING, "draws.draw"],
        [],
    ) | _INSPECTOR,
}
