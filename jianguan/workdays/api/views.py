"""The working-day calendar over HTTP: read the days, compute deadlines, and (platform admins) edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jianguan.core.exceptions import OutOfScope, ValidationFailed
from jianguan.core.scoping import ADD, CHANGE, VIEW, ensure_can, ensure_can_edit
from jianguan.workdays import calendar, selectors, services
from jianguan.workdays.api.serializers import (
    CalendarDaySerializer,
    CalendarDayWriteSerializer,
    CalendarYearCreateSerializer,
    CalendarYearSerializer,
    WorkingDaysAfterQuery,
    WorkingDaysAfterResult,
    WorkingDaysBetweenQuery,
    WorkingDaysBetweenResult,
)
from jianguan.workdays.choices import DayKind
from jianguan.workdays.models import CalendarDay, CalendarYear

PROBLEM = OpenApiResponse(description="application/problem+json")
UNKNOWN_YEAR = OpenApiResponse(description="工作日历缺少涉及年份的数据（code calendar_year_unknown），或参数无效")


@extend_schema_view(
    list=extend_schema(parameters=[
        OpenApiParameter("year", int, description="年份，如 2026"),
        OpenApiParameter("month", int, description="月份 1–12"),
        OpenApiParameter("kind", str, enum=DayKind.values, description="类型"),
        OpenApiParameter("is_working_day", bool, description="是否工作日"),
        OpenApiParameter("q", str, description="节日名称或备注包含"),
    ]),
    partial_update=extend_schema(request=CalendarDayWriteSerializer, responses={
        200: CalendarDaySerializer, 403: PROBLEM, 404: PROBLEM, 422: PROBLEM}),
)
class CalendarDayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CalendarDay]):
    """Days of the working-day calendar (read by every signed-in user). Filter with ?year=&month=&kind=.

    PATCH changes one day (platform admins only): kind, is_working_day (follows the kind when
    omitted), holiday_name, note. Inconsistent values are a 422 naming the field.
    """

    serializer_class = CalendarDaySerializer
    lookup_field = "day"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.day_list(user=self.request.user, filters=self.request.query_params.dict())

    def get_object(self) -> CalendarDay:
        try:
            day = dt.date.fromisoformat(self.kwargs["day"])
        except ValueError:
            raise OutOfScope() from None
        return selectors.day_get(user=self.request.user, day=day)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        ensure_can_edit(obj, request.user, CHANGE)
        ser = CalendarDayWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        obj = services.calendar_day_update(obj, by=request.user, data=ser.validated_data)
        return Response(CalendarDaySerializer(obj).data)


@extend_schema_view(
    create=extend_schema(request=CalendarYearCreateSerializer, responses={
        201: CalendarYearSerializer, 403: PROBLEM, 409: PROBLEM, 422: PROBLEM}),
)
class CalendarYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          viewsets.GenericViewSet[CalendarYear]):
    """Years in the working-day calendar, with their source and whether they are complete.

    POST starts a year by hand (platform admins): Mon–Fri working, weekends rest, not complete.
    POST …/mark-complete/ declares that its holidays and make-up days are all entered.
    """

    serializer_class = CalendarYearSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self) -> Any:
        return selectors.year_list(user=self.request.user)

    def get_object(self) -> CalendarYear:
        return selectors.year_get(user=self.request.user, year=int(self.kwargs["year"]))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ensure_can(request.user, ADD, CalendarYear)
        ser = CalendarYearCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        cy = services.calendar_year_create(ser.validated_data["year"], by=request.user)
        return Response(CalendarYearSerializer(cy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CalendarYearSerializer, 403: PROBLEM, 409: PROBLEM, 422: PROBLEM})
    @action(detail=True, methods=["post"], url_path="mark-complete")
    def mark_complete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark the year complete (platform admins); refused while it has no statutory holiday."""
        cy = self.get_object()
        ensure_can_edit(cy, request.user, CHANGE)
        cy = services.calendar_year_mark_complete(cy, by=request.user)
        return Response(CalendarYearSerializer(cy).data)


class WorkingDaysAfterView(APIView):
    """The n-th working day after a day (counting starts the next day; n=0 returns the day itself)."""

    @extend_schema(parameters=[WorkingDaysAfterQuery], responses={200: WorkingDaysAfterResult, 422: UNKNOWN_YEAR})
    def get(self, request: Request) -> Response:
        ensure_can(request.user, VIEW, CalendarDay)
        query = WorkingDaysAfterQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        day, n = query.validated_data["day"], query.validated_data["n"]
        result = calendar.working_days_after(day, n)
        return Response(WorkingDaysAfterResult({"day": day, "n": n, "result": result}).data)


class WorkingDaysBetweenView(APIView):
    """How many working days lie in (start, end]: the start day excluded, the end day included."""

    @extend_schema(parameters=[WorkingDaysBetweenQuery],
                   responses={200: WorkingDaysBetweenResult, 422: UNKNOWN_YEAR})
    def get(self, request: Request) -> Response:
        ensure_can(request.user, VIEW, CalendarDay)
        query = WorkingDaysBetweenQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        if abs((end - start).days) > 3660:
            raise ValidationFailed.for_field("end", "起止日期相差不能超过 10 年", "range_too_long")
        count = calendar.working_days_between(start, end)
        return Response(WorkingDaysBetweenResult({"start": start, "end": end, "working_days": count}).data)

