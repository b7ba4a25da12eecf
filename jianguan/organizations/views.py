from typing import Any

from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from jianguan.core.scoping import CHANGE, ensure_can_edit, get_visible
from jianguan.core.views import Col, FormPage, ListPage, ScopedPage
from jianguan.organizations import selectors, services
from jianguan.organizations.forms import DepartmentFilter, DepartmentForm, RegionFilter
from jianguan.organizations.models import Department, Region


class DepartmentList(ListPage):
    title = "监管部门"
    model = Department
    filter_form = DepartmentFilter
    detail_url = "organizations:department-detail"
    create_url = "organizations:department-create"
    columns = (
        Col("名称", lambda d: d.name, link=True),
        Col("层级", lambda d: d.get_level_display()),
        Col("类型", lambda d: d.get_kind_display()),
        Col("区划", lambda d: d.region.name),
        Col("行业领域", lambda d: d.sector),
        Col("启用", lambda d: d.is_active),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.department_list(user=request.user, filters=filters)


class DepartmentDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> Any:
        d = get_visible(Department.objects.select_related("region", "parent"), request.user, pk=pk)
        can_edit = Department.objects.editable_by(request.user).filter(pk=d.pk).exists()
        fields = [("名称", d.name), ("简称", d.short_name), ("部门编码", d.code), ("层级", d.get_level_display()),
                  ("类型", d.get_kind_display()), ("所在区划", d.region), ("辖区代码前缀", d.jurisdiction_prefix),
                  ("上级部门", d.parent), ("行业领域", d.sector), ("启用", "是" if d.is_active else "否")]
        return render(request, "core/detail.html", {
            "title": d.name, "fields": fields,
            "edit_url": reverse("organizations:department-edit", args=[d.pk]) if can_edit else None,
        })


class DepartmentEdit(FormPage):
    title = "编辑监管部门"
    form_class = DepartmentForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        if pk is None:
            from jianguan.core.scoping import ADD, ensure_can

            ensure_can(request.user, ADD, Department)
            return None
        d = get_visible(Department.objects.all(), request.user, pk=pk)
        ensure_can_edit(d, request.user, CHANGE)
        return d

    def initial(self, obj: Department) -> dict[str, Any]:
        return {"name": obj.name, "short_name": obj.short_name, "code": obj.code, "level": obj.level,
                "kind": obj.kind, "region": obj.region_id, "parent": obj.parent_id, "sector": obj.sector}

    def save(self, request: HttpRequest, obj: Department | None, data: dict[str, Any]) -> Department:
        if obj is None:
            return services.department_create(by=request.user, data=data)
        return services.department_update(obj, by=request.user, data=data)

    def success_url(self, obj: Department) -> str:
        return reverse("organizations:department-detail", args=[obj.pk])


class RegionList(ListPage):
    title = "行政区划"
    model = Region
    filter_form = RegionFilter
    columns = (
        Col("代码", lambda r: r.code),
        Col("名称", lambda r: r.name),
        Col("级别", lambda r: r.get_level_display()),
        Col("上级", lambda r: r.parent.name if r.parent else ""),
        Col("生效日期", lambda r: r.valid_from),
        Col("特殊代码", lambda r: r.is_special),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.region_list(user=request.user, filters=filters)
