"""Reads of the inspector directory, scoped to the user (and two unscoped reads for the draw engine)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from jianguan.catalog.models import SupervisionDomain
from jianguan.core.scoping import CHANGE, ScopedQuerySet, scope_of
from jianguan.inspectors.models import DirectoryFiling, Inspector, InspectorVersion, Recusal
from jianguan.organizations.models import Department, prefix_for_code

TRUE_WORDS = {"1", "true", "yes", "on", "是", "在册", "有效"}
FALSE_WORDS = {"0", "false", "no", "off", "否", "停用", "已停用", "无效"}


def as_bool(value: Any) -> bool | None:
    """A filter value as a boolean; None when it says nothing ('' or 'all')."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _pk_of(value: Any) -> Any:
    """An object's pk, or the value itself; text that is no id becomes -1 (matches nothing, no 500)."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, str) and not value.strip().isdigit():
        return -1
    return value


def quarter_of(day: dt.date) -> str:
    """The quarter a day falls in, as '2026Q4'."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def current_quarter(today: dt.date | None = None) -> str:
    """The current quarter in local (Beijing) time."""
    return quarter_of(today or timezone.localdate())


def can_edit_q(user: Any) -> Q | None:
    """The inspectors this user may change, as a Q (None = all, Q(pk__in=[]) = none)."""
    scope = scope_of(user)
    if not scope.can(CHANGE, Inspector):
        return Q(pk__in=[])
    return Inspector.scope_rule.edit_q(scope)


def _with_can_edit(qs: QuerySet[Inspector], user: Any) -> QuerySet[Inspector]:
    # The phone number is shown in full only to people who manage the inspector (see models.mask_phone).
    q = can_edit_q(user)
    if q is None:
        return qs.annotate(can_edit=Value(True, output_field=BooleanField()))
    if scope_of(user).can(CHANGE, Inspector) and scope_of(user).department_id is not None:
        return qs.annotate(can_edit=Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField()))
    return qs.annotate(can_edit=Value(False, output_field=BooleanField()))


def inspector_queryset(user: Any) -> ScopedQuerySet[Inspector]:
    """Every inspector the user may read, with what list, detail and export pages need."""
    qs: Any = Inspector.objects.visible_to(user).select_related("department", "region", "user").prefetch_related(
        Prefetch("qualifications", queryset=SupervisionDomain.objects.order_by("sort_order", "code"))
    )
    return cast(ScopedQuerySet[Inspector], _with_can_edit(qs, user))


def inspector_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Inspector]:
    """Inspectors the user may read. Filters: q, department, category, qualification, region, is_active."""
    qs = inspector_queryset(user)
    f = filters or {}
    if q := str(f.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(certificate_no__icontains="".join(q.split()).upper()))
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk_of(department))
    if category := f.get("category"):
        qs = qs.filter(category=category)
    if qualification := f.get("qualification"):
        qs = qs.filter(qualifications__code=getattr(qualification, "pk", qualification))
    if region := str(f.get("region") or "").strip():
        qs = qs.filter(region__code__startswith=prefix_for_code(region) if len(region) == 6 else region)
    is_active = as_bool(f.get("is_active"))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by("department_id", "certificate_no")


def inspector_history(inspector: Inspector) -> QuerySet[InspectorVersion]:
    """The kept versions of an inspector the caller has already been allowed to read, newest first."""
    return InspectorVersion.objects.filter(inspector=inspector).order_by("-version")


def recusal_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Recusal]:
    """Recusals the user may read. Filters: inspector, entity, department, is_active."""
    qs = Recusal.objects.visible_to(user).select_related("inspector", "entity", "department")
    f = filters or {}
    if inspector := f.get("inspector"):
        qs = qs.filter(inspector_id=_pk_of(inspector))
    if entity := f.get("entity"):
        qs = qs.filter(entity_id=_pk_of(entity))
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk_of(department))
    is_active = as_bool(f.get("is_active"))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs.order_by("-created_at", "-pk")


# ---------------------------------------------------------------- for the draw (system reads, not user-scoped)


