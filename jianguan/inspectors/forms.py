from __future__ import annotations

from typing import Any

from django import forms

from jianguan.accounts.models import User
from jianguan.catalog.models import SupervisionDomain
from jianguan.core.scoping import scope_of
from jianguan.entities.models import Entity
from jianguan.inspectors.choices import InspectorCategory
from jianguan.organizations.models import Department, Region


class InspectorFilter(forms.Form):
    q = forms.CharField(label="姓名/执法证号", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    department = forms.ModelChoiceField(
        label="部门编码", queryset=Department.objects.all(), to_field_name="code", required=False,
        widget=forms.TextInput(attrs={"size": 12}),
    )
    category = forms.ChoiceField(label="人员类别", required=False, choices=[("", "全部"), *InspectorCategory.choices])
    qualification = forms.ModelChoiceField(
        label="执法资格领域", queryset=SupervisionDomain.objects.filter(is_active=True), required=False,
        empty_label="全部",
    )
    region = forms.CharField(label="执法区域代码", required=False, max_length=6, widget=forms.TextInput(attrs={"size": 8}))
    is_active = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), ("1", "在册"), ("0", "已移出名录")])


class InspectorForm(forms.Form):
    department = forms.ModelChoiceField(label="所属部门", queryset=Department.objects.none())
    name = forms.CharField(label="姓名", max_length=60)
    category = forms.ChoiceField(label="人员类别", choices=InspectorCategory.choices,
                                 help_text="执法检查人员名录按三类分别梳理 [003]")
    certificate_no = forms.CharField(label="执法证号", max_length=60, help_text="全平台唯一；保存时去除空格、字母转为大写")
    certificate_expires_on = forms.DateField(label="证件有效期至", required=False,
                                             widget=forms.DateInput(attrs={"type": "date"}))
    qualifications = forms.ModelMultipleChoiceField(
        label="执法资格领域", queryset=SupervisionDomain.objects.filter(is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="该人员可以检查的监管领域",
    )
    region = forms.ModelChoiceField(
        label="执法区域", queryset=Region.objects.all(), to_field_name="code", required=False,
        widget=forms.TextInput(attrs={"size": 8}), help_text="六位区划代码，须在所属部门辖区内；留空为部门所在区划",
    )
    user = forms.ModelChoiceField(label="登录账号", queryset=User.objects.none(), required=False,
                                  help_text="该人员本人的登录账号（须属于同一部门）")
    phone = forms.CharField(label="联系电话", max_length=20, required=False, help_text="对外展示时脱敏")

    def __init__(self, data: Any = None, *, user: Any, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        scope = scope_of(user)
        departments = Department.objects.filter(is_active=True)
        if not scope.unrestricted:
            departments = departments.filter(pk=scope.department_id or 0)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        if initial is None and scope.department_id is not None:
            self.initial["department"] = scope.department_id
        users = User.objects.filter(is_active=True, department__in=departments).order_by("username")
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class RecusalForm(forms.Form):
    entity = forms.CharField(label="检查对象统一社会信用代码", max_length=18)
    reason = forms.CharField(label="回避事由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如近亲属关系、曾在该单位任职、其他可能影响公正检查的利害关系")

    def __init__(self, data: Any = None, *, user: Any, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.user = user

    def clean_entity(self) -> Entity:
        uscc = "".join(self.cleaned_data["entity"].split()).upper()
        entity = Entity.objects.visible_to(self.user).filter(uscc=uscc).first()
        if entity is None:
            raise forms.ValidationError(f"统一社会信用代码为 {uscc} 的检查对象不存在，或不在您的可见范围内")
        return entity
