"""One public (一公开): publications of reviewed results, objections and corrections, typical cases, draw disclosure.

A ``Publication`` keeps its own copy of everything it shows (plan, task, authority, team, item → result
lines), as it was published: the portal reads it without joining the inspection tables, and a later
correction is a recorded ``ResultCorrection``, never a silent edit. The links to the visit, task and draw
are kept for traceability; entries carried over from an earlier system (and the benchmark) have none.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jianguan.core.models import TimeStampedModel
from jianguan.core.scoping import ScopedQuerySet, ScopeRule
from jianguan.disclosure.choices import (
    InspectionType,
    ObjectionStatus,
    PublicationStatus,
    WithholdReason,
)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_objection_reference() -> str:
    """A receipt number the enterprise keeps to follow its objection (YY + 10 characters)."""
    return "YY" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


class Publication(TimeStampedModel):
    """A publicity entry (公示) of one visit's reviewed results, in the national publicity system's shape."""

    # "Who inspects, enters and publishes" (谁检查、谁录入、谁公开 [003]): the visit's lead department.
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("公示部门"), on_delete=models.PROTECT, related_name="publications",
        db_index=False,  # served by the (department, status, completed_on, id) index
    )
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="publications",
        db_index=False,  # served by the (entity, completed_on) index: the entity dossier
    )
    visit = models.OneToOneField(
        "inspections.Visit", verbose_name=_("检查"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="publication",
    )
    task = models.ForeignKey(
        "plans.Task", verbose_name=_("抽查任务"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="publications",
    )
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("抽查计划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="publications", db_index=False,
    )
    draw = models.ForeignKey(
        "draws.Draw", verbose_name=_("抽取记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="publications", db_index=False,
    )
    plan_title = models.CharField(_("计划名称"), max_length=200, blank=True)
    task_name = models.CharField(_("任务名称"), max_length=200, blank=True)
    inspection_type = models.CharField(_("检查类型"), max_length=12, choices=InspectionType.choices,
                                       default=InspectionType.RANDOM)
    authority = models.CharField(_("检查实施机关"), max_length=300)
    completed_on = models.DateField(_("检查完成日期"))
    # As printed on the notice: names and enforcement certificate numbers; never phone numbers.
    team = models.JSONField(_("检查人员"), default=list, blank=True)
    status = models.CharField(_("公示状态"), max_length=10, choices=PublicationStatus.choices,
                              default=PublicationStatus.PUBLISHED)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("公示人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    # [003] all results of a task are published within 7 working days after it ends.
    due_on = models.DateField(_("公示期限"), null=True, blank=True)
    is_on_time = models.BooleanField(_("按期公示"), null=True, blank=True)
    objection_deadline_on = models.DateField(_("异议期限"), null=True, blank=True)
    withheld_reason = models.CharField(_("不予公开理由"), max_length=20, choices=WithholdReason.choices, blank=True)
    withheld_basis = models.TextField(_("不予公开依据"), blank=True)
    withheld_at = models.DateTimeField(_("决定不予公开时间"), null=True, blank=True)
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )

    objects = ScopedQuerySet.as_manager()
    # Staff of the publishing department read and write; upper levels and oversight read; anyone reads
    # what is published.
    scope_rule = ScopeRule(owner="department", public=Q(status=PublicationStatus.PUBLISHED))

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = _("检查结果公示")
        verbose_name_plural = _("检查结果公示")
        indexes = [
            models.Index(fields=["entity", "completed_on"], name="disclosure_pub_entity"),
            models.Index(fields=["department", "status", "completed_on", "id"], name="disclosure_pub_department"),
            models.Index(fields=["status", "published_at", "id"], name="disclosure_pub_status_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PublicationStatus.PUBLISHED, published_at__isnull=False)
                | Q(status=PublicationStatus.WITHHELD, withheld_at__isnull=False) & ~Q(withheld_reason=""),
                name="disclosure_pub_published_or_withheld_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name or self.plan_title} · {self.entity_id} · {self.completed_on}"

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class PublishedResult(models.Model):
    """One line of a publication: an inspection item and its result category, as published (and corrected)."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="results",
        db_index=False,  # the unique (publication, position) constraint indexes it
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    item = models.ForeignKey(
        "catalog.InspectionItem", verbose_name=_("检查事项"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    record = models.ForeignKey(
        "inspections.InspectionRecord", verbose_name=_("检查记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    item_code = models.CharField(_("事项编码"), max_length=64, blank=True)
    item_name = models.CharField(_("检查事项"), max_length=200)
    item_department = models.CharField(_("事项所属部门"), max_length=100, blank=True)
    result_code = models.CharField(_("结果代码"), max_length=40)
    result_label = models.CharField(_("检查结果"), max_length=100)
    is_problem = models.BooleanField(_("发现问题"), default=False)
    is_corrected = models.BooleanField(_("已更正"), default=False)
    # Set by the objection review (accepted or rejected): the public pages read the line's reviewed objections
    # only when it is set, instead of testing every line for one. A database default too, for bulk loads.
    has_reviewed_objection = models.BooleanField(_("有已处理的异议"), default=False, db_default=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="publication__department",
                           public=Q(publication__status=PublicationStatus.PUBLISHED))

    class Meta:
        ordering = ["publication_id", "position"]
        verbose_name = _("公示检查结果")
        verbose_name_plural = _("公示检查结果")
        constraints = [
            models.UniqueConstraint(fields=["publication", "position"], name="disclosure_result_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item_name}：{self.result_label}"


def _objection_public() -> Q:
    return Q(status__in=[ObjectionStatus.ACCEPTED, ObjectionStatus.REJECTED],
             publication__status=PublicationStatus.PUBLISHED)


class Objection(TimeStampedModel):
    """An enterprise's objection (异议) to a published result, filed with its credit code and notice code."""

    reference = models.CharField(_("受理编号"), max_length=12, unique=True, default=new_objection_reference)
    publication = models.ForeignKey(
        Publication, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    result = models.ForeignKey(
        PublishedResult, verbose_name=_("异议的检查结果"), on_delete=models.PROTECT, related_name="objections",
        db_index=False,
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("处理部门"), on_delete=models.PROTECT, related_name="objections",
        db_index=False,  # served by the (department, status) index
    )
    statement = models.TextField(_("异议内容"))
    # Personal data of the person who filed it: shown to the reviewing staff only, never published.
    contact_name = models.CharField(_("联系人"), max_length=60)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    filed_at = models.DateTimeField(_("提出时间"))
    window_ends_on = models.DateField(_("异议期限"))
    status = models.CharField(_("处理状态"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    reviewed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    review_reason = models.TextField(_("处理意见"), blank=True)

    objects = ScopedQuerySet.as_manager()
    # Once reviewed, the objection and its outcome are shown beside the result.
    scope_rule = ScopeRule(owner="department", public=_objection_public())

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        indexes = [models.Index(fields=["department", "status"], name="disclosure_objection_dept_st")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_reviewed(self) -> bool:
        return self.status != ObjectionStatus.PENDING


class ResultCorrection(models.Model):
    """A recorded correction of a published result (after an accepted objection): the old and the new result."""

    result = models.ForeignKey(
        PublishedResult, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="corrections"
    )
    objection = models.OneToOneField(
        Objection, verbose_name=_("异议"), null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    old_code = models.CharField(_("原结果代码"), max_length=40)
    old_label = models.CharField(_("原检查结果"), max_length=100)
    new_code = models.CharField(_("更正后结果代码"), max_length=40)
    new_label = models.CharField(_("更正后检查结果"), max_length=100)
    reason = models.TextField(_("更正理由"))
    corrected_at = models.DateTimeField(_("更正时间"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="result__publication__department",
                           public=Q(result__publication__status=PublicationStatus.PUBLISHED))

    class Meta:
        ordering = ["result_id", "corrected_at", "pk"]
        verbose_name = _("检查结果更正")
        verbose_name_plural = _("检查结果更正")

    def __str__(self) -> str:
        return f"{self.old_label} → {self.new_label}"


class TypicalCase(TimeStampedModel):
    """A typical case (典型案例) on the exposure board (曝光台 [000][002]), marked by staff on a published result."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="typical_cases"
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("发布部门"), on_delete=models.PROTECT, related_name="typical_cases"
    )
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("案例摘要"))
    published_at = models.DateTimeField(_("发布时间"))
    is_active = models.BooleanField(_("在曝光台展示"), default=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("标记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department",
                           public=Q(is_active=True, publication__status=PublicationStatus.PUBLISHED))

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        indexes = [models.Index(fields=["is_active", "published_at"], name="disclosure_case_active_at")]

    def __str__(self) -> str:
        return self.title


class DrawDisclosure(TimeStampedModel):
    """Whether a draw's population snapshot may be published; it is, unless withheld with a legal reason."""

    draw = models.OneToOneField(
        "draws.Draw", verbose_name=_("抽取"), on_delete=models.PROTECT, related_name="disclosure"
    )
    is_snapshot_public = models.BooleanField(_("公开名录快照"), default=True)
    reason = models.CharField(_("不公开理由"), max_length=20, choices=WithholdReason.choices, blank=True)
    basis = models.TextField(_("不公开依据"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="draw__department", public=Q(draw__status="published"))

    class Meta:
        verbose_name = _("抽取记录公开设置")
        verbose_name_plural = _("抽取记录公开设置")
        constraints = [
            models.CheckConstraint(condition=Q(is_snapshot_public=True) | ~Q(reason=""),
                                   name="disclosure_draw_withheld_with_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}: {'公开' if self.is_snapshot_public else '不公开'}快照"


class ObjectionWindowRule(models.Model):
    """How many working days after publication an enterprise may object, per jurisdiction (longest prefix wins)."""

    region_prefix = models.CharField(
        _("区划代码前缀"), max_length=6, unique=True, blank=True, help_text=_("如 43、4303；留空表示全国默认")
    )
    working_days = models.PositiveSmallIntegerField(_("异议期限（工作日）"), default=15)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_prefix"]
        verbose_name = _("异议期限规则")
        verbose_name_plural = _("异议期限规则")
        constraints = [
            models.CheckConstraint(condition=Q(working_days__gte=1, working_days__lte=60),
                                   name="disclosure_objection_window_1_60"),
        ]

    def __str__(self) -> str:
        return f"{self.region_prefix or '全国'}：{self.working_days} 个工作日"
