import datetime as dt

from django.urls import path, register_converter

from jianguan.workdays import views


class CalendarDateConverter:
    """A day in the URL as YYYY-MM-DD; an impossible date (2026-02-30) does not match, so it is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)

    def to_url(self, value: dt.date | str) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


register_converter(CalendarDateConverter, "calendar_date")

app_name = "workdays"
urlpatterns = [
    path("", views.MonthPage.as_view(), name="month"),
    path("<int:year>/<int:month>/", views.MonthPage.as_view(), name="month-of"),
    path("days/", views.DayList.as_view(), name="day-list"),
    path("days/import/", views.DayImport.as_view(), name="day-import"),
    path("days/<calendar_date:day>/", views.DayDetail.as_view(), name="day-detail"),
    path("days/<calendar_date:pk>/edit/", views.DayEdit.as_view(), name="day-edit"),
    path("years/", views.YearList.as_view(), name="year-list"),
    path("years/new/", views.YearCreate.as_view(), name="year-create"),
    path("years/<int:year>/", views.YearDetail.as_view(), name="year-detail"),
    path("years/<int:year>/complete/", views.YearComplete.as_view(), name="year-complete"),
]
