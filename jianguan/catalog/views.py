"""Pages of the catalog and the inspection item list: thin wrappers around selectors and services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jianguan.accounts.models import User
from jianguan.catalog import selectors, services
from jianguan.catalog.choices import KIND_SHORT_LABELS, InspectionMethod
from jianguan.catalog.forms import (
    CatalogItemFilter,
    CatalogItemForm,
    FilingForm,
    InspectionItemFilter,
    InspectionItemForm,
)
from jianguan.catalog.models import CatalogItem, InspectionItem
from jianguan.catalog.tables import CatalogItemTableSpec, InspectionItemTableSpec
from jianguan.catalog.workflow import can_transition
from jianguan.core.exceptions import DomainError
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit, get_visible, scope_of
from jianguan.core.views import Col, FormPage, ImportPage, ListPage, ScopedPage, display

ACTION_LABELS = {"created": "创建", "updated": "修改", "published": "公开", "withdrawn": "撤回", "deactivated": "停用"}


def _history(model: type[models.Model], versions: Iterable[Any]) -> list[dict[str, Any]]:
    """Version rows as the detail template wants them, field names in Chinese."""
    rows = list(versions)
    names = dict(User.objects.filter(pk__in={v.changed_by_id for v in rows if v.changed_by_id})
                 .values_list("pk", "display_name"))
    labels: dict[str, str] = {}
    for f in model._meta.concrete_fields:
        labels[f.attname] = str(f.verbose_name)
        labels[f.name] = str(f.verbose_name)

    def fmt(changes: dict[str, Any]) -> str:
        parts = []
        for key, pair in changes.items():
            old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            parts.append(f"{labels.get(key, key)}：{display(old)} → {display(new)}")
        return "；".join(parts)

    return [{"at": v.changed_at, "actor": names.get(v.changed_by_id, ""),
             "action": f"v{v.version} {ACTION_LABELS.get(v.action, v.action)}", "changes": fmt(v.changes)}
            for v in rows]


def _run_action(request: HttpRequest, fn: Any, success: str) -> None:
    """Call one service; business refusals (409/422) become a message on the page."""
    try:
        fn()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


# ---------------------------------------------------------------- catalog items


class CatalogItemList(ListPage):
    title = "监管事项目录"
    model = CatalogItem
    filter_form = CatalogItemFilter
    table_spec = CatalogItemTableSpec
    detail_url = "catalog:catalogitem-detail"
    create_url = "catalog:catalogitem-create"
    import_url = "catalog:catalogitem-import"
    columns = (
        Col("目录编码", lambda c: c.code, link=True),
        Col("事项名称", lambda c: c.name),
        Col("监管领域", lambda c: c.domain.name),
        Col("监管部门", lambda c: c.department.name),
        Col("实施层级", lambda c: c.get_implementing_level_display()),
        Col("版本", lambda c: c.version),
        Col("有效", lambda c: c.is_active),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.catalog_item_list(user=request.user, filters=filters)


class CatalogItemDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        c = get_visible(CatalogItem.objects.select_related("department", "domain"), request.user, pk=pk)
        can_edit = CatalogItem.objects.editable_by(request.user).filter(pk=c.pk).exists()
        fields = [
            ("目录编码", c.code), ("事项名称", c.name), ("监管部门", c.department), ("监管领域", c.domain),
            ("监管对象", c.supervised_object), ("监管措施", c.measures), ("设定依据", c.legal_basis),
            ("处理方式", c.result_handling), ("实施层级", c.get_implementing_level_display()),
            ("版本", c.version), ("有效", display(c.is_active)),
        ]
        items = selectors.inspection_item_list(user=request.user, filters={"catalog_item": c.pk})
        return render(request, "catalog/catalogitem_detail.html", {
            "title": c.name, "object": c, "fields": fields, "inspection_items": items,
            "history": _history(CatalogItem, selectors.catalog_item_history(c)),
            "edit_url": reverse("catalog:catalogitem-edit", args=[c.pk]) if can_edit else None,
            "can_edit": can_edit,
        })


class CatalogItemEdit(FormPage):
    title = "监管事项目录"
    form_class = CatalogItemForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        if pk is None:
            ensure_can(request.user, ADD, CatalogItem)
            return None
        c = get_visible(CatalogItem.objects.all(), request.user, pk=pk)
        ensure_can_edit(c, request.user, CHANGE)
        return c

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return CatalogItemForm(data, initial=self.initial(obj) if obj is not None else None, editing=obj is not None)

    def initial(self, obj: CatalogItem) -> dict[str, Any]:
        return {k: getattr(obj, k) for k in services.CATALOG_FIELDS if k != "department"} | {"domain": obj.domain_id}

    def save(self, request: HttpRequest, obj: CatalogItem | None, data: dict[str, Any]) -> CatalogItem:
        if obj is None:
            return services.catalog_item_create(by=request.user, data=data)
        return services.catalog_item_update(obj, by=request.user, data=data)

    def success_url(self, obj: CatalogItem) -> str:
        return reverse("catalog:catalogitem-detail", args=[obj.pk])


class CatalogItemDeactivate(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        c = get_visible(CatalogItem.objects.all(), request.user, pk=pk)
        ensure_can_edit(c, request.user, CHANGE)
        _run_action(request, lambda: services.catalog_item_deactivate(c, by=request.user), "目录事项已停用")
        return redirect("catalog:catalogitem-detail", pk=c.pk)


class CatalogItemImport(ImportPage):
    title = "导入监管事项目录"
    spec_name = "catalog_items"
    model = CatalogItem
    back_url = "catalog:catalogitem-list"


# ---------------------------------------------------------------- inspection items


class InspectionItemList(ListPage):
    title = "随机抽查事项清单"
    model = InspectionItem
    filter_form = InspectionItemFilter
    table_spec = InspectionItemTableSpec
    detail_url = "catalog:inspectionitem-detail"
    create_url = "catalog:inspectionitem-create"
    import_url = "catalog:inspectionitem-import"
    template_name = "catalog/inspectionitem_list.html"
    columns = (
        Col("事项编码", lambda i: i.code, link=True),
        Col("事项名称", lambda i: i.name),
        Col("类别", lambda i: KIND_SHORT_LABELS[i.kind]),
        Col("监管领域", lambda i: i.domain.name),
        Col("抽查比例", lambda i: "全覆盖" if i.default_ratio_pct is None else f"{i.default_ratio_pct:g}%"),
        Col("检查频次", lambda i: i.frequency),
        Col("监管部门", lambda i: i.department.name),
        Col("公开状态", lambda i: i.get_publication_state_display()),
        Col("有效", lambda i: i.is_active),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.inspection_item_list(user=request.user, filters=filters)


class InspectionItemDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        i = get_visible(InspectionItem.objects.select_related("department", "domain", "catalog_item"),
                        request.user, pk=pk)
        can_edit = InspectionItem.objects.editable_by(request.user).filter(pk=i.pk).exists()
        methods = "、".join(InspectionMethod(m).label for m in i.method_list if m in InspectionMethod.values)
        catalog_visible = CatalogItem.objects.visible_to(request.user).filter(pk=i.catalog_item_id).exists()
        fields = [
            ("事项编码", i.code), ("事项名称", i.name), ("监管部门", i.department),
            ("目录事项", i.catalog_item), ("监管领域", i.domain), ("事项类别", i.get_kind_display()),
            ("默认抽查比例", "全覆盖检查（不抽取）" if i.default_ratio_pct is None else f"{i.default_ratio_pct:g}%"),
            ("检查频次", i.frequency), ("每年次数", i.times_per_year), ("检查方式", methods),
            ("检查对象", i.object_scope), ("检查依据", i.inspection_basis), ("最少检查人数", i.min_inspectors),
            ("人员要求", i.inspector_requirement), ("公开状态", i.get_publication_state_display()),
            ("公开时间", display(i.published_at)), ("最近备案季度", i.last_filed_quarter),
            ("版本", i.version), ("有效", display(i.is_active)),
        ]
        return render(request, "catalog/inspectionitem_detail.html", {
            "title": i.name, "object": i, "fields": fields,
            "catalog_url": reverse("catalog:catalogitem-detail", args=[i.catalog_item_id]) if catalog_visible else None,
            "history": _history(InspectionItem, selectors.inspection_item_history(i)),
            "edit_url": reverse("catalog:inspectionitem-edit", args=[i.pk]) if can_edit else None,
            "can_edit": can_edit,
            "can_publish": can_edit and i.is_active and can_transition(i.publication_state, "published"),
            "can_withdraw": can_edit and can_transition(i.publication_state, "withdrawn"),
        })


class InspectionItemEdit(FormPage):
    title = "随机抽查事项"
    form_class = InspectionItemForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        if pk is None:
            ensure_can(request.user, ADD, InspectionItem)
            return None
        i = get_visible(InspectionItem.objects.all(), request.user, pk=pk)
        ensure_can_edit(i, request.user, CHANGE)
        return i

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        catalog = CatalogItem.objects.editable_by(request.user).filter(is_active=True)
        if obj is not None:
            catalog = catalog.filter(department_id=obj.department_id) | CatalogItem.objects.filter(
                pk=obj.catalog_item_id)
        return InspectionItemForm(data, initial=self.initial(obj) if obj is not None else None,
                                  catalog_items=catalog.select_related("domain").order_by("code"))

    def initial(self, obj: InspectionItem) -> dict[str, Any]:
        data = {k: getattr(obj, k) for k in services.INSPECTION_FIELDS if k != "department"}
        return data | {"catalog_item": obj.catalog_item_id, "domain": obj.domain_id, "methods": obj.method_list}

    def save(self, request: HttpRequest, obj: InspectionItem | None, data: dict[str, Any]) -> InspectionItem:
        if obj is None:
            return services.inspection_item_create(by=request.user, data=data)
        return services.inspection_item_update(obj, by=request.user, data=data)

    def success_url(self, obj: InspectionItem) -> str:
        return reverse("catalog:inspectionitem-detail", args=[obj.pk])


class InspectionItemAction(ScopedPage):
    """POST buttons on the detail page: publish, withdraw, deactivate."""

    ACTIONS: dict[str, tuple[Any, str]] = {
        "publish": (services.inspection_item_publish, "事项已公开"),
        "withdraw": (services.inspection_item_withdraw, "事项已撤回"),
        "deactivate": (services.inspection_item_deactivate, "事项已停用"),
    }

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        i = get_visible(InspectionItem.objects.all(), request.user, pk=pk)
        ensure_can_edit(i, request.user, CHANGE)
        fn, success = self.ACTIONS[action]
        _run_action(request, lambda: fn(i, by=request.user), success)
        return redirect("catalog:inspectionitem-detail", pk=i.pk)


class InspectionItemImport(ImportPage):
    title = "导入随机抽查事项清单"
    spec_name = "inspection_items"
    model = InspectionItem
    back_url = "catalog:inspectionitem-list"


class FilingPage(ScopedPage):
    """Quarterly filings of the published list with the justice bureau [003]; the form files one."""

    def _can_file(self, request: HttpRequest) -> bool:
        return scope_of(request.user).can(CHANGE, InspectionItem)

    def _render(self, request: HttpRequest, form: FilingForm | None, status: int = 200) -> HttpResponse:
        filings = selectors.filing_list(user=request.user)[:200]
        return render(request, "catalog/filings.html", {
            "title": "事项清单季度备案", "filings": filings, "form": form,
        }, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = None
        if self._can_file(request):
            form = FilingForm(initial={"quarter": services.quarter_of(timezone.localdate())})
            if not scope_of(request.user).unrestricted:
                del form.fields["department"]
        return self._render(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        ensure_can(request.user, CHANGE, InspectionItem)
        form = FilingForm(request.POST)
        if not scope_of(request.user).unrestricted:
            del form.fields["department"]
        if form.is_valid():
            department = form.cleaned_data.get("department") or getattr(request.user, "department", None)
            if department is None:
                form.add_error("department", "请指定监管部门")
            else:
                try:
                    filing = services.item_list_file_quarter(department, form.cleaned_data["quarter"], by=request.user)
                except DomainError as exc:
                    if exc.status in (403, 404):
                        raise
                    field = exc.errors[0].field if exc.errors and exc.errors[0].field in form.fields else None
                    form.add_error(field, exc.message)
                else:
                    messages.success(request, f"{filing.quarter} 事项清单已备案：{filing.item_count} 项，"
                                              f"摘要 {filing.list_sha256[:16]}…")
                    return redirect("catalog:filing-list")
        return self._render(request, form, status=422)
