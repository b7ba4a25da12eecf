"""Forms of the draw pages: filters, announcement, the ceremony's commitments, reveals and dice, redraw, merge."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms

from jianguan.draws.choices import DrawStatus


class DrawFilter(forms.Form):
    q = forms.CharField(label="编号或任务名称", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *DrawStatus.choices])
    year = forms.IntegerField(label="年度", required=False)
    is_short_notice = forms.BooleanField(label="仅看通知不足三天", required=False)


class AnnounceForm(forms.Form):
    task: forms.ModelChoiceField[Any] = forms.ModelChoiceField(  # type: ignore[arg-type]
        label="抽查任务", queryset=None, empty_label="请选择待抽取的任务")
    scheduled_at = forms.DateTimeField(
        label="计划抽取时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="发起后即通知本部门政策法规处；距抽取不足三天的将被标记 [003]",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )

    def __init__(self, *args: Any, tasks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks  # type: ignore[attr-defined]
        self.fields["task"].label_from_instance = lambda t: f"{t.name}（{t.plan.title}，{t.department.name}）"  # type: ignore[attr-defined]


class CommitForm(forms.Form):
    name = forms.CharField(label="承诺方姓名", max_length=60)
    organisation = forms.CharField(label="单位", max_length=100, required=False, initial="政策法规处")
    role = forms.CharField(label="身份", max_length=60, required=False, initial="见证人")
    commitment = forms.CharField(
        label="承诺值（SHA-256）", required=False, max_length=64,
        help_text="推荐由承诺方自行计算：printf '%s' \"随机值盐值\" | sha256sum；系统只保存承诺值",
    )
    value = forms.CharField(label="或：随机值", required=False, widget=forms.PasswordInput(render_value=False),
                            help_text="只用于计算承诺值，不会保存；揭示时须再次输入")
    salt = forms.CharField(label="盐值（32 位十六进制）", required=False, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("salt", secrets.token_hex(16))
        super().__init__(*args, **kwargs)


class RevealForm(forms.Form):
    party = forms.ChoiceField(label="承诺方")
    value = forms.CharField(label="揭示值")
    salt = forms.CharField(label="盐值", max_length=32)

    def __init__(self, *args: Any, parties: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p, p) for p in parties or []]  # type: ignore[attr-defined]


class DiceForm(forms.Form):
    digits = forms.CharField(label="摇号数字", help_text="当众掷骰或摇号得到的至少 20 位十进制数字", max_length=200)
    witnesses = forms.CharField(label="见证人姓名", widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="每行一人，至少两人")

    def witness_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["witnesses"].splitlines() if line.strip()]


class RedrawForm(forms.Form):
    reason = forms.CharField(label="重新抽取理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    approver: forms.ModelChoiceField[Any] = forms.ModelChoiceField(  # type: ignore[arg-type]
        label="批准人", queryset=None, required=False, empty_label="请选择批准人（部门管理员）")
    scheduled_at = forms.DateTimeField(label="重新抽取时间", required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args: Any, approvers: Any = None, **kwargs: Any) -> None:
        from jianguan.accounts.models import User

        super().__init__(*args, **kwargs)
        ids = [u.pk for u in approvers or []]
        self.fields["approver"].queryset = User.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        self.fields["approver"].label_from_instance = lambda u: u.display_name or u.username  # type: ignore[attr-defined]


class JointMergeForm(forms.Form):
    plan: forms.ModelChoiceField[Any] = forms.ModelChoiceField(  # type: ignore[arg-type]
        label="联合抽查计划", queryset=None, empty_label="请选择计划")
    dice_digits = forms.CharField(label="摇号数字", max_length=200,
                                  help_text="联合检查组由当众摇号的数字决定：至少 20 位十进制数字")
    witnesses = forms.CharField(label="见证人姓名", widget=forms.Textarea(attrs={"rows": 3}), help_text="每行一人，至少两人")

    def __init__(self, *args: Any, plans: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
