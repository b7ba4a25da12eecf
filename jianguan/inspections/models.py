"""Visits (one visit, many items), notices and delivery receipts, inspection records with evidence,
their review, deadline rules, law education and follow-up disposal.

Public shape for the disclosure app (keep these names stable): Visit.entity / task / department /
departments / items / status / completed_on / reviewed_at / verification_code; InspectionRecord.visit /
item / result (ResultCategory, code + label) / findings / inspected_on / status; Disposal.kind / status.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianguan.core.models import TimeStampedModel
from jianguan.core.scoping import CHANGE, VIEW, ScopedQuerySet, ScopeRule, UserScope, scope_of
from jianguan.inspections.choices import (
    DeliveryMethod,
    DisposalEventKind,
    DisposalKind,
    DisposalStatus,
    EvidenceKind,
    LawEducationMethod,
    RecordStatus,
    ReviewDecision,
    TeamRole,
    VisitStatus,
)

# Crockford-like alphabet without 0/O, 1/I/L: read aloud and typed from paper without confusion.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
# [003] notices go out 48 hours before the visit; a visit without a time starts at 09:00 local time.
DEFAULT_START_TIME = dt.time(9, 0)


def new_verification_code() -> str:
    """A random, short code for the notice and the public lookup of the draw record (31^8 ≈ 8.5e11)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _is_inspector(user: Any) -> bool:
    from jianguan.accounts.roles import Role

    return getattr(user, "role", None) == Role.INSPECTOR and not getattr(user, "is_superuser", False)


class TeamScopedQuerySet(ScopedQuerySet[Any]):
    """Scoped rows of a visit (or the visit itself); inspectors reach only the visits of their team.

    Staff follow the department scope rule; a user with the inspector role additionally sees and
    edits only visits whose team lists the inspector linked to their account (Inspector.user).
    A model names the path to its visit in ``visit_path`` ("" for Visit itself, None for none) and
    the role permission it follows in ``permission_label`` (roles.py lists visits, records and
    disposals; notices and receipts follow the visit, evidence follows the record; "" = any user).
    """

    def _label(self) -> str:
        label = getattr(self.model, "permission_label", None)
        return self.model._meta.label_lower if label is None else label

    def _can(self, user: Any, action: str) -> bool:
        label = self._label()
        return label == "" or scope_of(user).can_label(action, label)

    def _team_q(self, user: Any) -> Q | None:
        path = getattr(self.model, "visit_path", None)
        if path is None or not _is_inspector(user):
            return None
        visits = VisitTeamMember.objects.filter(inspector__user_id=user.pk).values("visit_id")
        return Q(**{f"{path}_id__in" if path else "pk__in": visits})

    def visible_to(self, user: Any) -> TeamScopedQuerySet:
        scope = scope_of(user)
        if scope.department_id is not None and not self._can(user, VIEW):
            return self.none()
        q = self._rule().read_q(scope)
        qs = self if q is None else self.filter(q)
        team = self._team_q(user)
        return qs if team is None else qs.filter(team)

    def editable_by(self, user: Any, action: str = CHANGE) -> TeamScopedQuerySet:
        if not self._can(user, action):
            return self.none()
        team = self._team_q(user)
        if team is not None:
            # Inspectors act on their team's visits, whichever department drew them (joint visits).
            return self.filter(team)
        q = self._rule().edit_q(scope_of(user))
        return self if q is None else self.filter(q)


def _involved(path: str) -> Any:
    """extra_read/extra_edit: every department involved in a joint visit reads it (and its rows)."""

    def q(scope: UserScope) -> Q:
        visits = Visit.departments.through.objects.filter(department_id=scope.department_id or 0).values("visit_id")
        return Q(**{f"{path}__in" if path else "pk__in": visits})

    return q


# ---------------------------------------------------------------- reference tables


