"""Load the State Council holiday schedule from the installed chinese_calendar package.

    manage.py load_calendar                 # every covered year not yet in the calendar
    manage.py load_calendar --year 2027     # one year
    manage.py load_calendar --replace       # also overwrite years already loaded (hand edits are lost)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jianguan.core.exceptions import DomainError
from jianguan.workdays import loader, services
from jianguan.workdays.models import CalendarYear


class Command(BaseCommand):
    help = "从已安装的 chinese_calendar 包载入法定节假日和调休安排"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="只载入这一年")
        parser.add_argument("--replace", action="store_true", help="覆盖已存在的年份（逐日人工修改将被覆盖）")

    def handle(self, *args: Any, year: int | None = None, replace: bool = False, **options: Any) -> None:
        covered = loader.package_years()
        if year is not None and year not in covered:
            span = f"{covered[0]}–{covered[-1]}" if covered else "无"
            raise CommandError(f"{loader.PACKAGE_SOURCE} 不包含 {year} 年（覆盖 {span} 年）；请升级该包或在页面上人工录入")
        existing = set(CalendarYear.objects.values_list("year", flat=True))
        for y in [year] if year is not None else covered:
            if y in existing and not replace:
                self.stdout.write(f"{y} 年已存在，跳过（加 --replace 覆盖）")
                continue
            try:
                result = services.calendar_year_load(y, by=None, replace=replace)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            verb = "载入" if result.created else f"更新（{result.changed_days} 天有变化）"
            self.stdout.write(self.style.SUCCESS(f"{y} 年：{verb}，来源 {loader.PACKAGE_SOURCE}"))
