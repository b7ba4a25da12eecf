"""Reads of regions and departments, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jianguan.organizations.models import Department, Region, prefix_for_code


def department_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Department]:
    qs = Department.objects.visible_to(user).select_related("region", "parent")
    f = filters or {}
    if q := f.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(short_name__icontains=q))
    if level := f.get("level"):
        qs = qs.filter(level=level)
    if kind := f.get("kind"):
        qs = qs.filter(kind=kind)
    if region := f.get("region"):
        qs = qs.filter(region__code__startswith=prefix_for_code(str(region)))
    if f.get("is_active") in (True, False):
        qs = qs.filter(is_active=f["is_active"])
    return qs


def region_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Region]:
    qs = Region.objects.visible_to(user).select_related("parent")
    f = filters or {}
    if q := f.get("q"):
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    if level := f.get("level"):
        qs = qs.filter(level=level)
    if parent := f.get("parent"):
        qs = qs.filter(parent_id=parent)
    return qs
