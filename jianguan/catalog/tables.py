"""Import and export of the catalog ("catalog_items") and of the inspection item list ("inspection_items").

Upsert by natural key (目录编码 / 事项编码), all-or-nothing (core.tabular). Rows are written through the
services, so every imported change is validated, versioned and audited like a change made on a form.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from jianguan.catalog import selectors, services
from jianguan.catalog.choices import KIND_ALIASES, KIND_SHORT_LABELS, ImplementingLevel, InspectionMethod
from jianguan.catalog.models import CatalogItem, InspectionItem
from jianguan.catalog.rules import RATIO_FIELD, check_ratio
from jianguan.core.exceptions import DomainError, FieldError, ValidationFailed
from jianguan.core.scoping import scope_of
from jianguan.core.tabular import BatchResult, Column, ImportContext, RowInvalid, TableSpec
from jianguan.organizations.models import Department

FULL_COVERAGE_WORDS = {"全覆盖", "-", "—", "不适用"}
LEVEL_ALIASES = {
    **{label: value for value, label in ImplementingLevel.choices},
    **{value: value for value in ImplementingLevel.values},
    "省": ImplementingLevel.PROVINCE, "市": ImplementingLevel.CITY, "县": ImplementingLevel.COUNTY,
}


def parse_kind(raw: str) -> str:
    kind = KIND_ALIASES.get(raw.strip())
    if kind is None:
        raise RowInvalid("事项类别须为 重点、一般 或 特殊重点领域", "kind", "invalid_choice")
    return kind


def parse_ratio(raw: str) -> Decimal | None:
    text = raw.strip().rstrip("%％").strip()
    if text in FULL_COVERAGE_WORDS:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowInvalid(f"抽查比例须为数字（百分数，如 5 表示 5%），而不是「{raw}」", RATIO_FIELD, "invalid") from None
    if not value.is_finite():
        raise RowInvalid("抽查比例须为数字", RATIO_FIELD, "invalid")
    return value


def parse_int(raw: str) -> int:
    try:
        return int(Decimal(raw.strip()))
    except (InvalidOperation, ValueError):
        raise ValueError(f"须为整数，而不是「{raw}」") from None


def parse_level(raw: str) -> str:
    level = LEVEL_ALIASES.get(raw.strip())
    if level is None:
        raise RowInvalid("实施层级须为 省级、市级 或 县级", "implementing_level", "invalid_choice")
    return level


def _export_ratio(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _user_department_id(ctx: ImportContext) -> int | None:
    return scope_of(ctx.user).department_id


def _may_write(ctx: ImportContext, department_id: int) -> bool:
    scope = scope_of(ctx.user)
    return scope.unrestricted or scope.department_id == department_id


def _row_errors(spec: TableSpec, rownum: int, exc: DomainError, default_field: str) -> list[FieldError]:
    """Service errors as row errors, the field names turned into the file's column headers."""
    headers = {c.key: c.header for c in spec.columns}
    errors = exc.errors or [FieldError(default_field, exc.message, exc.code)]
    return [
        FieldError(field=headers.get(e.field, e.field), message=e.message, code=e.code, row=rownum)
        for e in errors
    ]


class CatalogItemTableSpec(TableSpec):
    """The supervision catalog (监管事项目录清单)."""

    name = "catalog_items"
    title = "监管事项目录"
    key = "code"
    columns = (
        Column("code", "目录编码", example="430300-SJ-ML-001", help="全平台唯一；已存在则更新"),
        Column("name", "事项名称", example="对食品生产经营活动的监督检查"),
        Column("domain", "监管领域", example="食品安全", help="监管领域名称或编码"),
        Column("supervised_object", "监管对象", required=False, example="食品生产经营者"),
        Column("measures", "监管措施", required=False, example="现场检查、抽样检验"),
        Column("legal_basis", "设定依据", example="《中华人民共和国食品安全法》第一百一十条"),
        Column("result_handling", "处理方式", required=False, example="责令改正；依法给予行政处罚"),
        Column("implementing_level", "实施层级", parse=parse_level, example="市级", help="省级 / 市级 / 县级"),
        Column("department", "部门编码", required=False, example="430300-SJ",
               help="可不填，默认为本部门；平台管理员导入时必填"),
    )

    def prepare(self, ctx: ImportContext) -> None:
        ctx.cache["domains"] = selectors.domain_lookup()
        ctx.cache["departments"] = {}

    def _department(self, code: str | None, ctx: ImportContext) -> Department:
        if not code:
            own = getattr(ctx.user, "department", None)
            if own is None:
                raise RowInvalid("平台管理员导入时须填写部门编码", "department", "required")
            return own  # type: ignore[no-any-return]
        cache: dict[str, Department | None] = ctx.cache["departments"]
        if code not in cache:
            cache[code] = Department.objects.filter(code=code).first()
        dept = cache[code]
        if dept is None or not _may_write(ctx, dept.pk):
            raise RowInvalid(f"部门编码「{code}」不存在或不是本部门：只能导入本部门的目录事项", "department", "department")
        return dept

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        domain = ctx.cache["domains"].get(values.get("domain") or "")
        if domain is None:
            raise RowInvalid(f"未知的监管领域「{values.get('domain')}」", "domain", "unknown_domain")
        values["domain"] = domain
        values["department"] = self._department(values.get("department"), ctx)
        return values

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext) -> BatchResult:
        result = BatchResult()
        existing = {c.code: c for c in CatalogItem.objects.filter(code__in=[r["code"] for _, r in rows])}
        for rownum, values in rows:
            item = existing.get(values["code"])
            data = values
            try:
                if item is None:
                    services.catalog_item_create(by=ctx.user, data=data)
                    result.created += 1
                    continue
                if not _may_write(ctx, item.department_id):
                    raise ValidationFailed.for_field("code", f"目录编码「{item.code}」已被其他部门使用", "duplicate")
                if values["department"].pk != item.department_id:
                    raise ValidationFailed.for_field("department", "目录事项的监管部门不能通过导入更改", "immutable")
                version = item.version
                updated = services.catalog_item_update(item, by=ctx.user, data=data)
                if updated.version == version:
                    result.unchanged += 1
                else:
                    result.updated += 1
            except DomainError as exc:
                result.errors.extend(_row_errors(self, rownum, exc, "code"))
        return result

    def export_row(self, obj: CatalogItem) -> list[Any]:
        return [obj.code, obj.name, obj.domain.name, obj.supervised_object, obj.measures, obj.legal_basis,
                obj.result_handling, obj.get_implementing_level_display(), obj.department.code]


