"""API of the disclosure app.

Staff (authenticated, scoped): publications (publish a visit or a whole task, withhold, release), objections
(review), typical cases (mark, withdraw). Public (anonymous, read-only, rate-limited): entities, results,
draws under /api/v1/public/.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from jianguan.core.exceptions import OutOfScope
from jianguan.core.scoping import ADD, CHANGE, ensure_can, get_visible
from jianguan.disclosure import public, search, selectors, services
from jianguan.disclosure.api.serializers import (
    ObjectionReviewSerializer,
    ObjectionSerializer,
    PublicationSerializer,
    PublicDrawSerializer,
    PublicEntityDetailSerializer,
    PublicEntityPageSerializer,
    PublicEntitySerializer,
    PublicOpenResultSerializer,
    PublishTaskResultSerializer,
    PublishTaskSerializer,
    PublishVisitSerializer,
    TypicalCaseSerializer,
    WithholdSerializer,
    WithholdVisitSerializer,
)
from jianguan.disclosure.models import Objection, Publication, PublishedResult, TypicalCase
from jianguan.draws.models import Draw
from jianguan.entities.models import Entity
from jianguan.inspections.models import Visit
from jianguan.plans.models import Task

# ---------------------------------------------------------------- staff


@extend_schema_view(
    list=extend_schema(parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description="企业名称包含或代码前缀"),
        OpenApiParameter("status", OpenApiTypes.STR, description="published / withheld"),
        OpenApiParameter("task", OpenApiTypes.INT, description="抽查任务 id"),
        OpenApiParameter("is_on_time", OpenApiTypes.BOOL, description="是否按期公示"),
    ]),
)
class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Publication]):
    """Publications of reviewed inspection results (一公开 [000][002][003]).

    ``publish`` publishes one visit whose records the division head approved; ``publish-task`` publishes
    every remaining visit of a task, all or nothing (an unreviewed record is a 422 naming the visit and the
    record). ``withhold`` takes a published entry down on a legal ground (state secret, trade secret,
    personal privacy); ``withhold-visit`` records that ground instead of publishing; ``release`` publishes a
    withheld entry. "Who inspects, publishes": only the visit's department may publish it (403 otherwise).
    """

    serializer_class = PublicationSerializer
    queryset = Publication.objects.none()

    def get_queryset(self) -> Any:
        return selectors.publication_list(user=self.request.user, filters=self.request.query_params.dict()) \
            .prefetch_related("results")

    def get_object(self) -> Publication:
        return selectors.publication_get(user=self.request.user, pk=self.kwargs["pk"])

    def _read(self, pub: Publication, code: int = status.HTTP_200_OK) -> Response:
        return Response(PublicationSerializer(selectors.publication_get(user=self.request.user, pk=pub.pk)).data,
                        status=code)

    @extend_schema(request=PublishVisitSerializer, responses={201: PublicationSerializer})
    @action(detail=False, methods=["post"])
    def publish(self, request: Request) -> Response:
        """Publish the reviewed results of one visit."""
        ensure_can(request.user, ADD, Publication)
        ser = PublishVisitSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        visit = get_visible(Visit.objects.all(), request.user, pk=ser.validated_data["visit"])
        return self._read(services.publication_publish(visit, by=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=PublishTaskSerializer, responses={201: PublishTaskResultSerializer})
    @action(detail=False, methods=["post"], url_path="publish-task")
    def publish_task(self, request: Request) -> Response:
        """Publish all remaining reviewed results of a task (all or nothing)."""
        ensure_can(request.user, ADD, Publication)
        ser = PublishTaskSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        task = get_visible(Task.objects.all(), request.user, pk=ser.validated_data["task"])
        done = services.publish_task_results(task, by=request.user)
        return Response({"published": len(done), "publications": [p.pk for p in done]}, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithholdVisitSerializer, responses={201: PublicationSerializer})
    @action(detail=False, methods=["post"], url_path="withhold-visit")
    def withhold_visit(self, request: Request) -> Response:
        """Record the legal ground for not publishing a reviewed visit's results (kept, not public)."""
        ensure_can(request.user, ADD, Publication)
        ser = WithholdVisitSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        visit = get_visible(Visit.objects.all(), request.user, pk=data["visit"])
        pub = services.publication_withhold(visit, by=request.user, reason=data["reason"], basis=data["basis"])
        return self._read(pub, status.HTTP_201_CREATED)

    @extend_schema(request=WithholdSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def withhold(self, request: Request, pk: Any = None) -> Response:
        """Take a published entry down on a legal ground (recorded and audited)."""
        pub = self.get_object()
        ser = WithholdSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.publication_withhold(pub, by=request.user, **ser.validated_data))

    @extend_schema(request=None, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: Any = None) -> Response:
        """Publish a withheld entry once its ground has lapsed; the objection window starts then."""
        return self._read(services.publication_release(self.get_object(), by=request.user))


