"""The market-entity directory (检查对象名录库): entities, industries, licences, tags and change history."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jianguan.core.models import TimeStampedModel
from jianguan.core.scoping import ScopedQuerySet, ScopeRule, UserScope
from jianguan.entities.choices import CreditGrade, EntityKind, EntityStatus, IndustryLevel, VersionAction
from jianguan.organizations.models import Department, Region


def draw_block_for(uscc: str) -> bytes:
    """First 16 bytes of SHA-256(uscc as UTF-8): the AES input block of the verifiable draw (DRAW.md step 4)."""
    return hashlib.sha256(uscc.encode("utf-8")).digest()[:16]


def mask_person_name(name: str) -> str:
    """Keep the surname, mask the given name: 张三 -> 张*, 欧阳修文 -> 欧阳**."""
    name = (name or "").strip()
    if not name:
        return ""
    if len(name) == 1:
        return name
    # Two-character compound surnames are kept whole when the name is long enough to carry them.
    keep = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + "*" * (len(name) - keep)


COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
    "令狐", "西门", "南宫", "端木", "独孤", "呼延", "万俟", "闻人", "澹台", "公冶", "宗政", "濮阳", "太叔", "申屠",
    "钟离", "赫连", "拓跋", "百里", "东郭", "左丘", "第五", "司空",
})


class Industry(models.Model):
    """A GB/T 4754-2017 section (门类, A–T) or division (大类, two digits)."""

    code = models.CharField(_("行业代码"), max_length=2, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    section = models.CharField(_("门类"), max_length=1, db_index=True)
    level = models.CharField(_("级别"), max_length=10, choices=IndustryLevel.choices)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner=None, public=Q(), all_authenticated_read=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Tag(models.Model):
    """A label on entities (e.g. 食品生产, 重点排污单位) used to filter the directory and draws."""

    code = models.CharField(_("标签编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner=None, all_authenticated_read=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("标签")
        verbose_name_plural = _("标签")

    def __str__(self) -> str:
        return self.name




def _competent_edit_q(scope: UserScope) -> Q:
    """Entities of which the user's department is a competent department may be edited by it."""
    if scope.department_id is None:
        return Q(pk__in=[])
    through = Entity.competent_departments.through
    return Q(pk__in=through.objects.filter(department_id=scope.department_id).values("entity_id"))


class Entity(TimeStampedModel):
    """A market entity (市场主体 / 检查对象) of the directory, keyed by its unified social credit code."""

    # Unique through Meta.constraints rather than unique=True, which on PostgreSQL also builds a second,
    # varchar_pattern_ops index on this random-order key (3.5 s more per million imported rows).
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("主体类型"), max_length=30, choices=EntityKind.choices, default=EntityKind.ENTERPRISE)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业（大类）"),
        on_delete=models.PROTECT,
        related_name="entities",
        db_index=False,  # a plain index in Meta: no varchar_pattern_ops twin for an exact-match code
        limit_choices_to={"level": IndustryLevel.DIVISION},
    )
    section = models.CharField(_("行业门类"), max_length=1, editable=False)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="entities", db_column="region_id",
        db_index=False,  # indexed in Meta with the pattern operator class: serves both = and LIKE '4303%'
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    registered_on = models.DateField(_("成立日期"), null=True, blank=True)
    status = models.CharField(
        _("登记状态"), max_length=12, choices=EntityStatus.choices, default=EntityStatus.OPERATING
    )
    # NULL = 未评级 (not graded), distinct from any grade; the draw groups it separately.
    credit_grade = models.CharField(  # noqa: DJ001
        _("信用风险等级"), max_length=1, choices=CreditGrade.choices, null=True, blank=True
    )
    credit_grade_source = models.CharField(_("等级来源"), max_length=100, blank=True)
    credit_grade_on = models.DateField(_("评级日期"), null=True, blank=True)
    competent_departments = models.ManyToManyField(
        Department, verbose_name=_("主管部门"), related_name="competent_entities", blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name=_("录入部门"), on_delete=models.PROTECT, related_name="maintained_entities"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), related_name="entities", blank=True)
    is_active = models.BooleanField(_("在名录中"), default=True)
    draw_block = models.BinaryField(_("抽取分组块"), max_length=16, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)

    objects = ScopedQuerySet.as_manager()
    # Readable across the jurisdiction that contains the entity's region; writable by the maintaining
    # department and by the competent departments (谁主管、谁监管).
    scope_rule = ScopeRule(owner="department", region="region__code", extra_edit=_competent_edit_q)

    class Meta:
        ordering = ["uscc"]
        verbose_name = _("市场主体")
        verbose_name_plural = _("市场主体")
        constraints = [models.UniqueConstraint(fields=["uscc"], name="entities_entity_unique_uscc")]
        # Every index costs on each of a million imported rows (1.5–3.5 s per index on PostgreSQL), so only
        # selective ones: region prefix (scope and draw), industry, the maintaining department (the FK's
        # own index), and one partial index for the draw population: entities in the directory and in
        # business, by region prefix and credit grade. Status, grade and is_active alone are not selective.
        indexes = [
            models.Index(fields=["region"], name="entities_region_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["industry"], name="entities_entity_industry"),
            models.Index(
                fields=["region", "credit_grade"], name="entities_draw_population",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                condition=Q(is_active=True, status="operating"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    @property
    def masked_legal_representative(self) -> str:
        """The legal representative's name as it may be published: 张*, 欧阳**."""
        return mask_person_name(self.legal_representative)

    def refresh_derived(self) -> None:
        """Recompute the derived columns: the draw block and the industry section."""
        self.draw_block = draw_block_for(self.uscc)
        if self.industry_id:
            self.section = Industry.objects.values_list("section", flat=True).get(pk=self.industry_id)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.draw_block = draw_block_for(self.uscc)
        if self.industry_id and not self.section:
            self.section = Industry.objects.values_list("section", flat=True).get(pk=self.industry_id)
        super().save(*args, **kwargs)


class Licence(models.Model):
    """A licence (许可证) held by an entity."""

    entity = models.ForeignKey(Entity, verbose_name=_("市场主体"), on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("许可证类型"), max_length=60, db_index=True)
    number = models.CharField(_("许可证编号"), max_length=100)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="entity__department", region="entity__region__code")

    class Meta:
        ordering = ["entity_id", "kind", "number"]
        verbose_name = _("许可证")
        verbose_name_plural = _("许可证")
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "number"], name="entities_licence_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class EntityVersion(models.Model):
    """One kept change of an entity: every create, update, deactivation and import writes one."""

    # The unique (entity, version) constraint already indexes entity first.
    entity = models.ForeignKey(
        Entity, verbose_name=_("市场主体"), on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    version = models.PositiveIntegerField(_("版本"))
    changed_at = models.DateTimeField(_("变更时间"))
    changed_by_id = models.BigIntegerField(_("变更人"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=12, choices=VersionAction.choices)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="entity__department", region="entity__region__code")

    class Meta:
        ordering = ["entity_id", "-version"]
        verbose_name = _("市场主体变更记录")
        verbose_name_plural = _("市场主体变更记录")
        constraints = [
            models.UniqueConstraint(fields=["entity", "version"], name="entities_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} v{self.version} {self.action}"
