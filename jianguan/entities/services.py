"""Writes to the market-entity directory: validate → write → history → audit, one function each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from jianguan.core import audit
from jianguan.core.exceptions import Conflict, FieldError, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit, scope_of
from jianguan.entities.choices import CreditGrade, EntityKind, EntityStatus, IndustryLevel, VersionAction
from jianguan.entities.models import Entity, EntityVersion, Industry, Licence, Tag
from jianguan.entities.uscc import UsccError, validate_uscc
from jianguan.entities.validation import date_errors, parse_industry
from jianguan.organizations.models import Department, Region

SCALAR_FIELDS = [
    "uscc", "name", "kind", "industry", "region", "address", "legal_representative", "registered_on", "status",
    "credit_grade", "credit_grade_source", "credit_grade_on", "department",
]
M2M_FIELDS = ["competent_departments", "tags", "licences"]

FIELD_LABELS = {
    "uscc": "统一社会信用代码", "name": "名称", "kind": "主体类型", "industry": "行业代码", "region": "所在区划",
    "address": "地址", "legal_representative": "法定代表人", "registered_on": "成立日期", "status": "登记状态",
    "credit_grade": "信用风险等级", "credit_grade_source": "等级来源", "credit_grade_on": "评级日期",
    "department": "录入部门", "competent_departments": "主管部门", "tags": "标签", "licences": "许可证",
}


# ---------------------------------------------------------------- snapshots and history


def history_state(
    *,
    values: Mapping[str, Any],
    department_code: str,
    competent_codes: Iterable[str],
    tag_codes: Iterable[str],
    licences: Iterable[tuple[str, str]],
) -> dict[str, Any]:
    """The picture of an entity that history rows compare: plain JSON values, related rows by code."""
    state: dict[str, Any] = {}
    for key in SCALAR_FIELDS:
        if key == "department":
            state[key] = department_code
            continue
        value = values.get(key)
        state[key] = value.isoformat() if isinstance(value, dt.date) else value
    state["is_active"] = values.get("is_active", True)
    state["competent_departments"] = sorted(competent_codes)
    state["tags"] = sorted(tag_codes)
    state["licences"] = sorted(f"{k}:{n}" for k, n in licences)
    return state


def entity_snapshot(entity: Entity) -> dict[str, Any]:
    """The history picture of a saved entity."""
    values = {k: getattr(entity, f"{k}_id" if k in ("industry", "region", "department") else k)
              for k in SCALAR_FIELDS}
    values["is_active"] = entity.is_active
    return history_state(
        values=values,
        department_code=entity.department.code,
        competent_codes=[d.code for d in entity.competent_departments.all()],
        tag_codes=[t.code for t in entity.tags.all()],
        licences=[(lic.kind, lic.number) for lic in entity.licences.all()],
    )


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{"before": {...}, "after": {...}} restricted to the keys that changed."""
    b, a = audit.changes(dict(before), dict(after))
    return {"before": b, "after": a}


def _add_version(entity: Entity, *, by: Any, action: str, changes: dict[str, Any]) -> EntityVersion:
    entity.version += 1
    Entity.objects.filter(pk=entity.pk).update(version=entity.version)
    return EntityVersion.objects.create(
        entity=entity, version=entity.version, changed_at=timezone.now(),
        changed_by_id=getattr(by, "pk", None), action=action, changes=changes,
    )


# ---------------------------------------------------------------- resolving input


