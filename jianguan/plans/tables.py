"""Import and export of plans ("plans"): draft plans prepared in a spreadsheet, and any filtered plan list.

The natural key is (lead department, year, plan name). Rows are written through the services, so an imported
plan is validated and audited like one made on the form. Only drafts can change by import; a row equal to a
plan under review or in force counts as unchanged (so an exported list imports back), a different one is an
error that names the plan's state — changes of approved plans go through an amendment and its review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jianguan.catalog.models import InspectionItem
from jianguan.core.exceptions import DomainError, FieldError
from jianguan.core.scoping import scope_of
from jianguan.core.tabular import BatchResult, Column, ImportContext, RowInvalid, TableSpec
from jianguan.organizations.models import Department
from jianguan.plans import services
from jianguan.plans.choices import PlanKind, PlanStatus
from jianguan.plans.models import Plan

KIND_ALIASES: dict[str, str] = {
    **{label: value for value, label in PlanKind.choices},
    **{value: value for value in PlanKind.values},
    "年度": PlanKind.ANNUAL, "联合": PlanKind.JOINT, "联合抽查": PlanKind.JOINT, "临时": PlanKind.TEMPORARY,
}
SEP = "；"


def parse_kind(raw: str) -> str:
    kind = KIND_ALIASES.get(raw.strip())
    if kind is None:
        raise RowInvalid("计划类型须为 年度计划、部门联合抽查计划 或 临时性检查", "kind", "invalid_choice")
    return kind


def parse_year(raw: str) -> int:
    try:
        return int(raw.strip().rstrip("年"))
    except ValueError:
        raise ValueError(f"年度须为四位数字年份，而不是「{raw}」") from None


def parse_date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip().replace("/", "-")[:10])
    except ValueError:
        raise ValueError(f"日期须为 YYYY-MM-DD 格式，而不是「{raw}」") from None


def _codes(raw: str | None) -> list[str]:
    return services.split_codes(raw or "")


def parse_participants(raw: str) -> list[tuple[str, list[str]]]:
    """「部门编码:事项编码|事项编码；部门编码:事项编码」 → [(department code, [item codes])]."""
    out: list[tuple[str, list[str]]] = []
    for part in raw.replace(";", SEP).split(SEP):
        part = part.strip()
        if not part:
            continue
        dept, _, items = part.replace("：", ":").partition(":")
        if not dept.strip():
            raise RowInvalid(f"参与部门「{part}」缺少部门编码", "participants", "invalid")
        out.append((dept.strip(), [c.strip() for c in items.split("|") if c.strip()]))
    return out


class PlanTableSpec(TableSpec):
    """Inspection plans (抽查计划)."""

    name = "plans"
    title = "抽查计划"
    key = "natural_key"
    columns = (
        Column("title", "计划名称", example="2026年度市场监管领域双随机抽查计划", help="与部门、年度一起识别计划；已存在则更新"),
        Column("year", "年度", parse=parse_year, example="2026"),
        Column("kind", "计划类型", parse=parse_kind, example="年度计划", help="年度计划 / 部门联合抽查计划 / 临时性检查"),
        Column("planned_start_on", "计划开始日期", parse=parse_date, example="2026-03-01"),
        Column("planned_end_on", "计划结束日期", parse=parse_date, example="2026-11-30"),
        Column("description", "计划内容", required=False, example="对辖区内生产企业开展产品质量随机抽查"),
        Column("legal_basis", "检查依据", required=False, example="《中华人民共和国产品质量法》", help="临时性检查必填"),
        Column("items", "检查事项编码", required=False, example="430300-SJ-CC-001；430300-SJ-CC-002",
               help="牵头部门的随机抽查事项编码，以分号分隔"),
        Column("participants", "参与部门及事项", required=False, parse=parse_participants,
               example="430300-HB:430300-HB-CC-001|430300-HB-CC-002", help="联合计划：部门编码:事项编码|事项编码，多个部门以分号分隔"),
        Column("department", "部门编码", required=False, example="430300-SJ", help="可不填，默认为本部门；平台管理员导入时必填"),
        Column("status", "状态", required=False, example="草稿", help="导出时填写；导入时忽略"),
    )

    def prepare(self, ctx: ImportContext) -> None:
        ctx.cache["departments"] = {}
        ctx.cache["items"] = {}

    def _department(self, code: str | None, ctx: ImportContext, column: str) -> Department:
        if not code:
            own = getattr(ctx.user, "department", None)
            if own is None:
                raise RowInvalid("平台管理员导入时须填写部门编码", column, "required")
            return own  # type: ignore[no-any-return]
        cache: dict[str, Department | None] = ctx.cache["departments"]
        if code not in cache:
            cache[code] = Department.objects.filter(code=code).first()
        dept = cache[code]
        if dept is None:
            raise RowInvalid(f"部门编码「{code}」不存在", column, "unknown_department")
        return dept

    def _items(self, codes: list[str], ctx: ImportContext, column: str) -> list[InspectionItem]:
        cache: dict[str, InspectionItem | None] = ctx.cache["items"]
        missing = [c for c in codes if c not in cache]
        if missing:
            found = {i.code: i for i in InspectionItem.objects.filter(code__in=missing)}
            for c in missing:
                cache[c] = found.get(c)
        unknown = [c for c in codes if cache[c] is None]
        if unknown:
            raise RowInvalid(f"未知的检查事项编码：{'、'.join(unknown)}", column, "unknown_item")
        return [i for c in codes if (i := cache[c]) is not None]

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        dept = self._department(values.get("department"), ctx, "department")
        scope = scope_of(ctx.user)
        if not scope.unrestricted and scope.department_id != dept.pk:
            raise RowInvalid(f"只能导入本部门的计划，而不是「{dept.name}」的", "department", "department")
        values["department"] = dept
        values["items"] = self._items(_codes(values.get("items")), ctx, "items")
        values["participants"] = [
            {"department": self._department(code, ctx, "participants"),
             "items": self._items(items, ctx, "participants")}
            for code, items in values.get("participants") or []
        ]
        values.pop("status", None)
        values["natural_key"] = f"{dept.code}|{values['year']}|{values['title']}"
        return values

    @staticmethod
    def _comparable(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": data["kind"], "year": int(data["year"]), "title": data["title"],
            "description": data.get("description") or "", "legal_basis": data.get("legal_basis") or "",
            "planned_start_on": data["planned_start_on"], "planned_end_on": data["planned_end_on"],
            "items": sorted(i.code for i in data.get("items") or []),
            "participants": sorted(
                (p["department"].code, sorted(i.code for i in p["items"])) for p in data.get("participants") or []
            ),
        }

    def _row_errors(self, rownum: int, exc: DomainError) -> list[FieldError]:
        headers = {c.key: c.header for c in self.columns}
        headers["participant_items"] = headers["participants"]
        errors = exc.errors or [FieldError("title", exc.message, exc.code)]
        return [FieldError(field=headers.get(e.field, e.field), message=e.message, code=e.code, row=rownum)
                for e in errors]

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext) -> BatchResult:
        result = BatchResult()
        for rownum, values in rows:
            data = {k: v for k, v in values.items() if k != "natural_key"}
            plan = Plan.objects.filter(
                department=values["department"], year=values["year"], title=values["title"]
            ).first()
            try:
                if plan is None:
                    services.plan_create(by=ctx.user, data=data)
                    result.created += 1
                    continue
                if self._comparable(self._plan_data(plan)) == self._comparable(data):
                    result.unchanged += 1
                    continue
                if plan.status != PlanStatus.DRAFT:
                    result.errors.append(FieldError(
                        field="计划名称", row=rownum, code="plan_not_editable",
                        message=f"计划「{plan.title}」当前为「{plan.get_status_display()}」，不能通过导入修改（已生效的计划请提交计划变更）",
                    ))
                    continue
                services.plan_update(plan, by=ctx.user, data={k: v for k, v in data.items() if k != "department"})
                result.updated += 1
            except DomainError as exc:
                result.errors.extend(self._row_errors(rownum, exc))
        return result

    @staticmethod
    def _plan_data(plan: Plan) -> dict[str, Any]:
        return {
            "kind": plan.kind, "year": plan.year, "title": plan.title, "description": plan.description,
            "legal_basis": plan.legal_basis, "planned_start_on": plan.planned_start_on,
            "planned_end_on": plan.planned_end_on, "items": list(plan.items.all()),
            "participants": [{"department": p.department, "items": list(p.items.all())}
                             for p in plan.participants.all()],
        }

    def export_row(self, obj: Plan) -> list[Any]:
        participants = SEP.join(
            f"{p.department.code}:{'|'.join(sorted(i.code for i in p.items.all()))}"
            for p in sorted(obj.participants.all(), key=lambda p: p.department.code)
        )
        return [
            obj.title, obj.year, obj.get_kind_display(), obj.planned_start_on, obj.planned_end_on, obj.description,
            obj.legal_basis, SEP.join(sorted(i.code for i in obj.items.all())), participants, obj.department.code,
            obj.get_status_display(),
        ]