@extend_schema_view(
    list=extend_schema(parameters=[
        OpenApiParameter("status", OpenApiTypes.STR, description="pending / accepted / rejected"),
        OpenApiParameter("q", OpenApiTypes.STR, description="企业名称包含或代码前缀"),
    ]),
)
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Objection]):
    """Objections (异议) filed by enterprises on the portal, for the publishing department.

    ``review`` is the division head's decision (permission ``disclosure.objection:review``): accepted with a
    corrected result category (a recorded correction), or rejected; the reason is published beside the result.
    """

    serializer_class = ObjectionSerializer
    queryset = Objection.objects.none()

    def get_queryset(self) -> Any:
        return selectors.objection_list(user=self.request.user, filters=self.request.query_params.dict())

    def get_object(self) -> Objection:
        return selectors.objection_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=ObjectionReviewSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: Any = None) -> Response:
        """Accept (and correct the result) or reject the objection, with reasons."""
        obj = self.get_object()
        ser = ObjectionReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        done = services.objection_review(obj, by=request.user, accept=data["accept"], reason=data["reason"],
                                         new_result_code=data.get("new_result_code") or None)
        return Response(ObjectionSerializer(selectors.objection_get(user=request.user, pk=done.pk)).data)


class TypicalCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet[TypicalCase]):
    """Typical cases on the exposure board (曝光台 [000][002]), marked on published results by their department."""

    serializer_class = TypicalCaseSerializer
    queryset = TypicalCase.objects.none()

    def get_queryset(self) -> Any:
        visible = selectors.staff_visible(Publication.objects.all(), self.request.user)
        return TypicalCase.objects.filter(publication__in=visible).order_by("-published_at", "-pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ensure_can(request.user, CHANGE, Publication)
        ser = TypicalCaseSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        pub = selectors.publication_get(user=request.user, pk=data["publication"].pk)
        case = services.typical_case_mark(pub, by=request.user, title=data["title"], summary=data["summary"])
        return Response(TypicalCaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TypicalCaseSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """Take the case off the exposure board."""
        case = self.get_object()
        return Response(TypicalCaseSerializer(services.typical_case_withdraw(case, by=request.user)).data)


# ---------------------------------------------------------------- public (anonymous)


class PublicRateThrottle(AnonRateThrottle):
    """Per-address rate limit of the public API (default 60/min, settings.JIANGUAN_PUBLIC_API_RATE)."""

    scope = "public"

    def get_rate(self) -> str:
        return str(getattr(settings, "JIANGUAN_PUBLIC_API_RATE", "60/min"))


class PublicPagination(BasePagination):
    """Page numbers without a total count (a count over 3×10⁶ rows costs more than the page)."""

    page_size = 50
    max_page_size = 200
    max_page = 200

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        try:
            self.page = max(1, min(int(request.query_params.get("page", 1)), self.max_page))
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            self.page, size = 1, self.page_size
        self.size = max(1, min(size, self.max_page_size))
        start = (self.page - 1) * self.size
        rows = list(queryset[start:start + self.size + 1])
        self.has_next = len(rows) > self.size
        return rows[: self.size]

    def _link(self, page: int) -> str:
        url = self.request.build_absolute_uri()
        from rest_framework.utils.urls import replace_query_param

        return replace_query_param(url, "page", page)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(OrderedDict([
            ("next", self._link(self.page + 1) if self.has_next and self.page < self.max_page else None),
            ("previous", self._link(self.page - 1) if self.page > 1 else None),
            ("results", data),
        ]))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object", "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": "page", "required": False, "in": "query", "description": "页码（最多 200 页）",
             "schema": {"type": "integer"}},
            {"name": "page_size", "required": False, "in": "query", "description": "每页条数（最多 200）",
             "schema": {"type": "integer"}},
        ]


