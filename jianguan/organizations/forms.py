from django import forms

from jianguan.organizations.choices import DepartmentKind, DepartmentLevel, RegionLevel
from jianguan.organizations.models import Department, Region


class DepartmentFilter(forms.Form):
    q = forms.CharField(label="名称/编码", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    level = forms.TypedChoiceField(label="层级", required=False, coerce=int, empty_value=None,
                                   choices=[("", "全部"), *DepartmentLevel.choices])
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *DepartmentKind.choices])
    region = forms.CharField(label="区划代码", required=False, max_length=6)


class RegionFilter(forms.Form):
    q = forms.CharField(label="名称/代码", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    level = forms.TypedChoiceField(label="级别", required=False, coerce=int, empty_value=None,
                                   choices=[("", "全部"), *RegionLevel.choices])


class DepartmentForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    code = forms.CharField(label="部门编码", max_length=40)
    level = forms.TypedChoiceField(label="层级", coerce=int, choices=DepartmentLevel.choices)
    kind = forms.ChoiceField(label="类型", choices=DepartmentKind.choices)
    region = forms.ModelChoiceField(label="所在区划", queryset=Region.objects.all(), to_field_name="code",
                                    widget=forms.TextInput, help_text="六位区划代码，如 430300")
    parent = forms.ModelChoiceField(label="上级部门", queryset=Department.objects.all(), required=False)
    sector = forms.CharField(label="行业领域", max_length=40, required=False)
