"""Export of filtered visit lists (CSV / XLSX). Visits are created from draws, never imported."""

from __future__ import annotations

from typing import Any

from jianguan.core.tabular import Column, TableSpec


class VisitTableSpec(TableSpec):
    name = "visits"
    title = "检查"
    key = "verification_code"
    columns = (
        Column("verification_code", "核验码"),
        Column("uscc", "统一社会信用代码"),
        Column("entity", "检查对象"),
        Column("task", "抽查任务"),
        Column("department", "牵头部门"),
        Column("departments", "参与检查部门"),
        Column("items", "检查事项"),
        Column("scheduled_on", "检查日期"),
        Column("route_order", "路线顺序"),
        Column("team", "检查组"),
        Column("status", "状态"),
        Column("completed_on", "检查完成日期"),
    )

    def export_row(self, obj: Any) -> list[Any]:
        return [
            obj.verification_code, obj.entity.uscc, obj.entity.name, obj.task.name, obj.department.name,
            "、".join(d.name for d in obj.departments.all()), "；".join(f"{i.code} {i.name}" for i in obj.items.all()),
            obj.scheduled_on, obj.route_order,
            "、".join(f"{m.inspector.name}（{m.get_role_display()}）" for m in obj.team_members.all()),
            obj.get_status_display(), obj.completed_on,
        ]