class PublicEntityViewSet(viewsets.GenericViewSet[Any]):
    """Public search of market entities by name fragment (?q=) or credit code (exact or prefix), and one
    entity's public page as data: registration facts (legal representative masked) and every published
    inspection with its results, corrections and reviewed objections."""

    # Anonymous, read-only, rate-limited: no authentication is even attempted.
    permission_classes = [AllowAny]
    authentication_classes = []  # type: ignore[var-annotated]
    throttle_classes = [PublicRateThrottle]

    lookup_field = "uscc"
    lookup_value_regex = "[0-9A-Za-z]{18}"
    serializer_class = PublicEntitySerializer
    queryset = Entity.objects.none()  # reads go through jianguan.disclosure.search

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="企业名称片段（至少 2 个字），或统一社会信用代码（完整或前缀）"),
            OpenApiParameter("page", OpenApiTypes.INT, description="页码"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="每页条数（最多 100）"),
        ],
        responses=PublicEntityPageSerializer,
    )
    def list(self, request: Request) -> Response:
        try:
            page = int(request.query_params.get("page", 1))
            size = max(1, min(int(request.query_params.get("page_size", search.PAGE_SIZE)), 100))
        except ValueError:
            page, size = 1, search.PAGE_SIZE
        result = search.search_entities(request.query_params.get("q", ""), page=page, page_size=size)
        return Response(PublicEntityPageSerializer({
            "query_mode": result.query.mode, "count": result.total, "capped": result.is_capped,
            "page": result.number, "num_pages": result.num_pages, "results": result.entities,
        }).data)

    @extend_schema(responses=PublicEntityDetailSerializer)
    def retrieve(self, request: Request, uscc: str | None = None) -> Response:
        entity = search.public_entity(uscc or "")
        if entity is None:
            raise OutOfScope("未找到该市场主体")
        return Response(PublicEntityDetailSerializer(entity).data)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("department", OpenApiTypes.INT, description="公示部门 id"),
    OpenApiParameter("uscc", OpenApiTypes.STR, description="统一社会信用代码"),
    OpenApiParameter("since", OpenApiTypes.DATE, description="公示日期不早于（YYYY-MM-DD）"),
]))
class PublicResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
    """Published inspection results (open data), one row per item and result, newest publication first."""

    # Anonymous, read-only, rate-limited: no authentication is even attempted.
    permission_classes = [AllowAny]
    authentication_classes = []  # type: ignore[var-annotated]
    throttle_classes = [PublicRateThrottle]

    serializer_class = PublicOpenResultSerializer
    pagination_class = PublicPagination
    queryset = PublishedResult.objects.none()

    def get_queryset(self) -> Any:
        import datetime as dt

        if getattr(self, "swagger_fake_view", False):
            return PublishedResult.objects.none()

        filters: dict[str, Any] = {"department": self.request.query_params.get("department", ""),
                                   "uscc": self.request.query_params.get("uscc", "")}
        since = self.request.query_params.get("since", "")
        if since:
            try:
                filters["since"] = dt.date.fromisoformat(since)
            except ValueError:
                from jianguan.core.exceptions import ValidationFailed

                raise ValidationFailed.for_field("since", "since 须为 YYYY-MM-DD 格式的日期", "invalid") from None
        return _OpenRows(filters)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PublicOpenResultSerializer(page, many=True).data)


class _OpenRows:
    """Sliceable view of the open-data rows, so that the paginator fetches only one page."""

    def __init__(self, filters: dict[str, Any]) -> None:
        self.filters = filters

    def __getitem__(self, s: slice) -> list[dict[str, Any]]:
        qs: QuerySet[Any] = public.open_results(self.filters)
        ids = list(qs.values_list("pk", flat=True)[s])
        order = {pk: n for n, pk in enumerate(ids)}
        rows = list(public.iter_open_results_for(ids))
        return sorted(rows, key=lambda r: order[r.pop("_id")])


class PublicDrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet[Draw]):
    """Published draw records: parameters, snapshot hash, N_g and n_g, with links to the record JSON, the
    verify bundle (record, snapshot where the law allows, tools/verify_draw.py) and the public page."""

    # Anonymous, read-only, rate-limited: no authentication is even attempted.
    permission_classes = [AllowAny]
    authentication_classes = []  # type: ignore[var-annotated]
    throttle_classes = [PublicRateThrottle]

    serializer_class = PublicDrawSerializer
    pagination_class = PublicPagination
    queryset = Draw.objects.none()

    def get_queryset(self) -> Any:
        return public.published_draws()

    def get_object(self) -> Draw:
        return public.draw_public(self.kwargs["pk"])
