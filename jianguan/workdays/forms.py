from __future__ import annotations

from django import forms

from jianguan.workdays.choices import DayKind
from jianguan.workdays.services import MAX_YEAR, MIN_YEAR

MONTH_CHOICES = [(m, f"{m} 月") for m in range(1, 13)]


class DayFilter(forms.Form):
    year = forms.IntegerField(label="年份", required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    month = forms.TypedChoiceField(label="月份", required=False, coerce=int, empty_value=None,
                                   choices=[("", "全部"), *MONTH_CHOICES])
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *DayKind.choices])
    is_working_day = forms.ChoiceField(label="是否工作日", required=False,
                                       choices=[("", "全部"), ("true", "是"), ("false", "否")])
    q = forms.CharField(label="节日/备注", required=False, widget=forms.TextInput(attrs={"type": "search"}))


class DayForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices,
                             help_text="周末上班选「调休工作日」，周一至周五因调休放假选「调休休息日」")
    is_working_day = forms.TypedChoiceField(
        label="是否工作日", required=False, empty_value=None, coerce=lambda v: v == "true",
        choices=[("", "按类型确定"), ("true", "是"), ("false", "否")],
        help_text="一般留空：工作日、调休工作日为工作日，其余不是",
    )
    holiday_name = forms.CharField(label="节日名称", max_length=50, required=False, help_text="如 春节、国庆节")
    note = forms.CharField(label="备注", max_length=200, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=MIN_YEAR, max_value=MAX_YEAR,
                              help_text="新建后周一至周五为工作日、周末休息；再逐日录入法定节假日和调休安排")
