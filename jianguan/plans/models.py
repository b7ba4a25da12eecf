"""Inspection plans (抽查计划) under legal review, their versions and review history, and inspection tasks."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianguan.catalog.choices import ItemKind
from jianguan.core.models import TimeStampedModel
from jianguan.core.scoping import ScopedQuerySet, ScopeRule, UserScope
from jianguan.plans.choices import (
    GRADE_RATIO_FIELDS,
    Grade,
    PlanEventKind,
    PlanKind,
    PlanStatus,
    TaskStatus,
    VersionStatus,
)

OPERATING = "operating"


def _plan_extra_read(scope: UserScope) -> Q:
    """Participating departments of a joint plan [003] and the offices it was sent to [000] read it."""
    dept = scope.department_id or 0
    return Q(pk__in=PlanParticipant.objects.filter(department_id=dept).values("plan_id")) | Q(
        pk__in=PlanDistribution.objects.filter(department_id=dept).values("plan_id")
    )


class Plan(TimeStampedModel):
    """An inspection plan (抽查计划) of a lead department: annual, joint or temporary [000][003]."""

    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="plans"
    )
    kind = models.CharField(_("计划类型"), max_length=12, choices=PlanKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    description = models.TextField(_("计划内容"), blank=True)
    legal_basis = models.TextField(_("检查依据"), blank=True, help_text=_("临时性检查必须填写法律依据 [003]"))
    planned_start_on = models.DateField(_("计划开始日期"))
    planned_end_on = models.DateField(_("计划结束日期"))
    items = models.ManyToManyField(
        "catalog.InspectionItem", verbose_name=_("牵头部门检查事项"), related_name="plans", blank=True
    )
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    due_on = models.DateField(_("报送截止日期"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    current_version = models.ForeignKey(
        "PlanVersion", verbose_name=_("现行版本"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pending_version = models.ForeignKey(
        "PlanVersion", verbose_name=_("审核中的版本"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department", extra_read=_plan_extra_read)

    class Meta:
        ordering = ["-year", "-created_at", "-pk"]
        verbose_name = _("抽查计划")
        verbose_name_plural = _("抽查计划")
        indexes = [models.Index(fields=["department", "year", "status"], name="plans_plan_dept_year_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=models.F("planned_start_on")), name="plans_plan_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def is_overdue(self) -> bool:
        """Not yet submitted and its due date has passed."""
        return (
            self.first_submitted_at is None and self.due_on is not None and timezone.localdate() > self.due_on
        )

    @property
    def is_in_force(self) -> bool:
        return self.status in (PlanStatus.APPROVED, PlanStatus.PUBLISHED, PlanStatus.IN_PROGRESS)


class PlanParticipant(models.Model):
    """A participating department (参与部门) of a joint plan with the items it contributes [001][003]."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="participants")
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("参与部门"), on_delete=models.PROTECT,
        related_name="plan_participations",
    )
    items = models.ManyToManyField(
        "catalog.InspectionItem", verbose_name=_("参与部门检查事项"), related_name="plan_participations", blank=True
    )

    class Meta:
        ordering = ["plan_id", "department_id"]
        verbose_name = _("参与部门")
        verbose_name_plural = _("参与部门")
        constraints = [
            models.UniqueConstraint(fields=["plan", "department"], name="plans_participant_once_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.department_id}"


class PlanVersion(models.Model):
    """One submitted version of a plan's content (a JSON snapshot), kept for ever, with its review state."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.SUBMITTED)
    is_amendment = models.BooleanField(_("计划变更"), default=False)
    reason = models.TextField(_("变更理由"), blank=True)
    snapshot = models.JSONField(_("计划内容"), default=dict)
    created_at = models.DateTimeField(_("提交时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "-number"]
        verbose_name = _("计划版本")
        verbose_name_plural = _("计划版本")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan_id} 第{self.number}版"


class PlanEvent(models.Model):
    """One step of a plan's life (submission, review decision, publication …): who, when, from → to, comments."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        PlanVersion, verbose_name=_("版本"), null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=20, choices=PlanEventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    comments = models.TextField(_("意见"), blank=True)
    is_amendment = models.BooleanField(_("计划变更"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["plan_id", "occurred_at", "pk"]
        verbose_name = _("计划审核记录")
        verbose_name_plural = _("计划审核记录")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind}"

    def status_label(self, value: str) -> str:
        """Chinese label of a from/to state (version states for amendments, plan states otherwise)."""
        choices = VersionStatus if self.is_amendment else PlanStatus
        return str(choices(value).label) if value in choices.values else value

    @property
    def from_label(self) -> str:
        return self.status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return self.status_label(self.to_status)


def attachment_path(instance: PlanAttachment, filename: str) -> str:
    return f"plans/attachments/{instance.plan_id}/{filename}"


class PlanAttachment(models.Model):
    """An upper-level document attached to a plan (required for temporary inspections [003])."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "uploaded_at", "pk"]
        verbose_name = _("计划附件")
        verbose_name_plural = _("计划附件")

    def __str__(self) -> str:
        return self.original_name


class PlanDistribution(models.Model):
    """An approved plan sent to the joint-meeting or business-environment office of its region [000]."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="distributions")
    version = models.ForeignKey(
        PlanVersion, verbose_name=_("版本"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="distributions",
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("接收部门"), on_delete=models.PROTECT, related_name="received_plans"
    )
    sent_at = models.DateTimeField(_("报送时间"))

    class Meta:
        ordering = ["plan_id", "sent_at", "pk"]
        verbose_name = _("计划报送")
        verbose_name_plural = _("计划报送")
        constraints = [
            models.UniqueConstraint(fields=["plan", "version", "department"], name="plans_distribution_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} → {self.department_id}"


class PlanDeadlineRule(models.Model):
    """The yearly due date of a kind of plan in a jurisdiction; the longest matching region prefix wins."""

    region_prefix = models.CharField(
        _("区划代码前缀"), max_length=6, blank=True, help_text=_("如 43、4303；留空表示全国默认")
    )
    kind = models.CharField(_("计划类型"), max_length=12, choices=PlanKind.choices)
    month = models.PositiveSmallIntegerField(_("月"))
    day = models.PositiveSmallIntegerField(_("日"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_prefix", "kind"]
        verbose_name = _("计划报送期限")
        verbose_name_plural = _("计划报送期限")
        constraints = [
            models.UniqueConstraint(fields=["region_prefix", "kind"], name="plans_deadline_rule_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31),
                                   name="plans_deadline_rule_valid_day"),
        ]

    def __str__(self) -> str:
        return f"{self.region_prefix or '全国'} {self.get_kind_display()} {self.month}月{self.day}日"


class GradeRatioDefault(models.Model):
    """Default sampling ratio for one item kind and one credit grade (credit-differentiated draw [000][003])."""

    item_kind = models.CharField(
        _("事项类别"), max_length=10, choices=[(k, v) for k, v in ItemKind.choices if k != ItemKind.SPECIAL]
    )
    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices)
    ratio_pct = models.DecimalField(_("抽查比例(%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["item_kind", "grade"]
        verbose_name = _("信用分级抽查比例默认值")
        verbose_name_plural = _("信用分级抽查比例默认值")
        constraints = [
            models.UniqueConstraint(fields=["item_kind", "grade"], name="plans_grade_ratio_default_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_kind_display()} {self.grade}: {self.ratio_pct}%"

    def clean(self) -> None:
        from jianguan.catalog.rules import check_ratio

        check_ratio(self.item_kind, self.ratio_pct)


def default_entity_statuses() -> list[str]:
    """Only operating entities are drawn unless a task says otherwise."""
    return [OPERATING]


def _task_extra_read(scope: UserScope) -> Q:
    """Every department of a plan (lead and participants) reads all of the plan's tasks (汇总取重 [000][001])."""
    dept = scope.department_id or 0
    plans = Plan.objects.filter(
        Q(department_id=dept) | Q(pk__in=PlanParticipant.objects.filter(department_id=dept).values("plan_id"))
    ).values("pk")
    return Q(plan_id__in=plans)


def _task_extra_edit(scope: UserScope) -> Q:
    """The lead department may also prepare the tasks of its participants [003]."""
    return Q(plan__department_id=scope.department_id)


class Task(TimeStampedModel):
    """An inspection task (抽查任务): one department's draw under an approved plan, with its rules."""

    plan = models.ForeignKey(Plan, verbose_name=_("抽查计划"), on_delete=models.PROTECT, related_name="tasks")
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="plan_tasks"
    )
    name = models.CharField(_("任务名称"), max_length=200)
    items = models.ManyToManyField("catalog.InspectionItem", verbose_name=_("检查事项"), related_name="tasks")
    region_prefixes = models.JSONField(_("区划范围"), default=list, blank=True)
    industry_codes = models.JSONField(_("行业（门类/大类）"), default=list, blank=True)
    entity_kinds = models.JSONField(_("主体类型"), default=list, blank=True)
    tag_codes = models.JSONField(_("标签"), default=list, blank=True)
    entity_statuses = models.JSONField(_("登记状态"), default=default_entity_statuses, blank=True)
    licence_kinds = models.JSONField(_("许可证类型"), default=list, blank=True)
    ratio_a_pct = models.DecimalField(_("A 类抽查比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    ratio_b_pct = models.DecimalField(_("B 类抽查比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    ratio_c_pct = models.DecimalField(_("C 类抽查比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    ratio_d_pct = models.DecimalField(_("D 类抽查比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    ratio_u_pct = models.DecimalField(_("未评级抽查比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    is_full_coverage = models.BooleanField(_("全覆盖检查"), default=False)
    window_start_on = models.DateField(_("检查开始日期"))
    window_end_on = models.DateField(_("检查结束日期"))
    min_team_size = models.PositiveSmallIntegerField(_("每组最少人数"), default=2)
    max_visits_per_inspector = models.PositiveIntegerField(_("每名检查人员最多检查户数"), default=20)
    has_inspector_per_department = models.BooleanField(
        _("联合检查每部门至少一人"), default=False, help_text=_("联合检查时，检查组须包含每个相关部门的至少一名检查人员 [001]")
    )
    status = models.CharField(_("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.DRAFT)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department", extra_read=_task_extra_read, extra_edit=_task_extra_edit)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务")
        constraints = [
            # [law] at least two inspectors per on-site inspection.
            models.CheckConstraint(condition=Q(min_team_size__gte=2), name="plans_task_min_team_size_2"),
            models.CheckConstraint(condition=Q(max_visits_per_inspector__gte=1), name="plans_task_workload_cap_1"),
            models.CheckConstraint(
                condition=Q(window_end_on__gte=models.F("window_start_on")), name="plans_task_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ratio_for(self, grade: str) -> Decimal | None:
        """The ratio (percent) of one grade (A–D, or U for unrated); None for full coverage."""
        value: Decimal | None = getattr(self, GRADE_RATIO_FIELDS[grade])
        return value

    @property
    def grade_ratios(self) -> dict[str, Decimal | None]:
        return {g: self.ratio_for(g) for g in GRADE_RATIO_FIELDS}
