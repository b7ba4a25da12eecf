"""Forms of the portal (search, objection) and of the staff pages (withhold, typical case, objection review)."""

from __future__ import annotations

from typing import Any

from django import forms

from jianguan.disclosure.choices import ObjectionStatus, PublicationStatus, WithholdReason


class SearchForm(forms.Form):
    q = forms.CharField(label="企业名称或统一社会信用代码", max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "placeholder": "如：湘潭 超市，或 91430300…"}))


class ObjectionLookupForm(forms.Form):
    """Step 1: the enterprise identifies itself with its code and the notice's verification code."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=30,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    verification_code = forms.CharField(
        label="核验码", max_length=20, help_text="印在《行政检查告知书》上的 8 位核验码",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


class ObjectionFileForm(ObjectionLookupForm):
    """Step 2: which result, why, and whom to contact (the contact is never published)."""

    result = forms.TypedChoiceField(label="提出异议的检查结果", coerce=int, widget=forms.RadioSelect)
    statement = forms.CharField(label="异议的事实和理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 6}),
                                help_text="经处理后，异议内容和处理结果将在检查结果旁公示；请勿填写个人隐私信息")
    contact_name = forms.CharField(label="联系人", max_length=60, help_text="不公开")
    contact_phone = forms.CharField(label="联系电话", max_length=30, help_text="不公开")

    def __init__(self, *args: Any, results: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = results or []  # type: ignore[attr-defined]
        self.fields["uscc"].widget = forms.HiddenInput()
        self.fields["verification_code"].widget = forms.HiddenInput()


class WithholdForm(forms.Form):
    reason = forms.ChoiceField(label="不予公开理由", choices=[("", "请选择"), *WithholdReason.choices])
    basis = forms.CharField(label="具体依据", widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="写明法律条款及不予公开的具体理由；本决定记入审计日志")


class TypicalCaseForm(forms.Form):
    title = forms.CharField(label="案例标题", max_length=200)
    summary = forms.CharField(label="案例摘要", widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="面向社会公开；请勿写入自然人姓名、电话等个人信息")


class ObjectionReviewForm(forms.Form):
    decision = forms.ChoiceField(label="处理结论", widget=forms.RadioSelect,
                                 choices=[("accept", "异议成立，更正检查结果"), ("reject", "异议不成立")])
    new_result_code = forms.ChoiceField(label="更正后的检查结果", required=False)
    reason = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="处理意见将与异议一并在检查结果旁公示")

    def __init__(self, *args: Any, categories: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_result_code"].choices = [("", "（异议成立时选择）"), *(categories or [])]  # type: ignore[attr-defined]


class DrawDisclosureForm(forms.Form):
    is_snapshot_public = forms.TypedChoiceField(
        label="名录快照", coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", "公开（默认）"), ("no", "依法不公开")])
    reason = forms.ChoiceField(label="不公开理由", required=False, choices=[("", "—"), *WithholdReason.choices])
    basis = forms.CharField(label="不公开依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublicationFilter(forms.Form):
    q = forms.CharField(label="企业名称或代码", required=False)
    status = forms.ChoiceField(label="公示状态", required=False, choices=[("", "全部"), *PublicationStatus.choices])


class ObjectionFilter(forms.Form):
    q = forms.CharField(label="企业名称或代码", required=False)
    status = forms.ChoiceField(label="处理状态", required=False, choices=[("", "全部"), *ObjectionStatus.choices])
