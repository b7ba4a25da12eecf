"""Filter and edit forms of the plan and task pages. Rules live in services/rules; forms only shape the input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse

from jianguan.catalog.models import InspectionItem
from jianguan.entities.choices import EntityKind, EntityStatus
from jianguan.organizations.choices import DepartmentKind
from jianguan.organizations.models import Department
from jianguan.plans.choices import GRADE_RATIO_FIELDS, Grade, PlanKind, PlanStatus, TaskStatus
from jianguan.plans.models import Plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Departments that supervise entities (and so may take part in a joint plan).
NON_SUPERVISING = [DepartmentKind.JUSTICE_BUREAU, DepartmentKind.BUSINESS_ENV_OFFICE, DepartmentKind.JOINT_MEETING_OFFICE]


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}（{obj.get_kind_display()}）"


class DepartmentItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.department.name} — {obj.code} {obj.name}（{obj.get_kind_display()}）"


class PlanFilter(forms.Form):
    q = forms.CharField(label="计划名称", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *PlanKind.choices])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *PlanStatus.choices])
    department = forms.ModelChoiceField(label="牵头部门", required=False, queryset=Department.objects.filter(is_active=True),
                                        empty_label="全部")
    is_late = forms.ChoiceField(label="逾期报送", required=False, choices=[("", "全部"), ("true", "逾期"), ("false", "按时")])


def supervising_departments(lead: Department | None) -> Any:
    qs = Department.objects.filter(is_active=True).exclude(kind__in=NON_SUPERVISING)
    if lead is not None:
        qs = qs.filter(region__code__startswith=lead.jurisdiction_prefix).exclude(pk=lead.pk)
    return qs.order_by("level", "code")


class PlanForm(forms.Form):
    department = forms.ModelChoiceField(label="牵头部门", queryset=Department.objects.filter(is_active=True),
                                        help_text="平台管理员须指定")
    kind = forms.ChoiceField(label="计划类型", choices=PlanKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=200)
    description = forms.CharField(label="计划内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label="检查依据", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="临时性检查须写明法律依据，并在提交前上传上级检查文件 [003]")
    planned_start_on = forms.DateField(label="计划开始日期", widget=DATE,
                                       help_text="临时性检查须在开始日期前至少 7 天提交 [003]")
    planned_end_on = forms.DateField(label="计划结束日期", widget=DATE)
    items = ItemChoiceField(label="牵头部门检查事项", queryset=InspectionItem.objects.none(), required=False,
                            widget=forms.CheckboxSelectMultiple)
    participants = forms.ModelMultipleChoiceField(
        label="参与部门（联合计划）", queryset=Department.objects.none(), required=False,
        help_text="按住 Ctrl 可多选；选择后下方列出参与部门的检查事项",
    )
    participant_items = DepartmentItemChoiceField(
        label="参与部门检查事项", queryset=InspectionItem.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, lead: Department | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lead is not None:
            del self.fields["department"]
        else:
            self.fields["department"].required = True
        items = InspectionItem.objects.filter(is_active=True).select_related("department")
        _set_queryset(self, "items", (items.filter(department=lead) if lead is not None else items).order_by("code"))
        _set_queryset(self, "participants", supervising_departments(lead))
        self.fields["participants"].widget.attrs.update({
            "hx-get": reverse("plans:participant-items"), "hx-target": "#id_participant_items",
            "hx-trigger": "change", "hx-swap": "outerHTML", "size": 6,
        })
        chosen = self._chosen_participants()
        _set_queryset(self, "participant_items", items.filter(department_id__in=chosen).order_by(
            "department__code", "code"
        ))
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = dt.date.today().year

    def _chosen_participants(self) -> list[int]:
        if self.is_bound:
            raw = self.data.getlist("participants") if hasattr(self.data, "getlist") else self.data.get("participants", [])
        else:
            raw = self.initial.get("participants", [])
        out: list[int] = []
        for value in raw or []:
            try:
                out.append(int(getattr(value, "pk", value)))
            except (TypeError, ValueError):
                continue
        return out

    @staticmethod
    def service_data(cleaned: dict[str, Any]) -> dict[str, Any]:
        """The cleaned data in the shape the services take (participants with their items)."""
        data = dict(cleaned)
        departments = data.pop("participants", None) or []
        p_items = data.pop("participant_items", None) or []
        data["items"] = list(data.get("items") or [])
        data["participants"] = [
            {"department": d, "items": [i for i in p_items if i.department_id == d.pk]} for d in departments
        ]
        if data.get("department") is None:
            data.pop("department", None)
        return data


def plan_initial(plan: Plan) -> dict[str, Any]:
    participants = list(plan.participants.select_related("department").prefetch_related("items"))
    return {
        "kind": plan.kind, "year": plan.year, "title": plan.title, "description": plan.description,
        "legal_basis": plan.legal_basis, "planned_start_on": plan.planned_start_on,
        "planned_end_on": plan.planned_end_on, "items": [i.pk for i in plan.items.all()],
        "participants": [p.department_id for p in participants],
        "participant_items": [i.pk for p in participants for i in p.items.all()],
    }


class PlanAmendForm(PlanForm):
    reason = forms.CharField(label="变更理由", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="计划变更须重新经法规处和司法局审核；审核通过前原计划继续有效 [003]")

    def __init__(self, *args: Any, lead: Department | None = None, **kwargs: Any) -> None:
        super().__init__(*args, lead=lead, **kwargs)
        for name in ("kind", "year", "department"):
            self.fields.pop(name, None)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "通过"), ("return", "退回")],
                                 widget=forms.RadioSelect)
    comments = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="退回时必须填写")


class AttachmentForm(forms.Form):
    file = forms.FileField(label="上级检查文件（pdf、doc、docx、jpg、png，不超过 20 MB）")


class TaskFilter(forms.Form):
    q = forms.CharField(label="任务名称", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *TaskStatus.choices])


class TaskForm(forms.Form):
    department = forms.ModelChoiceField(label="实施部门", queryset=Department.objects.none())
    name = forms.CharField(label="任务名称", max_length=200)
    items = DepartmentItemChoiceField(label="检查事项", queryset=InspectionItem.objects.none(),
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="只能选择实施部门在本计划中的事项；特殊重点领域事项单独建任务（全覆盖）")
    region_prefixes = forms.CharField(label="区划范围", required=False,
                                      help_text="区划代码或前缀，逗号分隔，如 430302, 430304；留空为本部门全辖区")
    industry_codes = forms.CharField(label="行业（门类/大类）", required=False,
                                     help_text="国民经济行业分类门类字母或两位大类代码，如 C, 14")
    entity_kinds = forms.MultipleChoiceField(label="主体类型", required=False, choices=EntityKind.choices,
                                             widget=forms.CheckboxSelectMultiple, help_text="不选为全部类型")
    tag_codes = forms.CharField(label="标签", required=False, help_text="标签编码，逗号分隔")
    entity_statuses = forms.MultipleChoiceField(label="登记状态", required=False, choices=EntityStatus.choices,
                                                widget=forms.CheckboxSelectMultiple, help_text="默认只抽取存续（在营）主体")
    licence_kinds = forms.CharField(label="许可证类型", required=False, help_text="持有其中任一类有效许可证的主体，逗号分隔")
    ratio_a_pct = forms.DecimalField(label="A 类抽查比例(%)", required=False, max_digits=5, decimal_places=2)
    ratio_b_pct = forms.DecimalField(label="B 类抽查比例(%)", required=False, max_digits=5, decimal_places=2)
    ratio_c_pct = forms.DecimalField(label="C 类抽查比例(%)", required=False, max_digits=5, decimal_places=2)
    ratio_d_pct = forms.DecimalField(label="D 类抽查比例(%)", required=False, max_digits=5, decimal_places=2)
    ratio_u_pct = forms.DecimalField(label="未评级抽查比例(%)", required=False, max_digits=5, decimal_places=2,
                                     help_text="留空使用按事项类别配置的默认比例；一般事项 3%–20%，重点事项不低于 20%")
    window_start_on = forms.DateField(label="检查开始日期", widget=DATE)
    window_end_on = forms.DateField(label="检查结束日期", widget=DATE)
    min_team_size = forms.IntegerField(label="每组最少人数", min_value=0, initial=2)
    max_visits_per_inspector = forms.IntegerField(label="每名检查人员最多检查户数", min_value=0, initial=20)
    has_inspector_per_department = forms.BooleanField(label="联合检查每部门至少一人", required=False)

    def __init__(self, *args: Any, plan: Plan, departments: list[Department], editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["department"]
        else:
            _set_queryset(self, "department", Department.objects.filter(pk__in=[d.pk for d in departments]))
            if len(departments) == 1:
                self.fields["department"].initial = departments[0].pk
        _set_queryset(self, "items", (
            InspectionItem.objects.filter(Q(plans=plan) | Q(plan_participations__plan=plan))
            .select_related("department").distinct().order_by("department__code", "code")
        ))
        if not self.is_bound:
            self.initial.setdefault("entity_statuses", [EntityStatus.OPERATING])
            self.initial.setdefault("window_start_on", plan.planned_start_on)
            self.initial.setdefault("window_end_on", plan.planned_end_on)

    @staticmethod
    def service_data(cleaned: dict[str, Any]) -> dict[str, Any]:
        data = dict(cleaned)
        data["items"] = list(data.get("items") or [])
        return data


RATIO_LABELS = {f: Grade(g).label for g, f in GRADE_RATIO_FIELDS.items()}
