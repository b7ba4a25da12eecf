"""The inspector directory (执法检查人员名录库): inspectors, their qualifications, recusals, history and filings."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jianguan.core.models import TimeStampedModel
from jianguan.core.scoping import CHANGE, VIEW, ScopedQuerySet, ScopeRule, scope_of
from jianguan.inspectors.choices import InspectorCategory, VersionAction

M = TypeVar("M", bound=models.Model)


def mask_phone(phone: str) -> str:
    """A phone number as it may be shown to people who do not manage the inspector: 138****5678."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class Inspector(TimeStampedModel):
    """A person in the inspector directory: only inspectors listed here may inspect [003]."""

    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="inspectors"
    )
    name = models.CharField(_("姓名"), max_length=60, db_index=True)
    category = models.CharField(_("人员类别"), max_length=20, choices=InspectorCategory.choices)
    certificate_no = models.CharField(
        _("执法证号"), max_length=40, unique=True, help_text=_("去除空格、字母大写后保存；全平台唯一")
    )
    certificate_expires_on = models.DateField(_("证件有效期至"), null=True, blank=True)
    qualifications = models.ManyToManyField(
        "catalog.SupervisionDomain", verbose_name=_("执法资格领域"), related_name="inspectors", blank=True
    )
    region = models.ForeignKey(
        "organizations.Region", verbose_name=_("执法区域"), on_delete=models.PROTECT, related_name="inspectors"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="inspector_profile",
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department")

    class Meta:
        ordering = ["department_id", "certificate_no"]
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员")
        indexes = [
            models.Index(fields=["department", "is_active"], name="inspectors_dept_active"),
            # Prefix search on the duty region (LIKE '4303%') needs the pattern operator class on PostgreSQL.
            models.Index(fields=["region"], name="inspectors_region_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class DirectoryQuerySet(ScopedQuerySet[M]):
    """Rows that belong to the inspector directory (history, filings) follow the directory's role permissions.

    roles.py lists inspectors.inspector only; a filing or a version is part of that directory, so
    who may read or write it is decided by the inspector permissions plus the row's own scope rule.
    """

    def visible_to(self, user: Any) -> DirectoryQuerySet[M]:
        scope = scope_of(user)
        if (scope.department_id is not None or scope.unrestricted) and not scope.can(VIEW, Inspector):
            return self.none()
        q = self._rule().read_q(scope)
        return self if q is None else self.filter(q)

    def editable_by(self, user: Any, action: str = CHANGE) -> DirectoryQuerySet[M]:
        scope = scope_of(user)
        if not scope.can(action, Inspector):
            return self.none()
        q = self._rule().edit_q(scope)
        return self if q is None else self.filter(q)


class InspectorVersion(models.Model):
    """One kept change of an inspector: every create, update, deactivation and import writes one."""

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("执法检查人员"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("版本"))
    action = models.CharField(_("操作"), max_length=12, choices=VersionAction.choices)
    changed_at = models.DateTimeField(_("变更时间"))
    changed_by_id = models.BigIntegerField(_("变更人"), null=True, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True, help_text=_("{字段: [原值, 新值]}"))

    objects = DirectoryQuerySet.as_manager()
    scope_rule = ScopeRule(owner="inspector__department")

    class Meta:
        ordering = ["inspector_id", "-version"]
        verbose_name = _("执法检查人员变更记录")
        verbose_name_plural = _("执法检查人员变更记录")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "version"], name="inspectors_inspectorversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.inspector_id} v{self.version}"


class Recusal(TimeStampedModel):
    """A recusal (回避): this inspector must never be assigned to inspect this entity."""

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("执法检查人员"), on_delete=models.PROTECT, related_name="recusals"
    )
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="recusals"
    )
    # Denormalised from the inspector so that the standard department scope rule applies.
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="recusals"
    )
    reason = models.CharField(_("回避事由"), max_length=500)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by_id = models.BigIntegerField(_("登记人"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    deactivated_by_id = models.BigIntegerField(_("撤销人"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "entity"], condition=Q(is_active=True), name="inspectors_recusal_unique_active"
            )
        ]
        indexes = [models.Index(fields=["department", "is_active"], name="inspectors_recusal_dept_active")]

    def __str__(self) -> str:
        return f"{self.inspector_id} 回避 {self.entity_id}"


class DirectoryFiling(models.Model):
    """A quarterly filing (备案) of a department's inspector directory with the justice bureau [003]."""

    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("报备部门"), on_delete=models.PROTECT,
        related_name="directory_filings",
    )
    quarter = models.CharField(_("季度"), max_length=6, help_text=_("如 2026Q4"))
    filed_at = models.DateTimeField(_("报备时间"))
    filed_by_id = models.BigIntegerField(_("报备人"), null=True, blank=True)
    inspector_count = models.PositiveIntegerField(_("在册人数"))
    directory_sha256 = models.CharField(_("名录摘要 SHA-256"), max_length=64)
    # The canonical CSV itself, so that anyone can recompute the digest and see what was filed.
    directory_csv = models.TextField(_("报备名录（规范 CSV）"))

    objects = DirectoryQuerySet.as_manager()
    scope_rule = ScopeRule(owner="department")

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("名录报备")
        verbose_name_plural = _("名录报备")
        indexes = [models.Index(fields=["department", "quarter"], name="inspectors_filing_dept_quarter")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.quarter}"