class _Errors:
    """Collects field errors so that one response names every bad field."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.items.append(FieldError(field=field, message=message, code=code))

    def has(self, field: str) -> bool:
        return any(e.field == field for e in self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items[0].message, errors=self.items)


def resolve_industry(value: Any, errors: _Errors) -> Industry | None:
    """An Industry division from an instance or a code (52, F52, 5211)."""
    if isinstance(value, Industry):
        industry: Industry | None = value
        code = value.code
    else:
        try:
            code, section = parse_industry(str(value or ""))
        except ValueError as exc:
            errors.add("industry", str(exc), "invalid_industry")
            return None
        industry = Industry.objects.filter(pk=code, level=IndustryLevel.DIVISION).first()
        if industry is not None and section and section != industry.section:
            errors.add("industry", f"行业代码 {value}：大类 {code} 属于门类 {industry.section}，不属于 {section}",
                       "industry_section_mismatch")
            return None
    if industry is None or industry.level != IndustryLevel.DIVISION:
        errors.add("industry", f"未知的行业代码 {code}：应为 GB/T 4754-2017 的两位大类代码（01–97）", "unknown_industry")
        return None
    return industry


def resolve_region(value: Any, errors: _Errors) -> Region | None:
    if isinstance(value, Region):
        return value
    code = str(value or "").strip()
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        errors.add("region", f"区划代码 {code or '（空）'} 不存在：应为 GB/T 2260 的六位代码", "unknown_region")
    return region


def resolve_department(value: Any, field: str, errors: _Errors) -> Department | None:
    if isinstance(value, Department):
        return value
    text = str(value or "").strip()
    dept = Department.objects.filter(code=text).first()
    if dept is None and text.isdigit():
        dept = Department.objects.filter(pk=int(text)).first()
    if dept is None:
        errors.add(field, f"未知的部门编码 {text}", "unknown_department")
    return dept


def resolve_tags(values: Iterable[Any]) -> list[Tag]:
    """Tags by code (or name); an unknown one is created with that text as code and name."""
    tags: list[Tag] = []
    for value in values:
        if isinstance(value, Tag):
            tags.append(value)
            continue
        text = str(value).strip()[:40]
        if not text:
            continue
        tag = Tag.objects.filter(code=text).first() or Tag.objects.filter(name=text).first()
        if tag is None:
            tag = Tag.objects.create(code=text, name=text[:60])
        tags.append(tag)
    return tags


def _licence_items(values: Iterable[Any], errors: _Errors) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for value in values:
        if isinstance(value, str):
            kind, _, number = value.replace("：", ":").partition(":")
            item: dict[str, Any] = {"kind": kind.strip(), "number": number.strip()}
        else:
            item = dict(value)
        if not item.get("kind") or not item.get("number"):
            errors.add("licences", "许可证须填写类型和编号", "invalid_licence")
            continue
        issued, expires = item.get("issued_on"), item.get("expires_on")
        if issued and expires and expires < issued:
            errors.add("licences", f"许可证 {item['number']} 的有效期至 {expires} 早于发证日期 {issued}", "licence_dates")
        items.append(item)
    return items


def _in_jurisdiction(code: str, prefix: str) -> bool:
    return code.startswith(prefix)


TEXT_FIELDS = {"address", "legal_representative", "credit_grade_source"}


def _scalar(key: str, value: Any) -> Any:
    """None means empty: NULL for dates and the grade, "" for text."""
    if value is None and key in TEXT_FIELDS:
        return ""
    if isinstance(value, str) and key in TEXT_FIELDS | {"name"}:
        return value.strip()
    return value


def _validate(data: dict[str, Any], *, by: Any, instance: Entity | None) -> dict[str, Any]:
    """Resolve codes to rows and check every rule; raise ValidationFailed naming all bad fields."""
    errors = _Errors()
    scope = scope_of(by)
    out: dict[str, Any] = dict(data)

    if "uscc" in data:
        try:
            out["uscc"] = validate_uscc(data["uscc"]).code
        except UsccError as exc:
            errors.add("uscc", str(exc), "invalid_uscc")
        else:
            clash = Entity.objects.filter(uscc=out["uscc"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                raise Conflict(f"统一社会信用代码 {out['uscc']} 已在名录中", code="duplicate_uscc",
                               errors=[FieldError("uscc", f"统一社会信用代码 {out['uscc']} 已在名录中", "duplicate_uscc")])
    if "name" in data and not str(data["name"] or "").strip():
        errors.add("name", "名称不能为空", "required")
    if "kind" in data and data["kind"] not in EntityKind.values:
        errors.add("kind", f"主体类型 {data['kind']} 无效", "invalid_choice")
    if "status" in data and data["status"] not in EntityStatus.values:
        errors.add("status", f"登记状态 {data['status']} 无效", "invalid_choice")
    if "credit_grade" in data:
        out["credit_grade"] = data["credit_grade"] or None
        if out["credit_grade"] is not None and out["credit_grade"] not in CreditGrade.values:
            errors.add("credit_grade", f"信用风险等级 {data['credit_grade']} 无效：应为 A、B、C、D 或留空", "invalid_choice")
    if "industry" in data:
        out["industry"] = resolve_industry(data["industry"], errors)
    if "region" in data:
        out["region"] = resolve_region(data["region"], errors)

    # The maintaining department: staff always maintain for their own department.
    if scope.unrestricted:
        if "department" in data or instance is None:
            if data.get("department") in (None, ""):
                errors.add("department", "平台管理员新增主体时须指定录入部门", "required")
            else:
                out["department"] = resolve_department(data["department"], "department", errors)
    else:
        if scope.department_id is None:
            raise NotPermitted()
        own = Department.objects.get(pk=scope.department_id)
        given = data.get("department")
        if instance is None:
            if given not in (None, "") and getattr(given, "pk", given) not in (own.pk, own.code):
                errors.add("department", "只能以本部门作为录入部门", "not_own_department")
            out["department"] = own
        elif given not in (None, "") and getattr(given, "pk", given) not in (instance.department_id,
                                                                              instance.department.code):
            errors.add("department", "录入部门只能由平台管理员变更", "department_change")
            out.pop("department", None)
        else:
            out.pop("department", None)

    # [issue #2] Staff write only inside their jurisdiction; the entity's region must also lie in the
    # maintaining department's jurisdiction, so that its staff can reach it.
    region: Region | None = out.get("region") if "region" in data else (instance.region if instance else None)
    # Only a new location is checked: a competent department may edit an entity it can reach by competence.
    moved = region is not None and (instance is None or region.code != instance.region_id
                                    or out.get("department") not in (None, instance.department))
    if region is not None and moved and not errors.has("region"):
        if not scope.unrestricted and not _in_jurisdiction(region.code, scope.region_prefix):
            errors.add("region", f"所在区划 {region.code}（{region.name}）不在您的辖区内（辖区代码前缀 {scope.region_prefix}）",
                       "out_of_jurisdiction")
        else:
            dept: Department | None = out.get("department") or (instance.department if instance else None)
            if dept is not None and not region.is_special and not _in_jurisdiction(region.code, dept.jurisdiction_prefix):
                errors.add("region", f"所在区划 {region.code}（{region.name}）不在录入部门 {dept.name} 的辖区内",
                           "out_of_department_jurisdiction")

    merged = {k: out.get(k, getattr(instance, k, None) if instance else None)
              for k in ("registered_on", "credit_grade", "credit_grade_on")}
    for field, message in date_errors(registered_on=merged["registered_on"], credit_grade=merged["credit_grade"],
                                      credit_grade_on=merged["credit_grade_on"], today=timezone.localdate()):
        errors.add(field, message, "invalid_date")

    if "competent_departments" in data:
        depts = [resolve_department(v, "competent_departments", errors) for v in data["competent_departments"] or []]
        out["competent_departments"] = [d for d in depts if d is not None]
    if "licences" in data:
        out["licences"] = _licence_items(data["licences"] or [], errors)
    errors.raise_if_any()
    if "tags" in data:
        out["tags"] = resolve_tags(data["tags"] or [])
    return out


def _apply_licences(entity: Entity, items: list[dict[str, Any]]) -> None:
    """Make the entity's licences exactly these, keeping rows whose kind and number stay."""
    existing = {(lic.kind, lic.number): lic for lic in entity.licences.all()}
    wanted = {(i["kind"], i["number"]): i for i in items}
    Licence.objects.filter(pk__in=[lic.pk for key, lic in existing.items() if key not in wanted]).delete()
    for key, item in wanted.items():
        lic = existing.get(key)
        if lic is None:
            Licence.objects.create(entity=entity, kind=key[0], number=key[1],
                                   issued_on=item.get("issued_on"), expires_on=item.get("expires_on"))
        elif "issued_on" in item or "expires_on" in item:
            lic.issued_on, lic.expires_on = item.get("issued_on", lic.issued_on), item.get("expires_on", lic.expires_on)
            lic.save()


