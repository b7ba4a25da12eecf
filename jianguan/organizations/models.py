"""Regions (GB/T 2260 codes with validity dates) and departments bound to them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jianguan.core.models import TimeStampedModel
from jianguan.core.scoping import ScopedQuerySet, ScopeRule
from jianguan.organizations.choices import DepartmentKind, DepartmentLevel, RegionLevel

# Codes seen in real credit codes but in no division list: national registration, and the
# Xinjiang Production and Construction Corps. Accepted, flagged as special.
SPECIAL_REGION_CODES = {"100000": "国家级登记机关", "990000": "新疆生产建设兵团"}


def region_prefix(code: str, level: int) -> str:
    """The code prefix shared by every region inside this one: 43 / 4303 / 430302."""
    if level == RegionLevel.PROVINCE:
        return code[:2]
    if level == RegionLevel.CITY:
        return code[:4]
    return code


def prefix_for_code(code: str) -> str:
    """Prefix for a six-digit code by its shape: 430000 -> 43, 430300 -> 4303, 430302 -> 430302."""
    if len(code) == 6 and code.endswith("0000") and code not in SPECIAL_REGION_CODES:
        return code[:2]
    if len(code) == 6 and code.endswith("00") and code not in SPECIAL_REGION_CODES:
        return code[:4]
    return code


class Region(models.Model):
    """An administrative division at county level or above; codes change yearly, so each has a validity."""

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    is_special = models.BooleanField(_("特殊代码"), default=False)
    source = models.CharField(_("来源"), max_length=80, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(owner=None, public=Q(), all_authenticated_read=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return region_prefix(self.code, self.level)

    @property
    def full_name(self) -> str:
        names = [self.name]
        node = self.parent
        while node is not None:
            if node.name != "市辖区":
                names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class Department(TimeStampedModel):
    """A supervising department (监管部门) at province, city or county level, bound to a region."""

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    code = models.CharField(_("部门编码"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=DepartmentLevel.choices)
    kind = models.CharField(_("类型"), max_length=30, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="departments")
    sector = models.CharField(_("行业领域"), max_length=40, blank=True, help_text=_("如 市场监管、生态环境、应急管理"))
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()
    # Department names and places are public information; writes stay with the department itself.
    scope_rule = ScopeRule(owner="self", all_authenticated_read=True)

    class Meta:
        ordering = ["level", "region_id", "name"]
        verbose_name = _("监管部门")
        verbose_name_plural = _("监管部门")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organizations_department_unique_name_in_region")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction_prefix(self) -> str:
        """Every region code inside this department's jurisdiction starts with this."""
        return region_prefix(self.region_id, self.level)
