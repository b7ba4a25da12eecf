from django.urls import path
from rest_framework.routers import SimpleRouter

from jianguan.workdays.api.views import (
    CalendarDayViewSet,
    CalendarYearViewSet,
    WorkingDaysAfterView,
    WorkingDaysBetweenView,
)

router = SimpleRouter()
router.register("calendar/days", CalendarDayViewSet, basename="calendar-day")
router.register("calendar/years", CalendarYearViewSet, basename="calendar-year")
urlpatterns = [
    path("calendar/working-days-after/", WorkingDaysAfterView.as_view(), name="calendar-working-days-after"),
    path("calendar/working-days-between/", WorkingDaysBetweenView.as_view(), name="calendar-working-days-between"),
    *router.urls,
]