class ResultCategory(models.Model):
    """A national random-inspection result category (抽查检查结果) with a stable code and older wordings."""

    code = models.CharField(_("结果代码"), max_length=40, primary_key=True)
    label = models.CharField(_("规范名称"), max_length=100, unique=True)
    aliases = models.JSONField(_("曾用表述"), default=list, blank=True)
    is_problem = models.BooleanField(_("发现问题"), default=False, help_text=_("需要登记后续处置"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    permission_label = ""  # reference data: every signed-in user and the public read it

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner=None, public=Q(is_active=True), all_authenticated_read=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("抽查检查结果类别")
        verbose_name_plural = _("抽查检查结果类别")

    def __str__(self) -> str:
        return self.label


class DeadlineRule(models.Model):
    """Deadlines of one jurisdiction (region prefix; blank = national default); the longest prefix wins."""

    region_prefix = models.CharField(
        _("区划代码前缀"), max_length=6, unique=True, blank=True, help_text=_("如 22、2201；留空表示全国默认")
    )
    entry_grace_working_days = models.PositiveSmallIntegerField(
        _("补录宽限（工作日）"), default=7, help_text=_("检查结果应当日录入；特殊情况在此期限内补录并说明理由 [003]")
    )
    publication_working_days = models.PositiveSmallIntegerField(
        _("任务结果公示期限（工作日）"), default=7, help_text=_("抽查任务结束后保存并公示全部结果的期限 [003]")
    )
    ceiling_working_days = models.PositiveSmallIntegerField(
        _("全国上限（工作日）"), default=20, help_text=_("《企业信息公示暂行条例》第六条、第十条：20 个工作日")
    )
    notice_hours = models.PositiveSmallIntegerField(_("告知书提前送达（小时）"), default=48)
    law_education_months = models.PositiveSmallIntegerField(_("普法宣传提前（月）"), default=1)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_prefix"]
        verbose_name = _("检查期限规则")
        verbose_name_plural = _("检查期限规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(publication_working_days__lte=models.F("ceiling_working_days"))
                & Q(entry_grace_working_days__lte=models.F("ceiling_working_days")),
                name="inspections_deadline_within_ceiling",
            ),
            models.CheckConstraint(condition=Q(ceiling_working_days__lte=20), name="inspections_deadline_ceiling_20"),
        ]

    def __str__(self) -> str:
        return f"{self.region_prefix or '全国'}：补录 {self.entry_grace_working_days} / 公示 {self.publication_working_days} 个工作日"


# ---------------------------------------------------------------- visits


class Visit(TimeStampedModel):
    """One visit to one entity covering several items with one team (进一次门、查多项事 [000][001][004])."""

    visit_path = ""

    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="visits"
    )
    task = models.ForeignKey("plans.Task", verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="visits")
    draw = models.ForeignKey(
        "draws.Draw", verbose_name=_("抽取记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    joint_round = models.ForeignKey(
        "draws.JointRound", verbose_name=_("联合抽查"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="visits"
    )
    departments = models.ManyToManyField(
        "organizations.Department", verbose_name=_("参与检查部门"), related_name="involved_visits", blank=True
    )
    items = models.ManyToManyField("catalog.InspectionItem", verbose_name=_("检查事项"), related_name="visits")
    team: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "inspectors.Inspector", verbose_name=_("检查组"), through="VisitTeamMember", related_name="visits"
    )
    scheduled_on = models.DateField(_("检查日期"), null=True, blank=True)
    start_time = models.TimeField(_("开始时间"), default=DEFAULT_START_TIME)
    route_order = models.PositiveSmallIntegerField(_("当日路线顺序"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED)
    verification_code = models.CharField(_("核验码"), max_length=12, unique=True, default=new_verification_code)
    started_at = models.DateTimeField(_("开始检查时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    completed_on = models.DateField(_("检查完成日期"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department", extra_read=_involved(""))

    class Meta:
        ordering = ["scheduled_on", "route_order", "pk"]
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        constraints = [
            # Idempotent creation: one visit per drawn entity of a draw, or per merged visit of a joint round.
            models.UniqueConstraint(fields=["draw", "entity"], condition=Q(draw__isnull=False),
                                    name="inspections_visit_once_per_draw"),
            models.UniqueConstraint(fields=["joint_round", "entity"], condition=Q(joint_round__isnull=False),
                                    name="inspections_visit_once_per_joint_round"),
            models.CheckConstraint(condition=Q(draw__isnull=True) | Q(joint_round__isnull=True),
                                   name="inspections_visit_one_origin"),
        ]
        indexes = [
            models.Index(fields=["department", "status", "scheduled_on"], name="inspections_visit_dept_status"),
            models.Index(fields=["task", "status"], name="inspections_visit_task_status"),
            models.Index(fields=["entity", "status"], name="inspections_visit_entity_st"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} · {self.task}"

    @property
    def scheduled_start_at(self) -> dt.datetime | None:
        """The visit's start as an aware local datetime (date + start time, 09:00 unless set)."""
        if self.scheduled_on is None:
            return None
        naive = dt.datetime.combine(self.scheduled_on, self.start_time or DEFAULT_START_TIME)
        return timezone.make_aware(naive, timezone.get_current_timezone())

    @property
    def is_joint(self) -> bool:
        return self.joint_round_id is not None


class VisitTeamMember(models.Model):
    """An inspector of a visit's team (检查组), leader or member."""

    visit = models.ForeignKey(Visit, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="team_members")
    inspector = models.ForeignKey(
        "inspectors.Inspector", verbose_name=_("执法检查人员"), on_delete=models.PROTECT, related_name="team_memberships"
    )
    role = models.CharField(_("分工"), max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)

    class Meta:
        ordering = ["visit_id", "role", "pk"]
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")
        constraints = [
            models.UniqueConstraint(fields=["visit", "inspector"], name="inspections_team_member_once"),
            models.UniqueConstraint(fields=["visit"], condition=Q(role="leader"), name="inspections_team_one_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.inspector_id} {self.role}"


# ---------------------------------------------------------------- notices, receipts, exceptions


def notice_path(instance: Notice, filename: str) -> str:
    return f"inspections/notices/{instance.visit_id}/{filename}"


def receipt_path(instance: DeliveryReceipt, filename: str) -> str:
    return f"inspections/receipts/{instance.visit_id}/{filename}"


class Notice(models.Model):
    """A generated inspection notice (行政检查告知书) PDF of a visit; a regeneration adds a version."""

    permission_label = "inspections.visit"
    visit_path = "visit"

    visit = models.ForeignKey(Visit, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="notices")
    version = models.PositiveIntegerField(_("版本"), default=1)
    number = models.CharField(_("文书编号"), max_length=60)
    file = models.FileField(_("文件"), upload_to=notice_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size_bytes = models.PositiveBigIntegerField(_("大小(字节)"))
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="visit__department", extra_read=_involved("visit_id"))

    class Meta:
        ordering = ["visit_id", "-version"]
        verbose_name = _("行政检查告知书")
        verbose_name_plural = _("行政检查告知书")
        constraints = [models.UniqueConstraint(fields=["visit", "version"], name="inspections_notice_version_once")]

    def __str__(self) -> str:
        return self.number


class DeliveryReceipt(models.Model):
    """A delivery receipt (送达回证): how and when the notice reached the entity, and who received it."""

    permission_label = "inspections.visit"
    visit_path = "visit"

    visit = models.ForeignKey(Visit, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="receipts")
    notice = models.ForeignKey(
        Notice, verbose_name=_("告知书"), null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    method = models.CharField(_("送达方式"), max_length=12, choices=DeliveryMethod.choices)
    delivered_at = models.DateTimeField(_("送达时间"))
    receiver_name = models.CharField(_("受送达人"), max_length=100)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    scan = models.FileField(_("回证扫描件"), upload_to=receipt_path, max_length=255, blank=True)
    scan_name = models.CharField(_("扫描件文件名"), max_length=255, blank=True)
    scan_sha256 = models.CharField(_("扫描件 SHA-256"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="visit__department", extra_read=_involved("visit_id"))

    class Meta:
        ordering = ["visit_id", "delivered_at", "pk"]
        verbose_name = _("送达回证")
        verbose_name_plural = _("送达回证")

    def __str__(self) -> str:
        return f"{self.visit_id} {self.get_method_display()} {self.delivered_at:%Y-%m-%d %H:%M}"


class NoticeException(models.Model):
    """A recorded exception to the 48-hour notice rule [003]: reason and the approving division head."""

    permission_label = "inspections.visit"
    visit_path = "visit"

    visit = models.OneToOneField(
        Visit, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="notice_exception"
    )
    reason = models.TextField(_("例外理由"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="visit__department", extra_read=_involved("visit_id"))

    class Meta:
        verbose_name = _("告知时限例外")
        verbose_name_plural = _("告知时限例外")

    def __str__(self) -> str:
        return f"{self.visit_id} 例外"


class LawEducation(models.Model):
    """When a task's inspection standards were sent to the objects (谁执法谁普法, a month ahead [003])."""

    task = models.ForeignKey("plans.Task", verbose_name=_("抽查任务"), on_delete=models.CASCADE,
                             related_name="law_educations")
    sent_on = models.DateField(_("发放日期"))
    method = models.CharField(_("方式"), max_length=10, choices=LawEducationMethod.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    permission_label = "inspections.visit"  # part of preparing the visits of a task

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="task__department")

    class Meta:
        ordering = ["task_id", "sent_on", "pk"]
        verbose_name = _("普法宣传记录")
        verbose_name_plural = _("普法宣传记录")

    def __str__(self) -> str:
        return f"{self.task_id} {self.sent_on}"


# ---------------------------------------------------------------- records, evidence, review


class InspectionRecord(TimeStampedModel):
    """The result of one item at one visit (执法检查登记表): category, findings, inspectors present."""

    visit_path = "visit"

    visit = models.ForeignKey(Visit, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="records")
    item = models.ForeignKey(
        "catalog.InspectionItem", verbose_name=_("检查事项"), on_delete=models.PROTECT, related_name="records"
    )
    result = models.ForeignKey(
        ResultCategory, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="records"
    )
    findings = models.TextField(_("检查情况"), blank=True)
    inspected_on = models.DateField(_("检查日期"))
    inspectors = models.ManyToManyField(
        "inspectors.Inspector", verbose_name=_("到场检查人员"), related_name="inspection_records"
    )
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ENTERED)
    entered_at = models.DateTimeField(_("录入时间"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    is_late_entry = models.BooleanField(_("补录"), default=False)
    late_reason = models.TextField(_("补录理由"), blank=True)
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="visit__department", extra_read=_involved("visit_id"),
                           extra_edit=_involved("visit_id"))

    class Meta:
        ordering = ["visit_id", "item__code"]
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="inspections_record_once_per_item")]
        indexes = [models.Index(fields=["result", "inspected_on"], name="inspections_record_result_on")]

    def __str__(self) -> str:
        return f"{self.visit_id} · {self.item_id}: {self.result_id}"

    @property
    def is_locked(self) -> bool:
        """Approved records are locked: nobody edits them any more."""
        return self.status == RecordStatus.APPROVED


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"inspections/evidence/{instance.record.visit_id}/{filename}"


class Evidence(models.Model):
    """An evidence attachment of a record (photo jpg/png, video mp4, document pdf), kept with its SHA-256."""

    permission_label = "inspections.inspectionrecord"
    visit_path = "record__visit"

    record = models.ForeignKey(
        InspectionRecord, verbose_name=_("检查记录"), on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="record__visit__department", extra_read=_involved("record__visit_id"))

    class Meta:
        ordering = ["record_id", "uploaded_at", "pk"]
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")

    def __str__(self) -> str:
        return self.original_name


class VisitReview(models.Model):
    """One review decision of the division head over all records of a visit (approve or return)."""

    permission_label = "inspections.inspectionrecord"
    visit_path = "visit"

    visit = models.ForeignKey(Visit, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("审核结论"), max_length=8, choices=ReviewDecision.choices)
    comments = models.TextField(_("审核意见"), blank=True)
    decided_at = models.DateTimeField(_("审核时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="visit__department", extra_read=_involved("visit_id"))

    class Meta:
        ordering = ["visit_id", "decided_at", "pk"]
        verbose_name = _("检查结果审核")
        verbose_name_plural = _("检查结果审核")

    def __str__(self) -> str:
        return f"{self.visit_id} {self.decision}"


# ---------------------------------------------------------------- follow-up disposal


def _disposal_extra_read(scope: UserScope) -> Q:
    """The department a case was referred to (双告知) reads it and records its feedback."""
    return Q(target_department_id=scope.department_id or 0) | _involved("record__visit_id")(scope)


def _disposal_extra_edit(scope: UserScope) -> Q:
    return Q(target_department_id=scope.department_id or 0)


class Disposal(TimeStampedModel):
    """Follow-up disposal (后续处置) of a record's findings, tracked until closed [003][004]."""

    record = models.ForeignKey(
        InspectionRecord, verbose_name=_("检查记录"), on_delete=models.PROTECT, related_name="disposals"
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("处置部门"), on_delete=models.PROTECT, related_name="disposals"
    )
    kind = models.CharField(_("处置方式"), max_length=10, choices=DisposalKind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=DisposalStatus.choices, default=DisposalStatus.OPEN)
    description = models.TextField(_("处置内容"), blank=True)
    # Order to rectify (责令整改): a due date and a re-check visit or record.
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    recheck_visit = models.ForeignKey(
        Visit, verbose_name=_("复查检查"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recheck_record = models.ForeignKey(
        InspectionRecord, verbose_name=_("复查记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recheck_on = models.DateField(_("复查日期"), null=True, blank=True)
    recheck_findings = models.TextField(_("复查情况"), blank=True)
    # Referral (双告知), case lead or criminal referral: who received it and when.
    target_department = models.ForeignKey(
        "organizations.Department", verbose_name=_("接收部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="received_disposals",
    )
    target_name = models.CharField(_("接收单位"), max_length=200, blank=True,
                                   help_text=_("接收单位不在平台上时填写名称（如执法支队、公安机关）"))
    sent_at = models.DateTimeField(_("告知/移送时间"), null=True, blank=True)
    feedback = models.TextField(_("反馈意见"), blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("反馈人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_note = models.TextField(_("办结说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    visit_path = "record__visit"

    objects = TeamScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department", extra_read=_disposal_extra_read, extra_edit=_disposal_extra_edit)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("后续处置")
        verbose_name_plural = _("后续处置")
        indexes = [models.Index(fields=["department", "status"], name="inspections_disposal_dept_st")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.record_id}"


class DisposalEvent(models.Model):
    """One step in a disposal's history: who did what, when, from which state to which."""

    disposal = models.ForeignKey(Disposal, verbose_name=_("后续处置"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=12, choices=DisposalEventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["disposal_id", "occurred_at", "pk"]
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")

    def __str__(self) -> str:
        return f"{self.disposal_id} {self.kind}"
