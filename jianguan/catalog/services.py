"""Writes to the catalog and the inspection item list: validate → write → version → audit, one function each."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from jianguan.catalog import selectors, workflow
from jianguan.catalog.choices import ImplementingLevel, InspectionMethod, ItemKind, PublicationState
from jianguan.catalog.models import (
    CatalogItem,
    CatalogItemVersion,
    InspectionItem,
    InspectionItemVersion,
    ItemListFiling,
    SupervisionDomain,
)
from jianguan.catalog.rules import check_ratio
from jianguan.core import audit
from jianguan.core.exceptions import Conflict, FieldError, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.lib.canonical import canonical_json, digest
from jianguan.core.scoping import scope_of
from jianguan.organizations.models import Department

CATALOG_FIELDS = [
    "department", "code", "name", "domain", "supervised_object", "measures", "legal_basis", "result_handling",
    "implementing_level",
]
INSPECTION_FIELDS = [
    "department", "code", "catalog_item", "name", "domain", "kind", "default_ratio_pct", "frequency",
    "times_per_year", "methods", "object_scope", "inspection_basis", "min_inspectors", "inspector_requirement",
]
# Bookkeeping columns that never count as a change of content.
_NOT_CONTENT = {"id", "created_at", "updated_at", "version"}
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
MIN_INSPECTORS = 2
CENT = Decimal("0.01")


# ---------------------------------------------------------------- shared helpers


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)


def _ensure_writes_for(by: Any, department: Department) -> None:
    """Staff write only their own department's lists; platform admins any. ``by=None`` is the system (seeding)."""
    if by is None:
        return
    scope = scope_of(by)
    if scope.unrestricted or scope.department_id == department.pk:
        return
    audit.record(actor=by, action="permission.denied", target=department, after={"action": "catalog.write"})
    raise NotPermitted("只能维护本部门的事项清单")


def _department_for(by: Any, data: Mapping[str, Any]) -> Department | None:
    dept = data.get("department")
    if dept is not None:
        return dept  # type: ignore[no-any-return]
    return getattr(by, "department", None) if by is not None else None


def _version_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every content field that changed."""
    return {
        k: [before.get(k), v] for k, v in after.items() if k not in _NOT_CONTENT and before.get(k) != v
    }


def _actor_id(by: Any) -> int | None:
    if by is None or not getattr(by, "is_authenticated", False):
        return None
    pk = getattr(by, "pk", None)
    return int(pk) if pk is not None else None


def _taken(qs: models.QuerySet[Any], instance: models.Model | None) -> bool:
    """True when another row than ``instance`` matches (uniqueness of natural keys)."""
    if instance is not None:
        qs = qs.exclude(pk=instance.pk)
    return qs.exists()


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


# ---------------------------------------------------------------- catalog items


def _validate_catalog_item(data: dict[str, Any], instance: CatalogItem | None) -> dict[str, Any]:
    errors: list[FieldError] = []
    clean = dict(data)
    for key in ("code", "name", "supervised_object", "measures", "legal_basis", "result_handling"):
        clean[key] = _text(data, key)
    if not clean["code"]:
        errors.append(FieldError("code", "目录编码不能为空", "required"))
    elif _taken(CatalogItem.objects.filter(code=clean["code"]), instance):
        errors.append(FieldError("code", f"目录编码「{clean['code']}」已被使用", "duplicate"))
    if not clean["name"]:
        errors.append(FieldError("name", "事项名称不能为空", "required"))
    domain: SupervisionDomain | None = data.get("domain")
    if domain is None:
        errors.append(FieldError("domain", "请选择监管领域", "required"))
    elif not domain.is_active:
        errors.append(FieldError("domain", f"监管领域「{domain.name}」已停用", "inactive_domain"))
    # [000][002] every supervision item rests on a law or regulation.
    if not clean["legal_basis"]:
        errors.append(FieldError("legal_basis", "设定依据不能为空：监管事项须有法律法规依据 [000][002]", "required"))
    if clean.get("implementing_level") not in ImplementingLevel.values:
        errors.append(FieldError("implementing_level", "实施层级须为 省级、市级 或 县级", "invalid_choice"))
    if clean.get("department") is None:
        errors.append(FieldError("department", "请指定监管部门", "required"))
    _raise_if(errors)
    return clean


def _write_catalog_version(item: CatalogItem, *, action: str, by: Any, changes: dict[str, Any]) -> None:
    CatalogItemVersion.objects.create(
        item=item, version=item.version, action=action, changed_at=timezone.now(), changed_by_id=_actor_id(by),
        changes=changes,
    )


@transaction.atomic
def catalog_item_create(*, by: Any, data: Mapping[str, Any]) -> CatalogItem:
    """Add an item to the supervision catalog of the user's department (version 1)."""
    department = _department_for(by, data)
    merged = {k: data.get(k) for k in CATALOG_FIELDS} | {"department": department}
    if department is not None:
        _ensure_writes_for(by, department)
    clean = _validate_catalog_item(merged, None)
    item = CatalogItem.objects.create(**{k: clean[k] for k in CATALOG_FIELDS}, version=1)
    after = audit.snapshot(item)
    _write_catalog_version(item, action="created", by=by, changes=_version_changes({}, after))
    audit.record(actor=by, action="catalog_item.created", target=item, after=after)
    return item


