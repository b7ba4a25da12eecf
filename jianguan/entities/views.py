"""HTML pages of the entity directory: list (search, filters, export), detail with history, edit, import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html

from jianguan.accounts.models import User
from jianguan.core.exceptions import IllegalTransition
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit, scope_of
from jianguan.core.views import Col, FormPage, ImportPage, ListPage, ScopedPage
from jianguan.entities import selectors, services
from jianguan.entities.choices import VersionAction
from jianguan.entities.forms import EntityFilter, EntityForm
from jianguan.entities.models import Entity, EntityVersion, mask_person_name
from jianguan.entities.tables import EntityTableSpec


def grade_badge(grade: str | None) -> Any:
    if not grade:
        return "未评级"
    return format_html('<span class="badge {}" title="{}">{}</span>', grade,
                       {"A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险"}[grade], grade)


class EntityList(ListPage):
    title = "检查对象名录"
    model = Entity
    filter_form = EntityFilter
    table_spec = EntityTableSpec
    detail_url = "entities:entity-detail"
    create_url = "entities:entity-create"
    import_url = "entities:entity-import"
    columns = (
        Col("名称", lambda e: e.name, link=True),
        Col("统一社会信用代码", lambda e: e.uscc),
        Col("主体类型", lambda e: e.get_kind_display()),
        Col("行业", lambda e: f"{e.industry_id} {e.industry.name}"),
        Col("区划", lambda e: e.region.name),
        Col("法定代表人", lambda e: e.masked_legal_representative),
        Col("登记状态", lambda e: e.get_status_display()),
        Col("信用风险等级", lambda e: grade_badge(e.credit_grade)),
        Col("在名录中", lambda e: e.is_active),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        filters = dict(filters)
        active = filters.pop("is_active", "")
        if active != "all":
            filters["is_active"] = active or "true"
        if request.GET.get("export"):
            return selectors.entity_list_for_export(user=request.user, filters=filters)
        return selectors.entity_list(user=request.user, filters=filters)


def _history_rows(versions: list[EntityVersion], *, mask: bool) -> list[dict[str, Any]]:
    actor_ids = {v.changed_by_id for v in versions if v.changed_by_id}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=actor_ids)}
    rows = []
    for v in versions:
        before, after = v.changes.get("before") or {}, v.changes.get("after") or {}
        parts = []
        for key in after:
            label = services.FIELD_LABELS.get(key, "在名录中" if key == "is_active" else key)
            old, new = before.get(key), after.get(key)
            if key == "legal_representative" and mask:
                old, new = mask_person_name(old or ""), mask_person_name(new or "")
            if v.action in (VersionAction.CREATED, VersionAction.IMPORTED) and not before:
                if new not in (None, "", []):
                    parts.append(f"{label}：{_show(new)}")
            else:
                parts.append(f"{label}：{_show(old)} → {_show(new)}")
        rows.append({"at": v.changed_at, "actor": names.get(v.changed_by_id, "") if v.changed_by_id else "",
                     "action": f"v{v.version} {v.get_action_display()}", "changes": "；".join(parts)})
    return rows


def _show(value: Any) -> str:
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(x) for x in value)
    return str(value)


class EntityDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        e = selectors.entity_get(user=request.user, pk=pk)
        can_edit = selectors.entity_is_editable(user=request.user, entity=e)
        fields = [
            ("统一社会信用代码", e.uscc), ("名称", e.name), ("主体类型", e.get_kind_display()),
            ("行业", f"{e.section} / {e.industry_id} {e.industry.name}"), ("所在区划", e.region.full_name),
            ("地址", e.address),
            ("法定代表人", e.legal_representative if can_edit else e.masked_legal_representative),
            ("成立日期", e.registered_on), ("登记状态", e.get_status_display()),
            ("信用风险等级", grade_badge(e.credit_grade)), ("等级来源", e.credit_grade_source),
            ("评级日期", e.credit_grade_on),
            ("主管部门", "、".join(d.name for d in e.competent_departments.all())),
            ("录入部门", e.department.name), ("标签", "、".join(t.name for t in e.tags.all())),
            ("在名录中", "是" if e.is_active else "否（已移出名录）"), ("版本", e.version),
            ("抽取分组块", e.draw_block.hex() if e.draw_block else ""),
        ]
        versions = list(selectors.entity_history(entity=e))
        return render(request, "entities/entity_detail.html", {
            "title": e.name, "fields": fields, "entity": e, "can_edit": can_edit,
            "licences": list(e.licences.all()),
            "edit_url": reverse("entities:entity-edit", args=[e.pk]) if can_edit else None,
            "history": _history_rows(versions, mask=not can_edit),
        })


class EntityEdit(FormPage):
    title = "市场主体"
    form_class = EntityForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        if pk is None:
            ensure_can(request.user, ADD, Entity)
            return None
        e = selectors.entity_get(user=request.user, pk=pk)
        ensure_can_edit(e, request.user, CHANGE)
        return e

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> EntityForm:
        return EntityForm(data, initial=self.initial(obj) if obj is not None else None,
                          is_admin=scope_of(request.user).unrestricted)

    def initial(self, obj: Entity) -> dict[str, Any]:
        return {
            "uscc": obj.uscc, "name": obj.name, "kind": obj.kind, "industry": obj.industry_id,
            "region": obj.region_id, "address": obj.address, "legal_representative": obj.legal_representative,
            "registered_on": obj.registered_on, "status": obj.status, "credit_grade": obj.credit_grade or "",
            "credit_grade_source": obj.credit_grade_source, "credit_grade_on": obj.credit_grade_on,
            "competent_departments": list(obj.competent_departments.all()),
            "tags": ";".join(t.code for t in obj.tags.all()),
            "licences": "\n".join(f"{lic.kind}:{lic.number}" for lic in obj.licences.all()),
            "department": obj.department_id,
        }

    def save(self, request: HttpRequest, obj: Entity | None, data: dict[str, Any]) -> Entity:
        data = dict(data)
        if data.get("department") is None:
            data.pop("department", None)
        if obj is None:
            return services.entity_create(by=request.user, data=data)
        return services.entity_update(obj, by=request.user, data=data)

    def success_url(self, obj: Entity) -> str:
        return reverse("entities:entity-detail", args=[obj.pk])


class EntityDeactivate(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        e = selectors.entity_get(user=request.user, pk=pk)
        try:
            services.entity_deactivate(e, by=request.user)
        except IllegalTransition as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{e.name} 已移出名录，记录与变更历史保留")
        return redirect("entities:entity-detail", pk=e.pk)


class EntityImport(ImportPage):
    title = "导入检查对象名录"
    spec_name = "entities"
    model = Entity
    back_url = "entities:entity-list"
