"""Filter and edit forms of the entity directory (labels in Chinese)."""

from __future__ import annotations

from typing import Any

from django import forms

from jianguan.entities import selectors
from jianguan.entities.choices import CreditGrade, EntityKind, EntityStatus
from jianguan.entities.validation import parse_licences, split_list
from jianguan.organizations.models import Department


class EntityFilter(forms.Form):
    q = forms.CharField(label="名称/代码", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    region = forms.CharField(label="区划代码", required=False, max_length=6)
    industry = forms.ChoiceField(label="行业门类", required=False)
    kind = forms.ChoiceField(label="主体类型", required=False, choices=[("", "全部"), *EntityKind.choices])
    status = forms.ChoiceField(label="登记状态", required=False, choices=[("", "全部"), *EntityStatus.choices])
    credit_grade = forms.ChoiceField(label="信用风险等级", required=False,
                                     choices=[("", "全部"), *CreditGrade.choices, ("none", "未评级")])
    tag = forms.CharField(label="标签", required=False, max_length=40)
    licence = forms.CharField(label="许可证类型", required=False, max_length=60)
    is_active = forms.ChoiceField(label="名录状态", required=False,
                                  choices=[("", "在名录中"), ("false", "已移出"), ("all", "全部")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", "全部"), *selectors.section_choices()]  # type: ignore[attr-defined]


class EntityForm(forms.Form):
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, help_text="18 位，GB 32100-2015")
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="主体类型", choices=EntityKind.choices)
    industry = forms.ChoiceField(label="行业（国民经济行业分类大类）")
    region = forms.CharField(label="所在区划代码", max_length=6, help_text="六位行政区划代码，如 430302")
    address = forms.CharField(label="地址", max_length=300, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=100, required=False,
                                           help_text="个人信息：公示时仅显示姓氏")
    registered_on = forms.DateField(label="成立日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label="登记状态", choices=EntityStatus.choices)
    credit_grade = forms.ChoiceField(label="信用风险等级", required=False, choices=[("", "未评级"), *CreditGrade.choices])
    credit_grade_source = forms.CharField(label="等级来源", max_length=100, required=False)
    credit_grade_on = forms.DateField(label="评级日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    competent_departments = forms.ModelMultipleChoiceField(
        label="主管部门", required=False, queryset=Department.objects.filter(is_active=True),
        help_text="负有监管职责的部门；这些部门也可维护本主体")
    tags = forms.CharField(label="标签", required=False, help_text="多个用 ; 分隔")
    licences = forms.CharField(label="许可证", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="每行一个：许可证类型:编号")
    department = forms.ModelChoiceField(label="录入部门", required=False,
                                        queryset=Department.objects.filter(is_active=True),
                                        help_text="仅平台管理员可指定；其他用户为本部门")

    def __init__(self, *args: Any, is_admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = selectors.industry_choices()  # type: ignore[attr-defined]
        if not is_admin:
            del self.fields["department"]

    def clean_tags(self) -> list[str]:
        return split_list(self.cleaned_data.get("tags") or "")

    def clean_licences(self) -> list[str]:
        raw = (self.cleaned_data.get("licences") or "").replace("\r", "")
        try:
            return [f"{k}:{n}" for k, n in parse_licences(raw)]
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_credit_grade(self) -> str | None:
        return self.cleaned_data.get("credit_grade") or None
