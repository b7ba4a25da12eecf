"""Writes to the inspector directory: validate, write, keep a version, audit. One function each."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from jianguan.catalog.models import SupervisionDomain
from jianguan.core import audit
from jianguan.core.exceptions import Conflict, FieldError, NotPermitted, ValidationFailed
from jianguan.core.lib.canonical import normalise
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit, scope_of
from jianguan.entities.models import Entity
from jianguan.inspectors.choices import InspectorCategory, VersionAction
from jianguan.inspectors.models import DirectoryFiling, Inspector, InspectorVersion, Recusal
from jianguan.inspectors.selectors import current_quarter, directory_snapshot
from jianguan.organizations.models import Department, Region

INSPECTOR_FIELDS = (
    "department", "name", "category", "certificate_no", "certificate_expires_on", "region", "user", "phone",
)
# Provincial prefixes such as 湘 or 粤 are common in certificate numbers, so CJK characters are allowed.
CERTIFICATE_RE = re.compile(r"^[0-9A-Z\u4e00-\u9fff][0-9A-Z\u4e00-\u9fff\-]{3,39}$")
# Mainland mobile numbers, or landlines with an area code (and an optional extension).
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
REASON_MAX = 500


def normalise_certificate_no(raw: Any) -> str:
    """Certificate numbers are compared trimmed, without inner spaces, upper-cased."""
    return "".join(str(raw or "").split()).upper()


def normalise_quarter(raw: Any) -> str:
    return "".join(str(raw or "").split()).upper()


def _fail(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)


def can_write_in(user: Any, department: Department, action: str, model: type[Inspector | Recusal] = Inspector) -> bool:
    """Only the department's own staff (with the role permission) write its directory; platform admins anywhere."""
    scope = scope_of(user)
    return scope.can(action, model) and (scope.unrestricted or scope.department_id == department.pk)


def inspector_state(inspector: Inspector) -> dict[str, Any]:
    """Everything a version compares, JSON-ready (qualifications as sorted domain codes)."""
    data = {f: getattr(inspector, f"{f}_id" if f in ("department", "region", "user") else f) for f in INSPECTOR_FIELDS}
    data["is_active"] = inspector.is_active
    data["qualifications"] = sorted(inspector.qualifications.values_list("code", flat=True)) if inspector.pk else []
    return normalise(data)  # type: ignore[no-any-return]


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _record_version(inspector: Inspector, action: str, by: Any, changes: dict[str, Any]) -> InspectorVersion:
    last = InspectorVersion.objects.filter(inspector=inspector).aggregate(n=Max("version"))["n"] or 0
    return InspectorVersion.objects.create(
        inspector=inspector, version=last + 1, action=action, changed_at=timezone.now(),
        changed_by_id=getattr(by, "pk", None), changes=changes,
    )


def _others(instance: Inspector | None) -> QuerySet[Inspector]:
    qs = Inspector.objects.all()
    return qs if instance is None else qs.exclude(pk=instance.pk)


