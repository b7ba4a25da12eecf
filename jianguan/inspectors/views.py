"""HTML pages of the inspector directory: thin, each calls one selector or one service."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jianguan.accounts.models import User
from jianguan.core.exceptions import DomainError
from jianguan.core.scoping import ADD, CHANGE, VIEW, ensure_can, ensure_can_edit, get_visible, scope_of
from jianguan.core.views import Col, FormPage, ImportPage, ListPage, ScopedPage
from jianguan.inspectors import selectors, services
from jianguan.inspectors.choices import InspectorCategory, VersionAction
from jianguan.inspectors.forms import InspectorFilter, InspectorForm, RecusalForm
from jianguan.inspectors.models import DirectoryFiling, Inspector, Recusal, mask_phone
from jianguan.inspectors.spec import InspectorTableSpec

FIELD_LABELS = {
    "department": "所属部门", "name": "姓名", "category": "人员类别", "certificate_no": "执法证号",
    "certificate_expires_on": "证件有效期至", "region": "执法区域", "user": "登录账号", "phone": "联系电话",
    "is_active": "在册", "qualifications": "执法资格领域",
}


def _phone(inspector: Inspector) -> str:
    return inspector.phone if getattr(inspector, "can_edit", False) else mask_phone(inspector.phone)


def _qualifications(inspector: Inspector) -> str:
    return "、".join(d.name for d in inspector.qualifications.all())


def _expiry(inspector: Inspector) -> Any:
    day = inspector.certificate_expires_on
    if day is None:
        return None
    return f"{day:%Y-%m-%d}（已过期）" if day < timezone.localdate() else day


class InspectorList(ListPage):
    title = "执法检查人员名录"
    model = Inspector
    filter_form = InspectorFilter
    table_spec = InspectorTableSpec
    detail_url = "inspectors:inspector-detail"
    create_url = "inspectors:inspector-create"
    import_url = "inspectors:inspector-import"
    template_name = "inspectors/inspector_list.html"
    columns = (
        Col("姓名", lambda i: i.name, link=True),
        Col("执法证号", lambda i: i.certificate_no),
        Col("人员类别", lambda i: i.get_category_display()),
        Col("所属部门", lambda i: i.department.name),
        Col("执法区域", lambda i: i.region.name),
        Col("执法资格领域", _qualifications),
        Col("证件有效期至", _expiry),
        Col("联系电话", _phone),
        Col("在册", lambda i: i.is_active),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.inspector_list(user=request.user, filters=filters)


def _history(inspector: Inspector, *, full_phone: bool) -> list[dict[str, Any]]:
    versions = list(selectors.inspector_history(inspector))
    actors = {u.pk: str(u) for u in User.objects.filter(pk__in={v.changed_by_id for v in versions if v.changed_by_id})}
    rows = []
    for v in versions:
        parts = []
        for key, pair in (v.changes or {}).items():
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            if key == "phone" and not full_phone:
                old, new = mask_phone(old or ""), mask_phone(new or "")
            parts.append(f"{FIELD_LABELS.get(key, key)}：{'—' if old in (None, '', []) else old} → {new}")
        rows.append({"at": v.changed_at, "actor": actors.get(v.changed_by_id or 0, ""),
                     "action": VersionAction(v.action).label, "changes": "；".join(parts)})
    return rows


class InspectorDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        i = get_visible(selectors.inspector_queryset(request.user), request.user, pk=pk)
        can_edit = bool(getattr(i, "can_edit", False))
        scope = scope_of(request.user)
        fields = [
            ("姓名", i.name), ("执法证号", i.certificate_no), ("人员类别", i.get_category_display()),
            ("所属部门", i.department.name), ("执法区域", f"{i.region.full_name}（{i.region_id}）"),
            ("执法资格领域", _qualifications(i)), ("证件有效期至", _expiry(i)),
            ("登录账号", i.user.username if i.user else None), ("联系电话", _phone(i)),
            ("状态", "在册" if i.is_active else "已移出名录"),
        ]
        can_read_recusals = scope.can(VIEW, Recusal)
        recusals = list(selectors.recusal_list(user=request.user, filters={"inspector": i.pk})) if can_read_recusals else []
        return render(request, "inspectors/inspector_detail.html", {
            "title": f"{i.name}（{i.certificate_no}）", "object": i, "fields": fields, "can_edit": can_edit,
            "edit_url": reverse("inspectors:inspector-edit", args=[i.pk]) if can_edit else None,
            "can_read_recusals": can_read_recusals, "recusals": recusals,
            "can_add_recusal": can_edit and i.is_active and scope.can(ADD, Recusal),
            "history": _history(i, full_phone=can_edit),
        })


class InspectorEdit(FormPage):
    title = "执法检查人员"
    form_class = InspectorForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        if pk is None:
            ensure_can(request.user, ADD, Inspector)
            return None
        inspector = get_visible(Inspector.objects.all(), request.user, pk=pk)
        ensure_can_edit(inspector, request.user, CHANGE)
        return inspector

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return InspectorForm(data, user=request.user, initial=self.initial(obj) if obj is not None else None)

    def initial(self, obj: Inspector) -> dict[str, Any]:
        return {"department": obj.department_id, "name": obj.name, "category": obj.category,
                "certificate_no": obj.certificate_no, "certificate_expires_on": obj.certificate_expires_on,
                "qualifications": list(obj.qualifications.all()), "region": obj.region_id,
                "user": obj.user_id, "phone": obj.phone}

    def save(self, request: HttpRequest, obj: Inspector | None, data: dict[str, Any]) -> Inspector:
        if obj is None:
            return services.inspector_create(by=request.user, data=data)
        return services.inspector_update(obj, by=request.user, data=data)

    def success_url(self, obj: Inspector) -> str:
        return reverse("inspectors:inspector-detail", args=[obj.pk])


class InspectorSetActive(ScopedPage):
    """POST only: take a person out of the directory, or put them back."""

    active = False

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        inspector = get_visible(Inspector.objects.all(), request.user, pk=pk)
        if self.active:
            services.inspector_reactivate(inspector, by=request.user)
            messages.success(request, f"已将 {inspector.name} 恢复到名录")
        else:
            services.inspector_deactivate(inspector, by=request.user)
            messages.success(request, f"已将 {inspector.name} 移出名录（记录保留）")
        return redirect("inspectors:inspector-detail", pk=inspector.pk)


class InspectorImport(ImportPage):
    title = "导入执法检查人员"
    spec_name = "inspectors"
    model = Inspector
    back_url = "inspectors:inspector-list"


class RecusalCreate(FormPage):
    title = "登记回避"
    form_class = RecusalForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        inspector = get_visible(Inspector.objects.all(), request.user, pk=pk)
        ensure_can(request.user, ADD, Recusal)
        return inspector

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return RecusalForm(data, user=request.user)

    def _render(self, request: HttpRequest, form: Any, obj: Any, status: int = 200) -> HttpResponseBase:
        title = f"登记回避：{obj.name}（{obj.certificate_no}）"
        return render(request, self.template_name, {"title": title, "form": form, "object": obj}, status=status)

    def save(self, request: HttpRequest, obj: Inspector, data: dict[str, Any]) -> Recusal:
        return services.recusal_create(by=request.user, data={"inspector": obj, **data})

    def success_url(self, obj: Recusal) -> str:
        return reverse("inspectors:inspector-detail", args=[obj.inspector_id])


class RecusalDeactivate(ScopedPage):
    """POST only: end a recusal; the record stays."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        recusal = get_visible(Recusal.objects.select_related("inspector"), request.user, pk=pk)
        services.recusal_deactivate(recusal, by=request.user)
        messages.success(request, "回避记录已撤销")
        return redirect("inspectors:inspector-detail", pk=recusal.inspector_id)