@transaction.atomic
def catalog_item_update(item: CatalogItem, /, *, by: Any, data: Mapping[str, Any]) -> CatalogItem:
    """Change a catalog item; a real change raises the version and is kept in the history."""
    item = CatalogItem.objects.select_for_update().get(pk=item.pk)
    department = data.get("department")
    if department is not None and department.pk != item.department_id:
        raise ValidationFailed.for_field("department", "目录事项的监管部门创建后不能更改", "immutable")
    _ensure_writes_for(by, item.department)
    merged = {k: getattr(item, k) for k in CATALOG_FIELDS} | {k: v for k, v in data.items() if k in CATALOG_FIELDS}
    merged["department"] = item.department
    clean = _validate_catalog_item(merged, item)
    before = audit.snapshot(item)
    for key in CATALOG_FIELDS:
        setattr(item, key, clean[key])
    changes = _version_changes(before, audit.snapshot(item))
    if not changes:
        return item
    item.version += 1
    item.save()
    _write_catalog_version(item, action="updated", by=by, changes=changes)
    b, a = audit.changes(before, audit.snapshot(item))
    audit.record(actor=by, action="catalog_item.updated", target=item, before=b, after=a)
    return item


@transaction.atomic
def catalog_item_deactivate(item: CatalogItem, /, *, by: Any) -> CatalogItem:
    """Deactivate a catalog item; refused while active inspection items still rest on it [003]."""
    item = CatalogItem.objects.select_for_update().get(pk=item.pk)
    _ensure_writes_for(by, item.department)
    if not item.is_active:
        return item
    dependants = list(item.inspection_items.filter(is_active=True).values_list("code", flat=True)[:5])
    if dependants:
        raise Conflict(
            f"目录事项下仍有有效的随机抽查事项（{'、'.join(dependants)}），请先停用这些事项",
            code="catalog_item_in_use",
        )
    item.is_active = False
    item.version += 1
    item.save()
    _write_catalog_version(item, action="deactivated", by=by, changes={"is_active": [True, False]})
    audit.record(actor=by, action="catalog_item.deactivated", target=item, before={"is_active": True},
                 after={"is_active": False})
    return item


# ---------------------------------------------------------------- inspection items


def normalise_methods(value: Any) -> tuple[str, list[str]]:
    """Methods as a canonical comma list (choice order), plus any unknown values."""
    if value is None:
        parts: list[str] = []
    elif isinstance(value, str):
        parts = [p.strip() for p in re.split(r"[,，、;；\s]+", value) if p.strip()]
    else:
        parts = [str(p).strip() for p in value if str(p).strip()]
    by_label = {m.label: m.value for m in InspectionMethod}
    known: set[str] = set()
    unknown: list[str] = []
    for p in parts:
        code = p if p in InspectionMethod.values else by_label.get(p)
        if code is None:
            unknown.append(p)
        else:
            known.add(code)
    return ",".join(m for m in InspectionMethod.values if m in known), unknown


