"""Filter and edit forms of the catalog pages. Rules live in services/rules; forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms

from jianguan.catalog.choices import ImplementingLevel, InspectionMethod, ItemKind, PublicationState
from jianguan.catalog.models import CatalogItem, SupervisionDomain
from jianguan.organizations.models import Department

ACTIVE_CHOICES = [("", "全部"), ("true", "有效"), ("false", "已停用")]


def _domains() -> Any:
    return SupervisionDomain.objects.filter(is_active=True)


class CatalogItemFilter(forms.Form):
    q = forms.CharField(label="名称/编码/依据", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    domain = forms.ModelChoiceField(label="监管领域", required=False, queryset=_domains(), empty_label="全部")
    implementing_level = forms.ChoiceField(label="实施层级", required=False,
                                           choices=[("", "全部"), *ImplementingLevel.choices])
    is_active = forms.ChoiceField(label="状态", required=False, choices=ACTIVE_CHOICES)


class InspectionItemFilter(forms.Form):
    q = forms.CharField(label="名称/编码", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label="事项类别", required=False, choices=[("", "全部"), *ItemKind.choices])
    domain = forms.ModelChoiceField(label="监管领域", required=False, queryset=_domains(), empty_label="全部")
    publication_state = forms.ChoiceField(label="公开状态", required=False,
                                          choices=[("", "全部"), *PublicationState.choices])
    is_active = forms.ChoiceField(label="状态", required=False, choices=ACTIVE_CHOICES)


class CatalogItemForm(forms.Form):
    department = forms.ModelChoiceField(
        label="监管部门", queryset=Department.objects.filter(is_active=True), required=False,
        help_text="不填则为本部门；平台管理员须指定",
    )
    code = forms.CharField(label="目录编码", max_length=64)
    name = forms.CharField(label="事项名称", max_length=200)
    domain = forms.ModelChoiceField(label="监管领域", queryset=_domains())
    supervised_object = forms.CharField(label="监管对象", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label="监管措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label="设定依据", widget=forms.Textarea(attrs={"rows": 3}))
    result_handling = forms.CharField(label="处理方式", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    implementing_level = forms.ChoiceField(label="实施层级", choices=ImplementingLevel.choices)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["department"]


class InspectionItemForm(forms.Form):
    code = forms.CharField(label="事项编码", max_length=64)
    name = forms.CharField(label="事项名称", max_length=200)
    catalog_item = forms.ModelChoiceField(label="目录事项", queryset=CatalogItem.objects.none(),
                                          help_text="清单事项须对应本部门的监管事项目录 [003]")
    domain = forms.ModelChoiceField(label="监管领域", queryset=_domains(), required=False,
                                    help_text="不填则沿用目录事项的领域")
    kind = forms.ChoiceField(label="事项类别", choices=ItemKind.choices)
    default_ratio_pct = forms.DecimalField(
        label="默认抽查比例(%)", required=False, max_digits=6, decimal_places=2,
        help_text="一般事项 3%–20%；重点事项不低于 20%；特殊重点领域全覆盖，留空",
    )
    frequency = forms.CharField(label="检查频次", max_length=60, required=False, help_text="如 每年1次；不填按每年次数生成")
    times_per_year = forms.IntegerField(label="每年次数", initial=1, required=False)
    methods = forms.MultipleChoiceField(label="检查方式", choices=InspectionMethod.choices,
                                        widget=forms.CheckboxSelectMultiple)
    object_scope = forms.CharField(label="检查对象", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    inspection_basis = forms.CharField(label="检查依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    min_inspectors = forms.IntegerField(label="最少检查人数", initial=2, required=False)
    inspector_requirement = forms.CharField(label="人员要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, catalog_items: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if catalog_items is not None:
            self.fields["catalog_item"].queryset = catalog_items  # type: ignore[attr-defined]


class FilingForm(forms.Form):
    quarter = forms.CharField(label="备案季度", max_length=6, help_text="如 2026Q4")
    department = forms.ModelChoiceField(label="监管部门", queryset=Department.objects.filter(is_active=True),
                                        required=False, help_text="平台管理员须指定")