def recused_pairs(department_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(inspector_id, entity_id) of every active recusal in these departments: the draw must skip them.

    Not scoped to a user: the draw service calls it after it has decided which departments take part.
    """
    return set(
        Recusal.objects.filter(department_id__in=list(department_ids), is_active=True).values_list(
            "inspector_id", "entity_id"
        )
    )


def drawable_inspectors(
    *, department_ids: Iterable[int], domain_codes: Iterable[str] = (), on: dt.date | None = None
) -> QuerySet[Inspector]:
    """Inspectors who may be drawn: in the directory (active) [003], certificate valid on the day, and
    qualified for every given domain. Not scoped to a user (see recused_pairs)."""
    day = on or timezone.localdate()
    qs = Inspector.objects.filter(department_id__in=list(department_ids), is_active=True).filter(
        Q(certificate_expires_on__isnull=True) | Q(certificate_expires_on__gte=day)
    )
    for code in domain_codes:
        qs = qs.filter(qualifications__code=code)
    return qs.distinct().order_by("certificate_no")


# ---------------------------------------------------------------- quarterly filing [003]

DIRECTORY_CSV_HEADER = ("certificate_no", "name", "category", "qualifications")


@dataclass(frozen=True)
class DirectorySnapshot:
    """A department's active directory as canonical CSV, and its SHA-256."""

    inspector_count: int
    csv_text: str
    sha256: str


def directory_snapshot(department_id: int) -> DirectorySnapshot:
    """Canonical CSV of the active inspectors: sorted by certificate number, qualifications as sorted
    domain codes joined by ';', LF line ends, UTF-8. The same directory always gives the same digest."""
    inspectors = (
        Inspector.objects.filter(department_id=department_id, is_active=True)
        .order_by("certificate_no")
        .prefetch_related("qualifications")
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(DIRECTORY_CSV_HEADER)
    count = 0
    for inspector in inspectors:
        codes = sorted(d.code for d in inspector.qualifications.all())
        writer.writerow([inspector.certificate_no, inspector.name, inspector.category, ";".join(codes)])
        count += 1
    text = buf.getvalue()
    return DirectorySnapshot(count, text, hashlib.sha256(text.encode("utf-8")).hexdigest())


def filing_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[DirectoryFiling]:
    """Filings the user may read (the justice bureau reads its whole region). Filters: department, quarter."""
    qs = DirectoryFiling.objects.visible_to(user).select_related("department").defer("directory_csv")
    f = filters or {}
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk_of(department))
    if quarter := str(f.get("quarter") or "").strip().upper():
        qs = qs.filter(quarter=quarter)
    return qs.order_by("-filed_at", "-pk")


@dataclass(frozen=True)
class FilingStatus:
    """Whether one department's directory is filed for a quarter."""

    department_id: int
    department_name: str
    quarter: str
    active_count: int
    filing: DirectoryFiling | None
    # True when the directory changed after the latest filing of the quarter (it should be filed again).
    is_stale: bool = False

    @property
    def is_filed(self) -> bool:
        return self.filing is not None

    @property
    def label(self) -> str:
        if self.filing is None:
            return "未报备"
        return "本季度已报备（名录已变动，需重新报备）" if self.is_stale else "本季度已报备"


def filing_statuses(*, user: Any, quarter: str | None = None, limit: int = 50) -> list[FilingStatus]:
    """Per department whose directory the user reads (and the user's own): is the quarter filed?"""
    quarter = quarter or current_quarter()
    counts = dict(
        Inspector.objects.visible_to(user).filter(is_active=True).order_by()
        .values_list("department_id").annotate(n=Count("id")).values_list("department_id", "n")
    )
    own = scope_of(user).department_id
    if own is not None and scope_of(user).can(CHANGE, Inspector):
        counts.setdefault(own, 0)
    departments = list(Department.objects.filter(pk__in=counts).order_by("level", "region_id", "name")[:limit])
    latest: dict[int, DirectoryFiling] = {}
    for filing in DirectoryFiling.objects.filter(department__in=departments, quarter=quarter).order_by("filed_at"):
        latest[filing.department_id] = filing
    statuses = []
    for dept in departments:
        last = latest.get(dept.pk)
        stale = last is not None and directory_snapshot(dept.pk).sha256 != last.directory_sha256
        statuses.append(FilingStatus(dept.pk, dept.name, quarter, counts[dept.pk], last, stale))
    return statuses
