"""Writes to departments: validated, audited, one function each."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jianguan.core import audit
from jianguan.core.exceptions import FieldError, ValidationFailed
from jianguan.organizations.choices import RegionLevel
from jianguan.organizations.models import Department, Region

DEPARTMENT_FIELDS = ["name", "short_name", "code", "level", "kind", "parent", "region", "sector", "is_active"]


def _validate(data: dict[str, Any]) -> None:
    errors: list[FieldError] = []
    region: Region = data["region"]
    level = int(data["level"])
    if region.level != level and not region.is_special:
        errors.append(FieldError("region", f"{RegionLevel(level).label}部门必须绑定{RegionLevel(level).label}区划，"
                                           f"而 {region} 是{region.get_level_display()}", "level_mismatch"))
    parent: Department | None = data.get("parent")
    if parent is not None:
        if parent.level > level:
            errors.append(FieldError("parent", "上级部门的层级不能低于本部门", "parent_level"))
        elif not region.code.startswith(parent.jurisdiction_prefix):
            errors.append(FieldError("parent", f"所在区划 {region.code} 不在上级部门 {parent.name} 的辖区内", "parent_region"))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)


@transaction.atomic
def department_create(*, by: Any, data: dict[str, Any]) -> Department:
    """Create a department (platform admins)."""
    _validate(data)
    dept = Department.objects.create(**{k: v for k, v in data.items() if k in DEPARTMENT_FIELDS})
    audit.record(actor=by, action="department.created", target=dept, after=audit.snapshot(dept))
    return dept


@transaction.atomic
def department_update(dept: Department, /, *, by: Any, data: dict[str, Any]) -> Department:
    """Change a department's details."""
    merged = {k: getattr(dept, k) for k in DEPARTMENT_FIELDS} | data
    _validate(merged)
    before = audit.snapshot(dept)
    for key, value in data.items():
        if key in DEPARTMENT_FIELDS:
            setattr(dept, key, value)
    dept.save()
    b, a = audit.changes(before, audit.snapshot(dept))
    audit.record(actor=by, action="department.updated", target=dept, before=b, after=a)
    return dept


@transaction.atomic
def department_deactivate(dept: Department, /, *, by: Any) -> Department:
    """Deactivate a department; its records stay."""
    return department_update(dept, by=by, data={"is_active": False})
