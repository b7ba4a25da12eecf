"""The working-day calendar: one row per year loaded and one row per day of those years."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianguan.core.scoping import ScopedQuerySet, ScopeRule
from jianguan.workdays.choices import DayKind

# Every signed-in user reads the calendar; owner=None gives nobody but platform admins edit rights.
CALENDAR_SCOPE = ScopeRule(owner=None, all_authenticated_read=True)


class CalendarYear(models.Model):
    """One year of the State Council holiday schedule: where it came from and whether it is complete."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("数据来源"), max_length=100, help_text=_("如 chinese-calendar 1.11.0 或 人工录入"))
    is_complete = models.BooleanField(_("已完整录入"), default=False)
    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = CALENDAR_SCOPE

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")

    def __str__(self) -> str:
        return f"{self.year} 年"


class CalendarDay(models.Model):
    """One calendar day: whether it is a working day, and why (weekend, holiday, make-up day)."""

    day = models.DateField(_("日期"), primary_key=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    kind = models.CharField(_("类型"), max_length=20, choices=DayKind.choices)
    holiday_name = models.CharField(_("节日名称"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = CALENDAR_SCOPE

    class Meta:
        ordering = ["day"]
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")
        constraints = [
            # The database refuses the inconsistency the service reports field by field.
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["workday", "makeup_workday"], is_working_day=True)
                    | models.Q(kind__in=["weekend", "holiday", "makeup_rest"], is_working_day=False)
                ),
                name="workdays_calendarday_kind_matches_is_working_day",
            )
        ]

    def __str__(self) -> str:
        label = self.holiday_name or self.get_kind_display()
        return f"{self.day.isoformat()} {label}"