def _as_int(value: Any, default: int) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _validate_inspection_item(data: dict[str, Any], instance: InspectionItem | None) -> dict[str, Any]:
    errors: list[FieldError] = []
    clean = dict(data)
    for key in ("code", "name", "frequency", "object_scope", "inspection_basis", "inspector_requirement"):
        clean[key] = _text(data, key)
    if not clean["code"]:
        errors.append(FieldError("code", "事项编码不能为空", "required"))
    elif _taken(InspectionItem.objects.filter(code=clean["code"]), instance):
        errors.append(FieldError("code", f"事项编码「{clean['code']}」已被使用", "duplicate"))
    if not clean["name"]:
        errors.append(FieldError("name", "事项名称不能为空", "required"))

    # [003] every item on the list is linked to an item of the supervision catalog.
    catalog_item: CatalogItem | None = data.get("catalog_item")
    department: Department | None = data.get("department")
    if catalog_item is None:
        errors.append(FieldError("catalog_item", "请选择对应的监管事项目录（清单事项须对应目录事项 [003]）", "required"))
    else:
        if not catalog_item.is_active and (instance is None or instance.catalog_item_id != catalog_item.pk):
            errors.append(FieldError("catalog_item", f"目录事项「{catalog_item.code}」已停用", "inactive_catalog_item"))
        if department is None:
            department = clean["department"] = catalog_item.department
        elif catalog_item.department_id != department.pk:
            errors.append(FieldError(
                "catalog_item",
                f"目录事项「{catalog_item.code}」属于{catalog_item.department}，与本事项的监管部门{department}不一致",
                "department_mismatch",
            ))
    if department is None:
        errors.append(FieldError("department", "请指定监管部门", "required"))

    domain: SupervisionDomain | None = data.get("domain") or (catalog_item.domain if catalog_item else None)
    clean["domain"] = domain
    if domain is None:
        errors.append(FieldError("domain", "请选择监管领域", "required"))

    kind = clean.get("kind")
    if kind not in ItemKind.values:
        errors.append(FieldError("kind", "事项类别须为 重点检查事项、一般检查事项 或 特殊重点领域", "invalid_choice"))
    else:
        try:
            check_ratio(kind, clean.get("default_ratio_pct"))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
        else:
            ratio = clean.get("default_ratio_pct")
            clean["default_ratio_pct"] = (
                None if kind == ItemKind.SPECIAL else Decimal(str(ratio).strip()).quantize(CENT, ROUND_HALF_UP)
            )
        # [000][003] full coverage is reserved for the special key areas (food, drugs, special equipment …).
        if kind == ItemKind.SPECIAL and domain is not None and not domain.is_special_key_area:
            errors.append(FieldError(
                "kind", f"监管领域「{domain.name}」不是特殊重点领域，不能设为全覆盖检查的特殊重点领域事项", "not_special_area"
            ))

    min_inspectors = _as_int(data.get("min_inspectors"), MIN_INSPECTORS)
    # 《行政处罚法》第四十二条、《行政检查》规定：执法人员不得少于两人。
    if min_inspectors is None or min_inspectors < MIN_INSPECTORS:
        errors.append(FieldError("min_inspectors", "检查人员不得少于 2 人（执法人员不得少于两人）", "min_inspectors"))
    clean["min_inspectors"] = min_inspectors
    times = _as_int(data.get("times_per_year"), 1)
    # [003] every listed item is inspected at least once within the year.
    if times is None or times < 1 or times > 366:
        errors.append(FieldError("times_per_year", "每年次数须为 1 至 366 之间的整数（清单事项每年至少检查一次 [003]）",
                                 "times_per_year"))
    clean["times_per_year"] = times
    if not clean["frequency"] and times is not None:
        clean["frequency"] = f"每年{times}次"

    methods, unknown = normalise_methods(data.get("methods"))
    if unknown:
        errors.append(FieldError(
            "methods", f"未知的检查方式：{'、'.join(unknown)}；可选：{'、'.join(InspectionMethod.labels)}", "invalid_choice"
        ))
    elif not methods:
        errors.append(FieldError("methods", "请至少选择一种检查方式", "required"))
    clean["methods"] = methods
    _raise_if(errors)
    return clean