def _validate_inspector(
    data: dict[str, Any], *, by: Any, instance: Inspector | None, qualifications: Iterable[SupervisionDomain] | None
) -> list[FieldError]:
    errors: list[FieldError] = []
    department: Department | None = data.get("department")
    if department is None:
        return [FieldError("department", "请选择所属部门", "required")]
    action = ADD if instance is None else CHANGE
    moving = instance is not None and instance.department_id != department.pk
    if (instance is None or moving) and not can_write_in(by, department, action):
        errors.append(FieldError(
            "department", f"您无权在「{department.name}」登记执法检查人员：只能维护本部门的名录", "out_of_scope"))
    if not department.is_active:
        errors.append(FieldError("department", f"部门「{department.name}」已停用", "inactive"))

    name = data.get("name") or ""
    if not name:
        errors.append(FieldError("name", "请填写姓名", "required"))
    elif len(name) > 60:
        errors.append(FieldError("name", "姓名不能超过 60 个字符", "max_length"))

    if data.get("category") not in InspectorCategory.values:
        labels = "、".join(str(label) for label in InspectorCategory.labels)
        errors.append(FieldError("category", f"人员类别应为以下三类之一：{labels} [003]", "invalid_choice"))

    number = data.get("certificate_no") or ""
    if not number:
        errors.append(FieldError("certificate_no", "请填写执法证号", "required"))
    elif not CERTIFICATE_RE.match(number):
        errors.append(FieldError(
            "certificate_no", f"执法证号「{number}」格式不正确：应为 4–40 位字母、数字、汉字或连字符", "invalid_format"))
    elif _others(instance).filter(certificate_no=number).exists():
        errors.append(FieldError(
            "certificate_no", f"执法证号「{number}」已登记在名录中：执法证号不得重复", "duplicate"))

    region: Region | None = data.get("region")
    if region is None:
        errors.append(FieldError("region", "请填写执法区域", "required"))
    elif not region.code.startswith(department.jurisdiction_prefix):
        errors.append(FieldError(
            "region", f"执法区域 {region} 不在「{department.name}」的辖区（区划代码 {department.jurisdiction_prefix}…）内",
            "outside_jurisdiction"))

    user = data.get("user")
    if user is not None:
        if user.department_id != department.pk:
            errors.append(FieldError(
                "user", f"登录账号「{user.username}」不属于「{department.name}」：只能关联本部门的账号", "other_department"))
        elif _others(instance).filter(user=user).exists():
            errors.append(FieldError("user", f"登录账号「{user.username}」已关联其他执法检查人员", "duplicate"))

    phone = data.get("phone") or ""
    if phone and not PHONE_RE.match(phone):
        errors.append(FieldError(
            "phone", "联系电话格式不正确：应为 11 位手机号或带区号的固定电话（如 0731-58212345）", "invalid_phone"))

    for domain in qualifications or ():
        if not domain.is_active:
            errors.append(FieldError("qualifications", f"监管领域「{domain.name}」已停用，不能作为执法资格", "inactive"))
    return errors


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "certificate_no" in out:
        out["certificate_no"] = normalise_certificate_no(out["certificate_no"])
    for key in ("name", "phone"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    return out


@transaction.atomic
def inspector_create(*, by: Any, data: dict[str, Any], imported: bool = False) -> Inspector:
    """Add a person to the directory (their own department's, for department admins)."""
    values = _clean(data)
    values["department"] = values.get("department") or getattr(by, "department", None)
    if values.get("region") is None and values["department"] is not None:
        values["region"] = values["department"].region
    qualifications = list(values.get("qualifications") or [])
    _fail(_validate_inspector(values, by=by, instance=None, qualifications=qualifications))
    inspector = Inspector(**{k: values.get(k) for k in INSPECTOR_FIELDS if k in values})
    inspector.phone = inspector.phone or ""
    try:
        with transaction.atomic():
            inspector.save()
    except IntegrityError:
        # Two people adding the same number at once: the unique index decides, the loser gets the rule.
        raise ValidationFailed.for_field(
            "certificate_no", f"执法证号「{inspector.certificate_no}」已登记在名录中：执法证号不得重复", "duplicate"
        ) from None
    inspector.qualifications.set(qualifications)
    state = inspector_state(inspector)
    _record_version(inspector, VersionAction.IMPORTED if imported else VersionAction.CREATED, by,
                    {k: [None, v] for k, v in state.items()})
    audit.record(actor=by, action="inspector.created", target=inspector,
                 after={**state, "source": "import" if imported else "form"})
    return inspector


@transaction.atomic
def inspector_update(
    inspector: Inspector, /, *, by: Any, data: dict[str, Any], imported: bool = False
) -> Inspector:
    """Change an inspector's details; every change is kept as a version."""
    ensure_can_edit(inspector, by, CHANGE)
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    values = _clean(data)
    merged = {f: getattr(inspector, f) for f in INSPECTOR_FIELDS} | {k: v for k, v in values.items() if k in INSPECTOR_FIELDS}
    if merged.get("region") is None:
        merged["region"] = merged["department"].region
    qualifications = list(values["qualifications"]) if "qualifications" in values else None
    _fail(_validate_inspector(merged, by=by, instance=inspector, qualifications=qualifications))
    before = inspector_state(inspector)
    old_department_id = inspector.department_id
    for key in INSPECTOR_FIELDS:
        setattr(inspector, key, merged[key])
    inspector.phone = inspector.phone or ""
    inspector.save()
    if qualifications is not None:
        inspector.qualifications.set(qualifications)
    after = inspector_state(inspector)
    changes = _diff(before, after)
    if not changes:
        return inspector
    if inspector.department_id != old_department_id:
        # Recusals carry the inspector's department for scoping; they move with the person.
        Recusal.objects.filter(inspector=inspector).update(department_id=inspector.department_id)
    _record_version(inspector, VersionAction.IMPORTED if imported else VersionAction.UPDATED, by, changes)
    b, a = audit.changes(before, after)
    audit.record(actor=by, action="inspector.updated", target=inspector, before=b, after=a)
    return inspector


def _set_active(inspector: Inspector, by: Any, active: bool) -> Inspector:
    ensure_can_edit(inspector, by, CHANGE)
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if inspector.is_active == active:
        return inspector
    inspector.is_active = active
    inspector.save(update_fields=["is_active", "updated_at"])
    action = VersionAction.REACTIVATED if active else VersionAction.DEACTIVATED
    _record_version(inspector, action, by, {"is_active": [not active, active]})
    audit.record(actor=by, action=f"inspector.{action}", target=inspector,
                 before={"is_active": not active}, after={"is_active": active})
    return inspector


@transaction.atomic
def inspector_deactivate(inspector: Inspector, /, *, by: Any) -> Inspector:
    """Take a person out of the directory (yearly cleaning [003]); never deleted, history stays."""
    return _set_active(inspector, by, False)


@transaction.atomic
def inspector_reactivate(inspector: Inspector, /, *, by: Any) -> Inspector:
    """Put a person back into the directory."""
    return _set_active(inspector, by, True)


# ---------------------------------------------------------------- recusals (回避)


@transaction.atomic
def recusal_create(*, by: Any, data: dict[str, Any]) -> Recusal:
    """Record that an inspector must not inspect an entity; the draw will never assign them to it."""
    ensure_can(by, ADD, Recusal)
    # Fresh from the database: the caller's copy may be stale (e.g. deactivated meanwhile).
    inspector = Inspector.objects.select_related("department").get(pk=data["inspector"].pk)
    entity: Entity = data["entity"]
    reason = str(data.get("reason") or "").strip()
    errors: list[FieldError] = []
    if not can_write_in(by, inspector.department, ADD, Recusal):
        # The same words whether the inspector is invisible or only read-only: nothing leaks.
        errors.append(FieldError(
            "inspector", "执法检查人员不存在，或不属于您可以管理的部门：只能为本部门的执法检查人员登记回避", "not_editable"))
    elif not inspector.is_active:
        errors.append(FieldError("inspector", f"{inspector.name} 已移出名录，不能登记回避", "inactive"))
    if not Entity.objects.visible_to(by).filter(pk=entity.pk).exists():
        errors.append(FieldError("entity", "检查对象不存在，或不在您的可见范围内", "not_visible"))
    if not reason:
        errors.append(FieldError("reason", "请填写回避事由（如近亲属关系、曾在该单位任职、其他利害关系）", "required"))
    elif len(reason) > REASON_MAX:
        errors.append(FieldError("reason", f"回避事由不能超过 {REASON_MAX} 个字符", "max_length"))
    _fail(errors)
    duplicate = FieldError("entity", f"{inspector.name} 对「{entity.name}」已有有效的回避记录", "duplicate")
    if Recusal.objects.filter(inspector=inspector, entity=entity, is_active=True).exists():
        raise Conflict(duplicate.message, code="duplicate_recusal", errors=[duplicate])
    try:
        with transaction.atomic():
            recusal = Recusal.objects.create(
                inspector=inspector, entity=entity, department_id=inspector.department_id, reason=reason,
                created_by_id=getattr(by, "pk", None),
            )
    except IntegrityError:
        raise Conflict(duplicate.message, code="duplicate_recusal", errors=[duplicate]) from None
    audit.record(actor=by, action="recusal.created", target=recusal, after=audit.snapshot(recusal))
    return recusal


@transaction.atomic
def recusal_deactivate(recusal: Recusal, /, *, by: Any) -> Recusal:
    """End a recusal (the conflict of interest is over); the record stays."""
    ensure_can_edit(recusal, by, CHANGE)
    recusal = Recusal.objects.select_for_update().get(pk=recusal.pk)
    if not recusal.is_active:
        return recusal
    recusal.is_active = False
    recusal.deactivated_at = timezone.now()
    recusal.deactivated_by_id = getattr(by, "pk", None)
    recusal.save(update_fields=["is_active", "deactivated_at", "deactivated_by_id", "updated_at"])
    audit.record(actor=by, action="recusal.deactivated", target=recusal,
                 before={"is_active": True}, after={"is_active": False})
    return recusal


# ---------------------------------------------------------------- quarterly filing [003]


def validate_quarter(raw: Any) -> str:
    """'2026Q4' (any case, spaces ignored), not later than the current quarter."""
    quarter = normalise_quarter(raw)
    if not QUARTER_RE.match(quarter):
        raise ValidationFailed.for_field("quarter", f"季度「{raw}」格式不正确：应为 年份+Q+1–4，如 2026Q4", "invalid_format")
    now = current_quarter()
    if quarter > now:  # same width, so text order is time order
        raise ValidationFailed.for_field("quarter", f"不能报备未来的季度 {quarter}（当前为 {now}）", "future_quarter")
    return quarter


@transaction.atomic
def directory_file_quarter(
    *, by: Any, department: Department | None = None, quarter: str | None = None
) -> DirectoryFiling:
    """File the department's directory for a quarter with the justice bureau [003]: the canonical CSV
    of the active inspectors and its SHA-256 are kept, so the filed list can be checked later."""
    ensure_can(by, CHANGE, Inspector)
    department = department or getattr(by, "department", None)
    if department is None:
        raise ValidationFailed.for_field("department", "请选择报备部门", "required")
    if not can_write_in(by, department, CHANGE):
        audit.record(actor=by, action="permission.denied", target=department, after={"action": "directory.file"})
        raise NotPermitted("只能报备本部门的执法检查人员名录")
    quarter = validate_quarter(quarter or current_quarter())
    # Lock the department row so two filings of one department are serialised.
    Department.objects.select_for_update().filter(pk=department.pk).first()
    snapshot = directory_snapshot(department.pk)
    if snapshot.inspector_count == 0:
        raise ValidationFailed.for_field("department", f"「{department.name}」的名录中没有在册人员，无法报备", "empty_directory")
    latest = DirectoryFiling.objects.filter(department=department, quarter=quarter).order_by("-filed_at").first()
    if latest is not None and latest.directory_sha256 == snapshot.sha256:
        raise Conflict(f"{quarter} 已报备，且名录自 {timezone.localtime(latest.filed_at):%Y-%m-%d %H:%M} 报备后没有变动",
                       code="already_filed")
    filing = DirectoryFiling.objects.create(
        department=department, quarter=quarter, filed_at=timezone.now(), filed_by_id=getattr(by, "pk", None),
        inspector_count=snapshot.inspector_count, directory_sha256=snapshot.sha256, directory_csv=snapshot.csv_text,
    )
    audit.record(actor=by, action="directory.filed", target=filing, after={
        "department_id": department.pk, "quarter": quarter, "inspector_count": snapshot.inspector_count,
        "directory_sha256": snapshot.sha256,
    })
    return filing
