"""Forms of the inspection pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from jianguan.accounts.roles import Role
from jianguan.inspections.choices import (
    DeliveryMethod,
    DisposalKind,
    LawEducationMethod,
    VisitStatus,
)
from jianguan.inspections.models import ResultCategory, Visit
from jianguan.organizations.models import Department

# Browsers' date and time pickers take only ISO values; the zh-hans input format (2026/12/02) would leave them empty.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VisitFilter(forms.Form):
    q = forms.CharField(label="检查对象 / 信用代码 / 核验码", required=False)
    task = forms.IntegerField(label="抽查任务编号", required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *VisitStatus.choices])
    date_from = forms.DateField(label="检查日期起", required=False, widget=DATE)
    date_to = forms.DateField(label="检查日期止", required=False, widget=DATE)
    mine = forms.BooleanField(label="只看我的检查", required=False)


class ScheduleForm(forms.Form):
    scheduled_on = forms.DateField(label="检查日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", required=False, widget=TIME, help_text="留空为 09:00")
    route_order = forms.IntegerField(label="当日路线顺序", required=False, min_value=1,
                                     help_text="留空则排在该检查组当天最后一站")


class ReceiptForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    delivered_at = forms.DateTimeField(label="送达时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M",
                                                                                         "%Y-%m-%d %H:%M"])
    receiver_name = forms.CharField(label="受送达人", max_length=100)
    note = forms.CharField(label="备注", required=False, max_length=300)
    scan = forms.FileField(label="回证扫描件（pdf/jpg/png）", required=False)


class ExceptionForm(forms.Form):
    reason = forms.CharField(label="不能提前 48 小时告知的理由", widget=forms.Textarea(attrs={"rows": 2}))
    approved_by = forms.ModelChoiceField(label="批准人（处室负责人）", queryset=get_user_model().objects.none())

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["approved_by"]
        field.queryset = get_user_model().objects.filter(
            department_id=visit.department_id, role=Role.DEPARTMENT_ADMIN, is_active=True).order_by("username")


class RecordForm(forms.Form):
    """One item's record at one visit."""

    result = forms.ModelChoiceField(label="检查结果", queryset=ResultCategory.objects.filter(is_active=True),
                                    to_field_name="code", empty_label="请选择")
    findings = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    inspected_on = forms.DateField(label="检查日期", widget=DATE)
    inspectors = forms.MultipleChoiceField(label="到场检查人员（至少 2 人）", widget=forms.CheckboxSelectMultiple,
                                           choices=[])
    late_reason = forms.CharField(label="补录理由（非检查当日录入时填写）", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["inspectors"]
        field.choices = [
            (str(m.inspector_id), f"{m.inspector.name}（{m.inspector.certificate_no}）")
            for m in visit.team_members.select_related("inspector").order_by("-role", "pk")
        ]


class EvidenceForm(forms.Form):
    file = forms.FileField(label="证据材料（照片 jpg/png ≤ 10 MB，视频 mp4 ≤ 200 MB，文档 pdf ≤ 20 MB）")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "审核通过"), ("return", "退回修改")],
                                 widget=forms.RadioSelect)
    comments = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))


class LawEducationForm(forms.Form):
    sent_on = forms.DateField(label="发放检查标准日期", widget=DATE)
    method = forms.ChoiceField(label="方式", choices=LawEducationMethod.choices)
    note = forms.CharField(label="说明", required=False, max_length=300)


class DisposalForm(forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=DisposalKind.choices)
    description = forms.CharField(label="处置内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label="整改期限", required=False, widget=DATE)
    target_department = forms.ModelChoiceField(label="接收部门", required=False,
                                               queryset=Department.objects.filter(is_active=True).order_by("code"))
    target_name = forms.CharField(label="接收单位（不在平台上时）", required=False, max_length=200)


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label="反馈意见", widget=forms.Textarea(attrs={"rows": 2}))


class RecheckForm(forms.Form):
    recheck_on = forms.DateField(label="复查日期", widget=DATE)
    recheck_findings = forms.CharField(label="复查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label="办结说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BatchScheduleForm(forms.Form):
    """批量排期: the selected (or all unscheduled) visits of a task over working days, or on one day."""

    date_from = forms.DateField(label="检查日期自", widget=DATE)
    date_to = forms.DateField(label="至（留空为同一天）", required=False, widget=DATE,
                              help_text="按检查组分配到期间的工作日，排在各组当天已有路线之后")
    start_time = forms.TimeField(label="开始时间", required=False, widget=TIME, help_text="留空为 09:00")


class BatchReceiptForm(forms.Form):
    """批量登记送达: one receipt (method, time, receiver) for each selected visit."""

    method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    delivered_at = forms.DateTimeField(label="送达时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M",
                                                                                         "%Y-%m-%d %H:%M"])
    receiver_name = forms.CharField(label="受送达人", max_length=100)
    note = forms.CharField(label="备注", required=False, max_length=300)


class BatchReviewForm(forms.Form):
    comments = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResultsImportForm(forms.Form):
    file = forms.FileField(label="检查结果文件（XLSX 或 CSV）")
    submit = forms.BooleanField(label="导入后将已全部录入的检查提交审核", required=False, initial=True)
