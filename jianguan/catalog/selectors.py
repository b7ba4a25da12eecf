"""Reads of the catalog and the inspection item list, scoped to the user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from jianguan.catalog.choices import PublicationState
from jianguan.catalog.models import (
    CatalogItem,
    CatalogItemVersion,
    InspectionItem,
    InspectionItemVersion,
    ItemListFiling,
    SupervisionDomain,
)
from jianguan.organizations.models import Department


def _as_bool(value: Any) -> bool | None:
    """Filter values arrive as booleans (forms) or strings (query parameters)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "是"}:
        return True
    if text in {"false", "0", "no", "否"}:
        return False
    return None


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def domain_list(*, include_inactive: bool = False) -> QuerySet[SupervisionDomain]:
    """Supervision domains: public reference data."""
    qs = SupervisionDomain.objects.all()
    return qs if include_inactive else qs.filter(is_active=True)


def domain_lookup() -> dict[str, SupervisionDomain]:
    """Domains by code and by Chinese name, for imports."""
    out: dict[str, SupervisionDomain] = {}
    for d in SupervisionDomain.objects.all():
        out[d.code] = d
        out[d.name] = d
    return out


def catalog_item_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[CatalogItem]:
    """Catalog items the user may read; filters: q, domain, department, implementing_level, is_active."""
    qs = CatalogItem.objects.visible_to(user).select_related("department", "domain")
    f = filters or {}
    if q := f.get("q"):
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(legal_basis__icontains=q))
    if domain := f.get("domain"):
        qs = qs.filter(domain_id=_pk(domain))
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk(department))
    if level := f.get("implementing_level"):
        qs = qs.filter(implementing_level=level)
    active = _as_bool(f.get("is_active"))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def inspection_item_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[InspectionItem]:
    """Inspection items the user may read; filters: q, kind, domain, department, publication_state, is_active."""
    qs = InspectionItem.objects.visible_to(user).select_related("department", "domain", "catalog_item")
    return _filter_items(qs, filters or {})


def _filter_items(qs: QuerySet[InspectionItem], f: Mapping[str, Any]) -> QuerySet[InspectionItem]:
    if q := f.get("q"):
        qs = qs.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(object_scope__icontains=q)
            | Q(catalog_item__code__icontains=q)
        )
    if kind := f.get("kind"):
        qs = qs.filter(kind=kind)
    if domain := f.get("domain"):
        qs = qs.filter(domain_id=_pk(domain))
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk(department))
    if state := f.get("publication_state"):
        qs = qs.filter(publication_state=state)
    if catalog_item := f.get("catalog_item"):
        qs = qs.filter(catalog_item_id=_pk(catalog_item))
    active = _as_bool(f.get("is_active"))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def public_item_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[InspectionItem]:
    """The published list as the public sees it [003] ("清单之外无监管"); for the portal."""
    qs = InspectionItem.objects.visible_to(None).select_related("department", "domain", "catalog_item")
    return _filter_items(qs, filters or {})


def catalog_item_history(item: CatalogItem) -> QuerySet[CatalogItemVersion]:
    """Every version of a catalog item, newest first."""
    return item.versions.order_by("-version")


def inspection_item_history(item: InspectionItem) -> QuerySet[InspectionItemVersion]:
    """Every version of an inspection item, newest first."""
    return item.versions.order_by("-version")


def filing_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[ItemListFiling]:
    """Quarterly filings the user may read; filters: department, quarter."""
    qs = ItemListFiling.objects.visible_to(user).select_related("department")
    f = filters or {}
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk(department))
    if quarter := f.get("quarter"):
        qs = qs.filter(quarter=quarter)
    return qs


def canonical_item_list(department: Department) -> list[dict[str, Any]]:
    """The department's published list in a canonical form: what a quarterly filing hashes [003]."""
    items = (
        InspectionItem.objects.filter(
            department=department, publication_state=PublicationState.PUBLISHED, is_active=True
        )
        .select_related("catalog_item")
        .order_by("code")
    )
    return [
        {
            "code": i.code,
            "name": i.name,
            "catalog_item": i.catalog_item.code,
            "domain": i.domain_id,
            "kind": i.kind,
            "default_ratio_pct": None if i.default_ratio_pct is None else f"{i.default_ratio_pct:.2f}",
            "frequency": i.frequency,
            "times_per_year": i.times_per_year,
            "methods": i.methods,
            "object_scope": i.object_scope,
            "inspection_basis": i.inspection_basis,
            "min_inspectors": i.min_inspectors,
            "inspector_requirement": i.inspector_requirement,
            "version": i.version,
        }
        for i in items
    ]
