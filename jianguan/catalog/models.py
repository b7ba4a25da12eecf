"""One list (一单): the supervision catalog and the random-inspection item list, with version history and filings."""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jianguan.catalog.choices import ImplementingLevel, ItemKind, PublicationState
from jianguan.catalog.rules import RATIO_BOUNDS
from jianguan.core.models import TimeStampedModel
from jianguan.core.scoping import CHANGE, ScopedQuerySet, ScopeRule, scope_of


class SupervisionDomain(models.Model):
    """A field of supervision (监管领域), reference data; inspectors are qualified per domain."""

    code = models.CharField(_("领域编码"), max_length=40, primary_key=True)
    name = models.CharField(_("领域名称"), max_length=40, unique=True)
    is_special_key_area = models.BooleanField(
        _("特殊重点领域"), default=False, help_text=_("食品、药品、特种设备、危险化学品等实行全覆盖检查 [000][003]")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("监管领域")
        verbose_name_plural = _("监管领域")

    def __str__(self) -> str:
        return self.name


class CatalogItem(TimeStampedModel):
    """An entry of the supervision catalog (监管事项目录清单) owned by one department [000][002]."""

    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("监管部门"), on_delete=models.PROTECT, related_name="catalog_items"
    )
    code = models.CharField(_("目录编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    domain = models.ForeignKey(
        SupervisionDomain, verbose_name=_("监管领域"), on_delete=models.PROTECT, related_name="catalog_items"
    )
    supervised_object = models.TextField(_("监管对象"), blank=True)
    measures = models.TextField(_("监管措施"), blank=True)
    legal_basis = models.TextField(_("设定依据"))
    result_handling = models.TextField(_("处理方式"), blank=True)
    implementing_level = models.CharField(_("实施层级"), max_length=10, choices=ImplementingLevel.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department")

    class Meta:
        ordering = ["code"]
        verbose_name = _("监管事项目录")
        verbose_name_plural = _("监管事项目录")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CatalogItemVersion(models.Model):
    """One change of a catalog item: the version it produced, who made it and what changed."""

    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    action = models.CharField(_("操作"), max_length=40)
    changed_at = models.DateTimeField(_("变更时间"))
    changed_by_id = models.BigIntegerField(_("变更人"), null=True, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict)

    class Meta:
        ordering = ["item_id", "-version"]
        verbose_name = _("目录事项版本")
        verbose_name_plural = _("目录事项版本")
        constraints = [models.UniqueConstraint(fields=["item", "version"], name="catalog_catalogitemversion_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version}"


def _ratio_constraint() -> Q:
    """DB-level guard built from rules.RATIO_BOUNDS, so the bounds live in one place."""
    parts = [
        Q(kind=kind, default_ratio_pct__gte=bounds.low, default_ratio_pct__lte=bounds.high)
        if bounds.takes_ratio
        else Q(kind=kind, default_ratio_pct__isnull=True)
        for kind, bounds in RATIO_BOUNDS.items()
    ]
    return reduce(operator.or_, parts)


class InspectionItem(TimeStampedModel):
    """An entry of the random-inspection item list (随机抽查事项清单), linked to a catalog item [003]."""

    code = models.CharField(_("事项编码"), max_length=64, unique=True)
    catalog_item = models.ForeignKey(
        CatalogItem, verbose_name=_("目录事项"), on_delete=models.PROTECT, related_name="inspection_items"
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("监管部门"), on_delete=models.PROTECT, related_name="inspection_items"
    )
    name = models.CharField(_("事项名称"), max_length=200)
    domain = models.ForeignKey(
        SupervisionDomain, verbose_name=_("监管领域"), on_delete=models.PROTECT, related_name="inspection_items"
    )
    kind = models.CharField(_("事项类别"), max_length=10, choices=ItemKind.choices)
    default_ratio_pct = models.DecimalField(
        _("默认抽查比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("一般事项 3%–20%，重点事项不低于 20%，特殊重点领域全覆盖不设比例"),
    )
    frequency = models.CharField(_("检查频次"), max_length=60, blank=True, help_text=_("如 每年1次"))
    times_per_year = models.PositiveSmallIntegerField(_("每年次数"), default=1)
    methods = models.CharField(
        _("检查方式"), max_length=200, blank=True, help_text=_("InspectionMethod 取值，以英文逗号分隔")
    )
    object_scope = models.TextField(_("检查对象"), blank=True)
    inspection_basis = models.TextField(_("检查依据"), blank=True)
    min_inspectors = models.PositiveSmallIntegerField(_("最少检查人数"), default=2)
    inspector_requirement = models.TextField(_("人员要求"), blank=True)
    publication_state = models.CharField(
        _("公开状态"), max_length=10, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    last_filed_quarter = models.CharField(_("最近备案季度"), max_length=6, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedQuerySet.as_manager()
    # [003] "清单之外无监管": the published list is public.
    scope_rule = ScopeRule(owner="department", public=Q(publication_state="published", is_active=True))

    class Meta:
        ordering = ["code"]
        verbose_name = _("随机抽查事项")
        verbose_name_plural = _("随机抽查事项")
        constraints = [
            models.CheckConstraint(condition=Q(min_inspectors__gte=2), name="catalog_inspectionitem_min_inspectors_2"),
            models.CheckConstraint(condition=_ratio_constraint(), name="catalog_inspectionitem_ratio_by_kind"),
        ]
        indexes = [models.Index(fields=["department", "publication_state"], name="catalog_item_dept_state")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def method_list(self) -> list[str]:
        return [m for m in self.methods.split(",") if m]

    @property
    def is_full_coverage(self) -> bool:
        """Special key areas are inspected in full rather than drawn [000][003]."""
        return self.kind == ItemKind.SPECIAL


class InspectionItemVersion(models.Model):
    """One change of an inspection item: the version it produced, who made it and what changed."""

    item = models.ForeignKey(InspectionItem, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    action = models.CharField(_("操作"), max_length=40)
    changed_at = models.DateTimeField(_("变更时间"))
    changed_by_id = models.BigIntegerField(_("变更人"), null=True, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict)

    class Meta:
        ordering = ["item_id", "-version"]
        verbose_name = _("抽查事项版本")
        verbose_name_plural = _("抽查事项版本")
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="catalog_inspectionitemversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version}"


class FilingQuerySet(ScopedQuerySet["ItemListFiling"]):
    """Filings are read and written with the inspection-item permissions (roles.py has no own label for them)."""

    def visible_to(self, user: Any) -> FilingQuerySet:
        scope = scope_of(user)
        if not scope.unrestricted and not scope.can("view", InspectionItem):
            return self.none()
        q = self._rule().read_q(scope)
        return self if q is None else self.filter(q)

    def editable_by(self, user: Any, action: str = CHANGE) -> FilingQuerySet:
        scope = scope_of(user)
        if not scope.can(CHANGE, InspectionItem):
            return self.none()
        q = self._rule().edit_q(scope)
        return self if q is None else self.filter(q)


class ItemListFiling(models.Model):
    """A quarterly filing of a department's published item list with the justice bureau [003]."""

    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("监管部门"), on_delete=models.PROTECT, related_name="item_list_filings"
    )
    quarter = models.CharField(_("备案季度"), max_length=6, help_text=_("如 2026Q4"))
    filed_at = models.DateTimeField(_("备案时间"))
    filed_by_id = models.BigIntegerField(_("备案人"), null=True, blank=True)
    item_count = models.PositiveIntegerField(_("事项数"))
    list_sha256 = models.CharField(_("清单摘要(SHA-256)"), max_length=64)
    items_snapshot = models.JSONField(_("备案清单"), default=list)

    objects = FilingQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department")

    class Meta:
        ordering = ["-quarter", "department_id"]
        verbose_name = _("事项清单备案")
        verbose_name_plural = _("事项清单备案")
        constraints = [
            models.UniqueConstraint(fields=["department", "quarter"], name="catalog_itemlistfiling_once_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.quarter}"
