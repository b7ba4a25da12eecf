"""Reads of the market-entity directory, scoped to the user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from jianguan.core.scoping import get_visible
from jianguan.entities.models import Entity, EntityVersion, Industry, Licence, Tag
from jianguan.organizations.models import prefix_for_code

TRUE_VALUES = {True, "true", "True", "1", "yes", "是"}
FALSE_VALUES = {False, "false", "False", "0", "no", "否"}


def _bool(value: Any) -> bool | None:
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    return None


def entity_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Entity]:
    """Entities the user may read, filtered.

    Filters: q (name contains / code prefix), region (a code: its whole subtree), industry (section letter
    or two-digit division), section, kind, status, credit_grade (A–D, or "none" = 未评级), tag (code),
    licence (licence kind), competent_department (id or code), department (maintaining, id or code),
    is_active (true/false; absent = both).
    """
    f = filters or {}
    qs = Entity.objects.visible_to(user).select_related("industry", "region", "department")
    if q := str(f.get("q") or "").strip():
        qs = qs.filter(Q(name__contains=q) | Q(uscc__startswith=q.upper()))
    if region := str(f.get("region") or "").strip():
        qs = qs.filter(region__code__startswith=prefix_for_code(region))
    if industry := str(f.get("industry") or "").strip().upper():
        qs = qs.filter(section=industry) if industry.isalpha() else qs.filter(industry_id=industry[:2])
    if section := str(f.get("section") or "").strip().upper():
        qs = qs.filter(section=section)
    if kind := f.get("kind"):
        qs = qs.filter(kind=kind)
    if status := f.get("status"):
        qs = qs.filter(status=status)
    if grade := str(f.get("credit_grade") or "").strip():
        qs = qs.filter(credit_grade__isnull=True) if grade.lower() in ("none", "未评级") else qs.filter(
            credit_grade=grade.upper())
    # Many-valued filters use EXISTS so that an entity never appears twice.
    if tag := str(f.get("tag") or "").strip():
        through = Entity.tags.through
        qs = qs.filter(Exists(through.objects.filter(entity_id=OuterRef("pk"), tag__code=tag)))
    if licence := str(f.get("licence") or "").strip():
        qs = qs.filter(Exists(Licence.objects.filter(entity_id=OuterRef("pk"), kind=licence)))
    if competent := str(f.get("competent_department") or "").strip():
        through_d = Entity.competent_departments.through
        dept_q = Q(department_id=int(competent)) if competent.isdigit() else Q(department__code=competent)
        qs = qs.filter(Exists(through_d.objects.filter(dept_q, entity_id=OuterRef("pk"))))
    if department := str(f.get("department") or "").strip():
        qs = qs.filter(department_id=int(department)) if department.isdigit() else qs.filter(department__code=department)
    active = _bool(f.get("is_active"))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def entity_list_for_export(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Entity]:
    """The list with the many-valued columns prefetched (one query each per chunk)."""
    return entity_list(user=user, filters=filters).prefetch_related("competent_departments", "tags", "licences")


def entity_get(*, user: Any, pk: int | None = None, uscc: str | None = None) -> Entity:
    """One entity the user may read (404 otherwise, with the denial audited)."""
    qs = Entity.objects.select_related("industry", "region", "department").prefetch_related(
        "competent_departments", "tags", "licences")
    if uscc is not None:
        return get_visible(qs, user, uscc=uscc.strip().upper())
    return get_visible(qs, user, pk=pk)


def entity_is_editable(*, user: Any, entity: Entity) -> bool:
    return Entity.objects.editable_by(user).filter(pk=entity.pk).exists()


def entity_history(*, entity: Entity) -> QuerySet[EntityVersion]:
    """Every kept version of the entity, newest first (the caller has already checked visibility)."""
    return EntityVersion.objects.filter(entity=entity).order_by("-version")


def industry_choices() -> list[tuple[str, str]]:
    """Divisions grouped under their sections, for select boxes."""
    sections = {i.code: i.name for i in Industry.objects.filter(level="section")}
    out: list[tuple[str, str]] = []
    for i in Industry.objects.filter(level="division").order_by("code"):
        out.append((i.code, f"{i.section} {sections.get(i.section, '')} / {i.code} {i.name}"))
    return out


def section_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.code} {i.name}") for i in Industry.objects.filter(level="section").order_by("code")]


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.all()