def _apply_related(entity: Entity, data: dict[str, Any]) -> None:
    if "competent_departments" in data:
        entity.competent_departments.set(data["competent_departments"])
    if "tags" in data:
        entity.tags.set(data["tags"])
    if "licences" in data:
        _apply_licences(entity, data["licences"])


# ---------------------------------------------------------------- services


@transaction.atomic
def entity_create(*, by: Any, data: dict[str, Any]) -> Entity:
    """Add a market entity to the directory (staff: inside their jurisdiction, maintained by their department)."""
    ensure_can(by, ADD, Entity)
    clean = _validate({"kind": EntityKind.ENTERPRISE, "status": EntityStatus.OPERATING, **data},
                      by=by, instance=None)
    for required in ("uscc", "name", "industry", "region"):
        if required not in clean:
            raise ValidationFailed.for_field(required, f"「{FIELD_LABELS[required]}」不能为空", "required")
    entity = Entity(**{k: _scalar(k, v) for k, v in clean.items() if k in SCALAR_FIELDS})
    entity.section = clean["industry"].section
    entity.save()
    _apply_related(entity, clean)
    state = entity_snapshot(entity)
    _add_version(entity, by=by, action=VersionAction.CREATED, changes={"before": {}, "after": state})
    audit.record(actor=by, action="entity.created", target=entity, after=state)
    return entity


@transaction.atomic
def entity_update(entity: Entity, /, *, by: Any, data: dict[str, Any]) -> Entity:
    """Change an entity's details (maintaining or competent department); every change is kept as a version."""
    ensure_can_edit(entity, by, CHANGE)
    clean = _validate(data, by=by, instance=entity)
    before = entity_snapshot(entity)
    for key, value in clean.items():
        if key in SCALAR_FIELDS:
            setattr(entity, key, _scalar(key, value))
    if clean.get("industry") is not None:
        entity.section = clean["industry"].section
    entity.save()
    _apply_related(entity, clean)
    after = entity_snapshot(entity)
    changes = diff(before, after)
    if changes["after"]:
        _add_version(entity, by=by, action=VersionAction.UPDATED, changes=changes)
        audit.record(actor=by, action="entity.updated", target=entity, before=changes["before"], after=changes["after"])
    return entity


@transaction.atomic
def entity_deactivate(entity: Entity, /, *, by: Any) -> Entity:
    """Remove the entity from the directory; the row and its history stay (never deleted)."""
    ensure_can_edit(entity, by, CHANGE)
    if not entity.is_active:
        raise IllegalTransition(f"{entity.name} 已移出名录", code="already_inactive")
    entity.is_active = False
    entity.save(update_fields=["is_active", "updated_at"])
    changes = {"before": {"is_active": True}, "after": {"is_active": False}}
    _add_version(entity, by=by, action=VersionAction.DEACTIVATED, changes=changes)
    audit.record(actor=by, action="entity.deactivated", target=entity, before=changes["before"], after=changes["after"])
    return entity