class FilingCreate(ScopedPage):
    """POST only: 报备本季度名录 (department admins, their own department)."""

    def post(self, request: HttpRequest) -> HttpResponseBase:
        try:
            filing = services.directory_file_quarter(by=request.user, quarter=request.POST.get("quarter") or None)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{filing.quarter} 名录已报备：在册 {filing.inspector_count} 人，"
                                      f"摘要 {filing.directory_sha256[:16]}…")
        return redirect("inspectors:inspector-list")


class FilingList(ListPage):
    title = "执法检查人员名录季度报备"
    model = DirectoryFiling
    detail_url = "inspectors:filing-detail"
    columns = (
        Col("季度", lambda f: f.quarter, link=True),
        Col("报备部门", lambda f: f.department.name),
        Col("报备时间", lambda f: f.filed_at),
        Col("在册人数", lambda f: f.inspector_count),
        Col("名录摘要 SHA-256", lambda f: f.directory_sha256[:16] + "…"),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.filing_list(user=request.user, filters=filters)


class FilingDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        f = get_visible(DirectoryFiling.objects.select_related("department"), request.user, pk=pk)
        if request.GET.get("format") == "csv":
            response = HttpResponse(f.directory_csv.encode("utf-8"), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="directory-{f.department.code}-{f.quarter}.csv"'
            return response
        filed_by = User.objects.filter(pk=f.filed_by_id).first() if f.filed_by_id else None
        categories = dict(InspectorCategory.choices)
        rows = [(no, name, categories.get(cat, cat), quals)
                for no, name, cat, quals in list(csv.reader(io.StringIO(f.directory_csv)))[1:]]
        return render(request, "inspectors/filing_detail.html", {
            "title": f"{f.department.name} {f.quarter} 名录报备",
            "fields": [("报备部门", f.department.name), ("季度", f.quarter), ("报备时间", timezone.localtime(f.filed_at)),
                       ("报备人", filed_by), ("在册人数", f.inspector_count),
                       ("名录摘要 SHA-256", f.directory_sha256)],
            "filing": f, "rows": rows,
        })


def inspectors_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard card: active inspectors the user reads, and whether their own directory is filed."""
    user = request.user
    if not scope_of(user).can(VIEW, Inspector):
        return None
    count = Inspector.objects.visible_to(user).filter(is_active=True).count()
    note = ""
    department_id = scope_of(user).department_id
    if department_id is not None:
        quarter = selectors.current_quarter()
        filed = DirectoryFiling.objects.filter(department_id=department_id, quarter=quarter).exists()
        note = f"{quarter} 本部门名录{'已报备' if filed else '未报备'}"
    return {"label": "执法检查人员（在册）", "value": count, "url": reverse("inspectors:inspector-list"), "note": note}
