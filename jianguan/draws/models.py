"""Draws (双随机抽取) persisted: the ceremony, the frozen population, the result, teams and joint rounds.

The draw itself is the pure kernel in engine.py (JG-DRAW-1, docs/draw-spec.md); these tables keep what
was announced, frozen, committed, revealed, drawn and published, so that anyone can re-run it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jianguan.core.models import TimeStampedModel
from jianguan.core.scoping import CHANGE, VIEW, ScopedQuerySet, ScopeRule, UserScope, scope_of
from jianguan.draws.choices import DrawStatus, WitnessKind

M = TypeVar("M", bound=models.Model)
DRAW_LABEL = "draws.draw"


class DrawFamilyQuerySet(ScopedQuerySet[M]):
    """Rows that belong to draws (joint rounds and their visits) follow the draw permissions of roles.py.

    roles.py lists ``draws.draw`` only; a joint round is part of the draw, so who may read or write it is
    decided by the draw permissions plus the row's own scope rule.
    """

    def visible_to(self, user: Any) -> DrawFamilyQuerySet[M]:
        scope = scope_of(user)
        if scope.department_id is not None and not scope.can_label(VIEW, DRAW_LABEL):
            return self.none()
        q = self._rule().read_q(scope)
        return self if q is None else self.filter(q)

    def editable_by(self, user: Any, action: str = CHANGE) -> DrawFamilyQuerySet[M]:
        scope = scope_of(user)
        if not scope.can_label(action, DRAW_LABEL):
            return self.none()
        q = self._rule().edit_q(scope)
        return self if q is None else self.filter(q)


class Draw(TimeStampedModel):
    """One verifiable draw (抽取) of a task: announcement, frozen population, ceremony, result, publication."""

    task = models.ForeignKey("plans.Task", verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="draws")
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="draws"
    )
    year = models.PositiveSmallIntegerField(_("年度"), help_text=_("计划年度：年度抽取上限和排除规则按此计算"))
    number = models.PositiveSmallIntegerField(_("第几次抽取"), default=1)
    reference = models.CharField(_("抽取编号"), max_length=40, unique=True,
                                 help_text=_("写入种子材料的任务编号（task_id），如 2027-T12-1"))
    status = models.CharField(_("状态"), max_length=12, choices=DrawStatus.choices, default=DrawStatus.ANNOUNCED)

    # Announcement and notice to the legal affairs office [003].
    scheduled_at = models.DateTimeField(_("计划抽取时间"))
    announced_at = models.DateTimeField(_("通知时间"))
    announced_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("通知人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    legal_notified_at = models.DateTimeField(_("通知法规处时间"), null=True, blank=True)
    legal_notified_to = models.JSONField(_("通知的法规处人员"), default=list, blank=True)
    is_short_notice = models.BooleanField(
        _("通知不足三天"), default=False, help_text=_("[003] 抽取前三天通知法规处；不足三天的抽取予以标记")
    )

    # Redraws: a new record with a reason and an approver; the old record stays published [003].
    redraw_of = models.OneToOneField("self", verbose_name=_("重新抽取自"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="redraw")
    redraw_reason = models.TextField(_("重新抽取理由"), blank=True)
    redraw_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    superseded_at = models.DateTimeField(_("被重新抽取替代时间"), null=True, blank=True)

    # Frozen before any randomness exists: parameters, population snapshot, exclusion counts.
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("冻结人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    algorithm = models.CharField(_("算法"), max_length=20, default="JG-DRAW-1")
    params = models.JSONField(_("抽取参数"), null=True, blank=True)
    params_hash = models.CharField(_("参数哈希"), max_length=64, blank=True)
    population_filter = models.JSONField(_("总体筛选条件"), default=dict, blank=True)
    candidate_count = models.PositiveIntegerField(_("符合筛选条件的主体数"), default=0)
    exclusions = models.JSONField(_("排除数（按原因）"), default=dict, blank=True)
    snapshot_path = models.CharField(_("快照文件"), max_length=255, blank=True)
    snapshot_index_path = models.CharField(_("快照索引文件"), max_length=255, blank=True)
    snapshot_hash = models.CharField(_("快照哈希"), max_length=64, blank=True)
    snapshot_rows = models.PositiveIntegerField(_("快照行数"), default=0)
    grade_counts = models.JSONField(_("各等级主体数 N_g"), default=dict, blank=True)
    quotas = models.JSONField(_("各等级抽取数 n_g"), default=dict, blank=True)
    pool = models.JSONField(_("检查人员名单"), null=True, blank=True)
    # The recusal pairs and their salt: only their hash is published (personal relations are private).
    recusals = models.JSONField(_("回避名单（不公开）"), null=True, blank=True)

    # The ceremony's dice roll (the committing parties are DrawWitness rows).
    dice_digits = models.CharField(_("摇号数字"), max_length=200, blank=True)
    dice_recorded_at = models.DateTimeField(_("摇号时间"), null=True, blank=True)

    # Result.
    executed_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("执行人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    k_draw = models.CharField(_("抽取密钥 K_draw"), max_length=32, blank=True)
    k_assign = models.CharField(_("分配密钥 K_assign"), max_length=32, blank=True)
    grades = models.JSONField(_("各等级结果（n_g 与截止票号）"), default=list, blank=True)
    selected_count = models.PositiveIntegerField(_("抽中户数"), default=0)
    record_path = models.CharField(_("抽取记录文件"), max_length=255, blank=True)
    record_hash = models.CharField(_("抽取记录哈希"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("公示人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    # [003] 一公开: published draws are public (the later portal reads them anonymously).
    scope_rule = ScopeRule(owner="department", public=Q(status=DrawStatus.PUBLISHED))

    class Meta:
        ordering = ["-announced_at", "-pk"]
        verbose_name = _("抽取")
        verbose_name_plural = _("抽取")
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="draws_draw_unique_number"),
            # A task has one current draw; earlier ones are superseded by a redraw.
            models.UniqueConstraint(fields=["task"], condition=Q(superseded_at__isnull=True),
                                    name="draws_draw_one_current_per_task"),
            models.CheckConstraint(condition=Q(number__gte=1), name="draws_draw_number_positive"),
        ]
        indexes = [models.Index(fields=["year", "status"], name="draws_draw_year_status")]

    def __str__(self) -> str:
        return f"{self.reference}（{self.get_status_display()}）"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class DrawWitness(models.Model):
    """A party of the commit-then-reveal ceremony, or a named witness of the dice roll [003]."""

    draw = models.ForeignKey(Draw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="witnesses")
    kind = models.CharField(_("类别"), max_length=12, choices=WitnessKind.choices)
    name = models.CharField(_("姓名"), max_length=60)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    role = models.CharField(_("身份"), max_length=60, blank=True, help_text=_("如 政策法规处见证人、业务处室"))
    party = models.CharField(_("参与方名称"), max_length=170, help_text=_("写入种子材料的名称：单位 姓名"))
    commitment = models.CharField(_("承诺值"), max_length=64, blank=True)
    value = models.TextField(_("揭示值"), blank=True)
    salt = models.CharField(_("盐值"), max_length=32, blank=True)
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("揭示时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["draw_id", "kind", "party"]
        verbose_name = _("见证人/承诺方")
        verbose_name_plural = _("见证人/承诺方")
        constraints = [models.UniqueConstraint(fields=["draw", "kind", "party"], name="draws_witness_unique_party")]

    def __str__(self) -> str:
        return self.party

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None


# The three bulk tables below (up to ~60,000 selections, ~120,000 team members and ~60,000 counter rows per
# draw of a million entities) declare their foreign keys without database constraints: PostgreSQL checks a
# foreign key with one trigger call per inserted row, which cost 6.5 s at commit for one such draw in the
# benchmark — more than the whole draw. The entity ids come from the population frozen with the draw, the
# inspector ids from its frozen pool (checked again before insertion), and registry rows are never
# hard-deleted, only deactivated. Django still knows the relations (joins, admin, PROTECT on delete).
# For the same reason they carry only the indexes their reads use (by draw; the counter by entity and
# year): each index costs ~0.1 s per 100,000 inserted rows, and an unindexed count keeps the counter's
# upserts HOT updates.


class DrawSelection(models.Model):
    """An entity drawn by a draw, with its grade, ticket and place in the published list."""

    draw = models.ForeignKey(Draw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="selections",
                             db_constraint=False, db_index=False)  # indexed by the unique (draw, entity)
    entity = models.ForeignKey("entities.Entity", verbose_name=_("检查对象"), on_delete=models.PROTECT,
                               related_name="draw_selections", db_constraint=False, db_index=False)
    grade = models.CharField(_("信用等级"), max_length=8)
    ticket = models.CharField(_("票号"), max_length=32)
    rank = models.PositiveIntegerField(_("序号"))

    class Meta:
        ordering = ["draw_id", "rank"]
        verbose_name = _("抽中对象")
        verbose_name_plural = _("抽中对象")
        constraints = [models.UniqueConstraint(fields=["draw", "entity"], name="draws_selection_unique_entity")]

    def __str__(self) -> str:
        return f"{self.draw_id} #{self.rank}"


class DrawTeamMember(models.Model):
    """One inspector of the team drawn for one selected entity, in joining (rank) order."""

    draw = models.ForeignKey(Draw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="team_members",
                             db_constraint=False, db_index=False)  # indexed by the unique (draw, entity, inspector)
    entity = models.ForeignKey("entities.Entity", verbose_name=_("检查对象"), on_delete=models.PROTECT,
                               related_name="+", db_index=False, db_constraint=False)
    inspector = models.ForeignKey("inspectors.Inspector", verbose_name=_("检查人员"), on_delete=models.PROTECT,
                                  related_name="draw_assignments", db_constraint=False, db_index=False)
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        ordering = ["draw_id", "entity_id", "order"]
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")
        constraints = [
            models.UniqueConstraint(fields=["draw", "entity", "inspector"], name="draws_team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}/{self.entity_id}/{self.inspector_id}"


class EntityYearCounter(models.Model):
    """How often an entity was drawn in a year, across all departments; the database refuses count > cap [001]."""

    entity = models.ForeignKey("entities.Entity", verbose_name=_("检查对象"), on_delete=models.PROTECT,
                               related_name="+", db_index=False, db_constraint=False)  # see DrawSelection
    year = models.PositiveSmallIntegerField(_("年度"))
    count = models.PositiveSmallIntegerField(_("已抽取次数"), default=0)
    cap = models.PositiveSmallIntegerField(_("年度上限"))

    class Meta:
        ordering = ["entity_id", "year"]
        verbose_name = _("年度抽取计数")
        verbose_name_plural = _("年度抽取计数")
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="draws_counter_unique_entity_year"),
            # [001] at most twice a year: enforced here, so that concurrent draws cannot overshoot.
            models.CheckConstraint(condition=Q(count__lte=F("cap")), name="draws_counter_within_cap"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.year}: {self.count}/{self.cap}"


def _joint_extra_read(scope: UserScope) -> Q:
    """Participating departments of the joint plan read its rounds (汇总取重 [000][001])."""
    from jianguan.plans.models import PlanParticipant

    dept = scope.department_id or 0
    return Q(plan_id__in=PlanParticipant.objects.filter(department_id=dept).values("plan_id"))


class JointRound(TimeStampedModel):
    """A joint round (部门联合抽查): the departments' draws merged into one visit per entity, one team each."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("联合抽查计划"), on_delete=models.PROTECT,
                             related_name="joint_rounds")
    department = models.ForeignKey("organizations.Department", verbose_name=_("发起部门"), on_delete=models.PROTECT,
                                   related_name="joint_rounds")
    reference = models.CharField(_("编号"), max_length=40, unique=True)
    draws = models.ManyToManyField(Draw, verbose_name=_("各部门抽取"), related_name="joint_rounds")
    visits_before = models.PositiveIntegerField(_("合并前检查户次"))
    visits_after = models.PositiveIntegerField(_("合并后检查户次"))
    visits_saved = models.PositiveIntegerField(_("减少检查户次"))
    params = models.JSONField(_("参数"))
    params_hash = models.CharField(_("参数哈希"), max_length=64)
    merge_hash = models.CharField(_("汇总取重哈希"), max_length=64)
    dice_digits = models.CharField(_("摇号数字"), max_length=200)
    dice_witnesses = models.JSONField(_("摇号见证人"), default=list)
    k_assign = models.CharField(_("分配密钥 K_assign"), max_length=32)
    record_path = models.CharField(_("记录文件"), max_length=255)
    record_hash = models.CharField(_("记录哈希"), max_length=64)
    merged_at = models.DateTimeField(_("合并时间"))
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("合并人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    objects = DrawFamilyQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department", extra_read=_joint_extra_read)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("联合抽查汇总")
        verbose_name_plural = _("联合抽查汇总")

    def __str__(self) -> str:
        return self.reference


class JointVisit(models.Model):
    """One merged visit of a joint round: the entity, all items, all departments, one team (进一次门、查多项事)."""

    joint_round = models.ForeignKey(JointRound, verbose_name=_("联合抽查"), on_delete=models.CASCADE,
                                    related_name="visits")
    entity = models.ForeignKey("entities.Entity", verbose_name=_("检查对象"), on_delete=models.PROTECT,
                               related_name="joint_visits")
    order = models.PositiveIntegerField(_("排序"))
    order_ticket = models.CharField(_("排序票号"), max_length=32)
    item_codes = models.JSONField(_("检查事项"), default=list)
    department_codes = models.JSONField(_("参与部门"), default=list)
    inspector_ids = models.JSONField(_("检查组（检查人员 id，按顺序）"), default=list)

    class Meta:
        ordering = ["joint_round_id", "order"]
        verbose_name = _("联合检查")
        verbose_name_plural = _("联合检查")
        constraints = [
            models.UniqueConstraint(fields=["joint_round", "entity"], name="draws_joint_visit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.joint_round_id}/{self.entity_id}"
