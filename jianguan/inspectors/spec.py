"""Import and export of the inspector directory (spreadsheet spec "inspectors"): upsert by 执法证号."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from jianguan.catalog.models import SupervisionDomain
from jianguan.core import audit
from jianguan.core.exceptions import DomainError, FieldError
from jianguan.core.scoping import ADD, CHANGE
from jianguan.core.tabular import BatchResult, Column, ImportContext, ImportReport, RowInvalid, TableSpec
from jianguan.inspectors import services
from jianguan.inspectors.choices import InspectorCategory
from jianguan.inspectors.models import Inspector, mask_phone
from jianguan.organizations.models import Department, Region

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
TOKEN_SPLIT = re.compile(r"[;；,，、\s]+")
MASKED = "*"


def parse_certificate(raw: str) -> str:
    number = services.normalise_certificate_no(raw)
    if not services.CERTIFICATE_RE.match(number):
        raise RowInvalid(f"执法证号「{raw}」格式不正确：应为 4–40 位字母、数字、汉字或连字符", code="invalid_format")
    return number


def parse_name(raw: str) -> str:
    name = raw.strip()
    if len(name) > 60:
        raise RowInvalid("姓名不能超过 60 个字符", code="max_length")
    return name


def parse_category(raw: str) -> str:
    text = raw.strip()
    for value, label in InspectorCategory.choices:
        if text in (value, str(label)):
            return str(value)
    labels = "、".join(str(label) for label in InspectorCategory.labels)
    raise RowInvalid(f"人员类别「{raw}」不是以下三类之一：{labels}", code="invalid_choice")


def parse_tokens(raw: str) -> list[str]:
    return [t for t in TOKEN_SPLIT.split(raw.strip()) if t]


def parse_region_code(raw: str) -> str:
    code = raw.strip()
    if not re.fullmatch(r"\d{6}", code):
        raise RowInvalid(f"执法区域代码「{raw}」应为六位数字的行政区划代码", code="invalid_format")
    return code


def parse_date(raw: str) -> dt.date:
    text = raw.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowInvalid(f"日期「{raw}」无法识别：请写成 2028-12-31", code="invalid_date")


def parse_phone(raw: str) -> str:
    phone = raw.strip()
    if MASKED in phone:
        return phone  # an exported, masked number: kept as it is if it matches (see write_batch)
    if not services.PHONE_RE.match(phone):
        raise RowInvalid(f"联系电话「{raw}」格式不正确：应为 11 位手机号或带区号的固定电话", code="invalid_phone")
    return phone


# Service field names -> the column that shows them, for errors raised while writing.
FIELD_TO_COLUMN = {
    "certificate_no": "执法证号", "name": "姓名", "department": "所属部门编码", "category": "人员类别",
    "qualifications": "执法资格领域", "region": "执法区域代码", "certificate_expires_on": "证件有效期至",
    "phone": "联系电话",
}


class InspectorTableSpec(TableSpec):
    """执法检查人员名录: one row per inspector, keyed by the certificate number."""

    name = "inspectors"
    title = "执法检查人员名录"
    key = "certificate_no"
    columns = (
        Column("certificate_no", "执法证号", True, parse_certificate, "湘4303001234",
               "全平台唯一；比对时去除空格并转为大写。已存在的证号更新该人员，新证号新增人员"),
        Column("name", "姓名", True, parse_name, "张伟"),
        Column("department", "所属部门编码", True, str.strip, "430300-SJ", "只能导入本部门的执法检查人员"),
        Column("category", "人员类别", True, parse_category, "行政执法类公务员",
               "行政执法类公务员 / 具有执法资格的工作人员 / 从事日常监管的工作人员 [003]"),
        Column("qualifications", "执法资格领域", False, parse_tokens, "食品安全;特种设备",
               "监管领域的名称或编码，多个用分号分隔；留空表示无"),
        Column("region", "执法区域代码", False, parse_region_code, "430302",
               "六位行政区划代码，须在所属部门辖区内；留空为部门所在区划"),
        Column("certificate_expires_on", "证件有效期至", False, parse_date, "2028-12-31"),
        Column("phone", "联系电话", False, parse_phone, "13812345678", "11 位手机号或带区号的固定电话"),
    )

    def prepare(self, ctx: ImportContext) -> None:
        domains: dict[str, SupervisionDomain] = {}
        for domain in SupervisionDomain.objects.all():
            domains[domain.code.lower()] = domain
            domains[domain.name] = domain
        ctx.cache["domains"] = domains
        ctx.cache["departments"] = {d.code: d for d in Department.objects.select_related("region")}
        ctx.cache["regions"] = Region.objects.in_bulk()

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        department: Department | None = ctx.cache["departments"].get(values["department"])
        if department is None:
            raise RowInvalid(f"所属部门编码「{values['department']}」不存在", "department", "unknown_department")
        if not services.can_write_in(ctx.user, department, ADD):
            raise RowInvalid(f"您无权导入「{department.name}」的执法检查人员：只能导入本部门的名录",
                             "department", "out_of_scope")
        qualifications = []
        for token in values.get("qualifications") or []:
            domain = ctx.cache["domains"].get(token) or ctx.cache["domains"].get(token.lower())
            if domain is None:
                raise RowInvalid(f"执法资格领域「{token}」不存在：请填写监管领域的名称或编码", "qualifications",
                                 "unknown_domain")
            if not domain.is_active:
                raise RowInvalid(f"监管领域「{domain.name}」已停用，不能作为执法资格", "qualifications", "inactive")
            if domain not in qualifications:
                qualifications.append(domain)
        region = department.region
        if values.get("region"):
            found: Region | None = ctx.cache["regions"].get(values["region"])
            if found is None:
                raise RowInvalid(f"执法区域代码「{values['region']}」不是有效的行政区划代码", "region", "unknown_region")
            if not found.code.startswith(department.jurisdiction_prefix):
                raise RowInvalid(
                    f"执法区域 {found} 不在「{department.name}」的辖区（区划代码 {department.jurisdiction_prefix}…）内",
                    "region", "outside_jurisdiction")
            region = found
        return {**values, "department": department, "qualifications": qualifications, "region": region,
                "phone": values.get("phone") or ""}

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext) -> BatchResult:
        result = BatchResult()
        existing = Inspector.objects.select_related("department").in_bulk(
            [values["certificate_no"] for _, values in rows], field_name="certificate_no"
        )
        for rownum, values in rows:
            inspector = existing.get(values["certificate_no"])
            data = dict(values)
            if MASKED in data["phone"]:
                if inspector is None or mask_phone(inspector.phone) != data["phone"]:
                    result.errors.append(FieldError(field="联系电话", row=rownum, code="masked_phone",
                                                    value=data["phone"],
                                                    message="联系电话是脱敏后的号码：请填写完整号码"))
                    continue
                data["phone"] = inspector.phone
            try:
                if inspector is None:
                    services.inspector_create(by=ctx.user, data=data, imported=True)
                    result.created += 1
                    continue
                if not services.can_write_in(ctx.user, inspector.department, CHANGE):
                    result.errors.append(FieldError(
                        field="执法证号", row=rownum, code="duplicate", value=values["certificate_no"],
                        message=f"执法证号「{values['certificate_no']}」已登记在其他部门的名录中：执法证号不得重复"))
                    continue
                before = services.inspector_state(inspector)
                updated = services.inspector_update(inspector, by=ctx.user, data=data, imported=True)
                if services.inspector_state(updated) == before:
                    result.unchanged += 1
                else:
                    result.updated += 1
            except DomainError as exc:
                for err in exc.errors or [FieldError(field="", message=exc.message, code=exc.code)]:
                    result.errors.append(FieldError(field=FIELD_TO_COLUMN.get(err.field, err.field), row=rownum,
                                                    code=err.code, message=err.message))
        return result

    def finish(self, ctx: ImportContext, report: ImportReport) -> None:
        audit.record(actor=ctx.user, action="inspectors.imported", target_type="inspectors.inspector", after={
            "rows": report.rows, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "file_sha256": report.file_sha256,
        })

    def export_row(self, obj: Any) -> list[Any]:
        phone = obj.phone if getattr(obj, "can_edit", False) else mask_phone(obj.phone)
        return [
            obj.certificate_no, obj.name, obj.department.code, obj.get_category_display(),
            [d.name for d in obj.qualifications.all()], obj.region_id, obj.certificate_expires_on, phone,
        ]
