"""Load every year the installed chinese_calendar package covers (reference data that must always exist).

The covered range comes from the package's own data (jianguan.workdays.loader.package_years), so a
newer package version loads more years here on a fresh database; on an existing database run
``manage.py load_calendar`` instead.
"""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from jianguan.workdays import loader

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    now = timezone.now()
    years, days = [], []
    for year in loader.package_years():
        if year in existing:
            continue
        years.append(CalendarYear(year=year, source=loader.PACKAGE_SOURCE, is_complete=True, loaded_at=now))
        days.extend(
            CalendarDay(day=r.day, is_working_day=r.is_working_day, kind=r.kind, holiday_name=r.holiday_name,
                        note=r.note)
            for r in loader.package_rows(year)
        )
    CalendarYear.objects.bulk_create(years, batch_size=500)
    CalendarDay.objects.bulk_create(days, batch_size=2000)


def unload(apps, schema_editor):
    from jianguan.workdays import loader

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    years = list(CalendarYear.objects.filter(source=loader.PACKAGE_SOURCE).values_list("year", flat=True))
    for year in years:
        CalendarDay.objects.filter(day__year=year).delete()
    CalendarYear.objects.filter(year__in=years).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_calendar_year_and_day")]

    operations = [migrations.RunPython(load, unload)]