def _write_item_version(item: InspectionItem, *, action: str, by: Any, changes: dict[str, Any]) -> None:
    InspectionItemVersion.objects.create(
        item=item, version=item.version, action=action, changed_at=timezone.now(), changed_by_id=_actor_id(by),
        changes=changes,
    )


@transaction.atomic
def inspection_item_create(*, by: Any, data: Mapping[str, Any]) -> InspectionItem:
    """Add a draft item to the random-inspection item list, linked to a catalog item of the same department."""
    merged = {k: data.get(k) for k in INSPECTION_FIELDS}
    if merged["department"] is None and data.get("catalog_item") is None:
        merged["department"] = _department_for(by, data)
    clean = _validate_inspection_item(merged, None)
    _ensure_writes_for(by, clean["department"])
    item = InspectionItem.objects.create(
        **{k: clean[k] for k in INSPECTION_FIELDS}, publication_state=PublicationState.DRAFT, version=1
    )
    after = audit.snapshot(item)
    _write_item_version(item, action="created", by=by, changes=_version_changes({}, after))
    audit.record(actor=by, action="inspection_item.created", target=item, after=after)
    return item


@transaction.atomic
def inspection_item_update(item: InspectionItem, /, *, by: Any, data: Mapping[str, Any]) -> InspectionItem:
    """Change an inspection item (any state); a real change raises the version and is kept in the history."""
    item = InspectionItem.objects.select_for_update().get(pk=item.pk)
    _ensure_writes_for(by, item.department)
    department = data.get("department")
    if department is not None and department.pk != item.department_id:
        raise ValidationFailed.for_field("department", "随机抽查事项的监管部门创建后不能更改", "immutable")
    merged = {k: getattr(item, k) for k in INSPECTION_FIELDS} | {
        k: v for k, v in data.items() if k in INSPECTION_FIELDS
    }
    merged["department"] = item.department
    if "catalog_item" in data and "domain" not in data and data["catalog_item"] != item.catalog_item:
        merged["domain"] = None  # follow the new catalog item's domain
    clean = _validate_inspection_item(merged, item)
    before = audit.snapshot(item)
    for key in INSPECTION_FIELDS:
        setattr(item, key, clean[key])
    changes = _version_changes(before, audit.snapshot(item))
    if not changes:
        return item
    item.version += 1
    item.save()
    _write_item_version(item, action="updated", by=by, changes=changes)
    b, a = audit.changes(before, audit.snapshot(item))
    audit.record(actor=by, action="inspection_item.updated", target=item, before=b, after=a)
    return item


def _transition(item: InspectionItem, target: str, *, by: Any, action: str, stamp: str) -> InspectionItem:
    locked = InspectionItem.objects.select_for_update().get(pk=item.pk)
    _ensure_writes_for(by, locked.department)
    workflow.ensure_transition(locked.publication_state, target)
    before = audit.snapshot(locked)
    locked.publication_state = target
    setattr(locked, stamp, timezone.now())
    locked.version += 1
    locked.save()
    after = audit.snapshot(locked)
    _write_item_version(locked, action=action, by=by, changes=_version_changes(before, after))
    b, a = audit.changes(before, after)
    audit.record(actor=by, action=f"inspection_item.{action}", target=locked, before=b, after=a)
    return locked