class InspectionItemTableSpec(TableSpec):
    """The random-inspection item list (随机抽查事项清单)."""

    name = "inspection_items"
    title = "随机抽查事项清单"
    key = "code"
    columns = (
        Column("code", "事项编码", example="430300-SJ-CC-001", help="全平台唯一；已存在则更新"),
        Column("name", "事项名称", example="食品生产环节监督检查"),
        Column("catalog_item", "目录事项编码", example="430300-SJ-ML-001", help="须为本部门的有效目录事项"),
        Column("kind", "事项类别", parse=parse_kind, example="一般", help="重点 / 一般 / 特殊重点领域"),
        Column("domain", "监管领域", required=False, example="食品安全", help="可不填，默认为目录事项的领域"),
        Column(RATIO_FIELD, "默认抽查比例(%)", required=False, parse=parse_ratio, example="5",
               help="一般事项 3–20；重点事项不低于 20；特殊重点领域全覆盖，留空"),
        Column("frequency", "检查频次", required=False, example="每年1次"),
        Column("times_per_year", "每年次数", required=False, parse=parse_int, example="1"),
        Column("methods", "检查方式", required=False, example="书面检查、实地核查",
               help="可选：" + "、".join(InspectionMethod.labels) + "；多个以“、”分隔"),
        Column("object_scope", "检查对象", required=False, example="辖区内食品生产企业"),
        Column("inspection_basis", "检查依据", required=False, example="《食品生产经营监督检查管理办法》"),
        Column("min_inspectors", "最少检查人数", required=False, parse=parse_int, example="2", help="不少于 2"),
        Column("inspector_requirement", "人员要求", required=False, example="具有食品检查员资格"),
    )

    def prepare(self, ctx: ImportContext) -> None:
        ctx.cache["domains"] = selectors.domain_lookup()
        ctx.cache["catalog"] = {}

    def _catalog_item(self, code: str, ctx: ImportContext) -> CatalogItem:
        cache: dict[str, CatalogItem | None] = ctx.cache["catalog"]
        if code not in cache:
            cache[code] = CatalogItem.objects.select_related("department", "domain").filter(code=code).first()
        item = cache[code]
        # Another department's catalog is reported as unknown: nothing about it leaks.
        if item is None or not _may_write(ctx, item.department_id):
            raise RowInvalid(f"目录事项编码「{code}」不存在或不属于本部门", "catalog_item", "unknown_catalog_item")
        if not item.is_active:
            raise RowInvalid(f"目录事项「{code}」已停用", "catalog_item", "inactive_catalog_item")
        return item

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        values["catalog_item"] = self._catalog_item(values["catalog_item"], ctx)
        if values.get("domain"):
            domain = ctx.cache["domains"].get(values["domain"])
            if domain is None:
                raise RowInvalid(f"未知的监管领域「{values['domain']}」", "domain", "unknown_domain")
            values["domain"] = domain
        try:
            check_ratio(values["kind"], values.get(RATIO_FIELD))
        except ValidationFailed as exc:
            raise RowInvalid(exc.errors[0].message, RATIO_FIELD, exc.errors[0].code) from None
        if values.get("methods"):
            methods, unknown = services.normalise_methods(values["methods"])
            if unknown:
                raise RowInvalid(f"未知的检查方式：{'、'.join(unknown)}；可选：{'、'.join(InspectionMethod.labels)}",
                                 "methods", "invalid_choice")
            values["methods"] = methods
        return values

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext) -> BatchResult:
        result = BatchResult()
        existing = {
            i.code: i
            for i in InspectionItem.objects.filter(code__in=[r["code"] for _, r in rows]).select_related("catalog_item")
        }
        for rownum, values in rows:
            item = existing.get(values["code"])
            try:
                if item is None:
                    services.inspection_item_create(by=ctx.user, data=values)
                    result.created += 1
                    continue
                if not _may_write(ctx, item.department_id):
                    raise ValidationFailed.for_field("code", f"事项编码「{item.code}」已被其他部门使用", "duplicate")
                version = item.version
                updated = services.inspection_item_update(item, by=ctx.user, data=values)
                if updated.version == version:
                    result.unchanged += 1
                else:
                    result.updated += 1
            except DomainError as exc:
                result.errors.extend(_row_errors(self, rownum, exc, "code"))
        return result

    def export_row(self, obj: InspectionItem) -> list[Any]:
        methods = "、".join(InspectionMethod(m).label for m in obj.method_list if m in InspectionMethod.values)
        return [obj.code, obj.name, obj.catalog_item.code, KIND_SHORT_LABELS[obj.kind], obj.domain.name,
                _export_ratio(obj.default_ratio_pct), obj.frequency, obj.times_per_year, methods, obj.object_scope,
                obj.inspection_basis, obj.min_inspectors, obj.inspector_requirement]