@transaction.atomic
def inspection_item_publish(item: InspectionItem, /, *, by: Any) -> InspectionItem:
    """Publish an item: it joins the public list [003] (draft or withdrawn → published); rules are re-checked."""
    if not item.is_active:
        raise IllegalTransition("已停用的事项不能公开", code="inactive_item")
    current = {k: getattr(item, k) for k in INSPECTION_FIELDS}
    _validate_inspection_item(current, item)
    if not item.catalog_item.is_active:
        raise IllegalTransition(f"目录事项「{item.catalog_item.code}」已停用，事项不能公开", code="inactive_catalog_item")
    return _transition(item, PublicationState.PUBLISHED, by=by, action="published", stamp="published_at")


@transaction.atomic
def inspection_item_withdraw(item: InspectionItem, /, *, by: Any) -> InspectionItem:
    """Withdraw a published item from the public list (published → withdrawn)."""
    return _transition(item, PublicationState.WITHDRAWN, by=by, action="withdrawn", stamp="withdrawn_at")


@transaction.atomic
def inspection_item_deactivate(item: InspectionItem, /, *, by: Any) -> InspectionItem:
    """Deactivate an item; a published one is withdrawn from the public list at the same time."""
    item = InspectionItem.objects.select_for_update().get(pk=item.pk)
    _ensure_writes_for(by, item.department)
    if not item.is_active:
        return item
    before = audit.snapshot(item)
    if item.publication_state == PublicationState.PUBLISHED:
        workflow.ensure_transition(item.publication_state, PublicationState.WITHDRAWN)
        item.publication_state = PublicationState.WITHDRAWN
        item.withdrawn_at = timezone.now()
    item.is_active = False
    item.version += 1
    item.save()
    after = audit.snapshot(item)
    _write_item_version(item, action="deactivated", by=by, changes=_version_changes(before, after))
    b, a = audit.changes(before, after)
    audit.record(actor=by, action="inspection_item.deactivated", target=item, before=b, after=a)
    return item


# ---------------------------------------------------------------- quarterly filing


def quarter_of(day: dt.date) -> str:
    """The quarter label of a date: 2026-11-03 → "2026Q4"."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def list_sha256(items: Iterable[Mapping[str, Any]]) -> str:
    """SHA-256 of the canonical JSON of a canonical item list."""
    return digest(canonical_json(list(items)).encode("utf-8"), "sha256")


@transaction.atomic
def item_list_file_quarter(department: Department, quarter: str, by: Any) -> ItemListFiling:
    """File the department's published list with the justice bureau for a quarter [003]: count and hash."""
    quarter = (quarter or "").strip().upper()
    if not QUARTER_RE.match(quarter):
        raise ValidationFailed.for_field("quarter", "备案季度格式应为 年份+Q+季度，如 2026Q4", "invalid_quarter")
    current = quarter_of(timezone.localdate())
    if quarter > current:
        raise ValidationFailed.for_field("quarter", f"不能为未来的季度备案（当前为 {current}）", "future_quarter")
    _ensure_writes_for(by, department)
    # Lock the department row so that two filings of the same quarter cannot race.
    Department.objects.select_for_update().filter(pk=department.pk).first()
    if ItemListFiling.objects.filter(department=department, quarter=quarter).exists():
        raise Conflict(f"{department} 的 {quarter} 事项清单已经备案", code="already_filed")
    items = selectors.canonical_item_list(department)
    if not items:
        raise Conflict("本部门没有已公开的随机抽查事项，无法备案", code="empty_list")
    filing = ItemListFiling.objects.create(
        department=department, quarter=quarter, filed_at=timezone.now(), filed_by_id=_actor_id(by),
        item_count=len(items), list_sha256=list_sha256(items), items_snapshot=items,
    )
    codes = [i["code"] for i in items]
    InspectionItem.objects.filter(code__in=codes).filter(
        models.Q(last_filed_quarter__lt=quarter) | models.Q(last_filed_quarter="")
    ).update(last_filed_quarter=quarter)
    audit.record(actor=by, action="item_list.filed", target=filing,
                 after={"quarter": quarter, "item_count": filing.item_count, "list_sha256": filing.list_sha256})
    return filing
