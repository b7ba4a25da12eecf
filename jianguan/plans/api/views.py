"""API of plans and tasks. Reads are scoped by the selectors; every write or step is one service call."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit
from jianguan.plans import selectors, services
from jianguan.plans.api.serializers import (
    AttachmentUploadSerializer,
    PlanAmendSerializer,
    PlanAttachmentSerializer,
    PlanSerializer,
    PlanVersionSerializer,
    PlanWriteSerializer,
    ReviewSerializer,
    TaskSerializer,
    TaskWriteSerializer,
)
from jianguan.plans.models import Plan, Task

PLAN_FILTERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="年度"),
    OpenApiParameter("kind", OpenApiTypes.STR, description="annual / joint / temporary"),
    OpenApiParameter("status", OpenApiTypes.STR, description="计划状态"),
    OpenApiParameter("department", OpenApiTypes.INT, description="牵头部门 id"),
    OpenApiParameter("is_late", OpenApiTypes.BOOL, description="是否逾期报送"),
    OpenApiParameter("q", OpenApiTypes.STR, description="计划名称或内容包含"),
]
TASK_FILTERS = [
    OpenApiParameter("plan", OpenApiTypes.INT, description="计划 id"),
    OpenApiParameter("department", OpenApiTypes.INT, description="实施部门 id"),
    OpenApiParameter("status", OpenApiTypes.STR, description="任务状态"),
    OpenApiParameter("q", OpenApiTypes.STR, description="任务名称包含"),
]


@extend_schema_view(
    list=extend_schema(parameters=PLAN_FILTERS),
    create=extend_schema(request=PlanWriteSerializer, responses={201: PlanSerializer}),
    update=extend_schema(request=PlanWriteSerializer, responses=PlanSerializer),
    partial_update=extend_schema(request=PlanWriteSerializer, responses=PlanSerializer),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Plan]):
    """Inspection plans (抽查计划): annual, joint and temporary.

    A plan is edited only in draft; review steps are POST actions: ``submit`` → ``legal-check`` (the legal
    affairs office of the plan's department) → ``justice-review`` (the justice bureau of the same level) →
    ``publish``; a returned plan goes back with ``return-to-draft``. An approved plan is changed with
    ``amend``: the change is reviewed again while the approved version stays in force. Illegal steps
    answer 409, reviewers outside their remit 403, rule violations 422 (application/problem+json).
    """

    serializer_class = PlanSerializer
    queryset = Plan.objects.none()
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> Any:
        return selectors.plan_list(user=self.request.user, filters=self.request.query_params.dict()).prefetch_related(
            "items", "participants__items"
        )

    def get_object(self) -> Plan:
        return selectors.plan_get(user=self.request.user, pk=self.kwargs["pk"])

    def _read(self, plan: Plan, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.plan_detail_prefetch(plan)
        return Response(PlanSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ensure_can(request.user, ADD, Plan)
        ser = PlanWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.plan_create(by=request.user, data=ser.validated_data), status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        ensure_can_edit(plan, request.user, CHANGE)
        ser = PlanWriteSerializer(data=request.data, partial=kwargs.pop("partial", False))
        ser.is_valid(raise_exception=True)
        return self._read(services.plan_update(plan, by=request.user, data=ser.validated_data))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def _step(self, fn: Any) -> Response:
        return self._read(fn(self.get_object(), by=self.request.user))

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Submit a draft plan for review (records a version; flags a plan past its due date as late)."""
        return self._step(services.plan_submit)

    @extend_schema(request=ReviewSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"], url_path="legal-check")
    def legal_check(self, request: Request, pk: Any = None) -> Response:
        """Legality check by the legal affairs office of the plan's own department [003]."""
        plan = self.get_object()
        ser = ReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.plan_legal_check(plan, by=request.user, **ser.validated_data))

    @extend_schema(request=ReviewSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"], url_path="justice-review")
    def justice_review(self, request: Request, pk: Any = None) -> Response:
        """Review by the justice bureau of the same level whose jurisdiction holds the plan's department [003]."""
        plan = self.get_object()
        ser = ReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.plan_justice_review(plan, by=request.user, **ser.validated_data))

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"], url_path="return-to-draft")
    def return_to_draft(self, request: Request, pk: Any = None) -> Response:
        """Take a returned plan back to draft for corrections."""
        return self._step(services.plan_return_to_draft)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        """Publish an approved plan [003]."""
        return self._step(services.plan_publish)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """Close a plan in progress whose tasks are all completed."""
        return self._step(services.plan_close)

    @extend_schema(request=PlanAmendSerializer, responses={201: PlanVersionSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: Any = None) -> Response:
        """Submit a change of an approved, published or in-progress plan; it is reviewed again [003]."""
        plan = self.get_object()
        ser = PlanAmendSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        reason = data.pop("reason")
        version = services.plan_amend(plan, by=request.user, data=data, reason=reason)
        return Response(PlanVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PlanVersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: Request, pk: Any = None) -> Response:
        """Every version of the plan, newest first, with its content snapshot and review state."""
        plan = self.get_object()
        return Response(PlanVersionSerializer(selectors.plan_versions(plan), many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=PlanAttachmentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: PlanAttachmentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """GET: the plan's attachments. POST (multipart, field ``file``): attach an upper-level document
        to a draft plan (pdf, doc, docx, jpg, png; at most 20 MB)."""
        plan = self.get_object()
        if request.method == "GET":
            return Response(PlanAttachmentSerializer(selectors.plan_attachments(plan), many=True).data)
        ser = AttachmentUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        attachment = services.plan_attachment_add(plan, by=request.user, upload=ser.validated_data["file"])
        return Response(PlanAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=TASK_FILTERS),
    create=extend_schema(request=TaskWriteSerializer, responses={201: TaskSerializer}),
    update=extend_schema(request=TaskWriteSerializer, responses=TaskSerializer),
    partial_update=extend_schema(request=TaskWriteSerializer, responses=TaskSerializer),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Task]):
    """Inspection tasks (抽查任务) under approved plans (计划外无检查 [000]).

    Each department of a joint plan draws for its own items; the lead may prepare tasks for its
    participants. Ratios per credit grade (A–D, U = unrated) default from configuration and are bounded
    by the item kinds' rules; tasks of special key areas are full coverage (no ratios). ``mark-ready``
    and ``reopen`` move a task between draft and ready; the draw app moves it further.
    """

    serializer_class = TaskSerializer
    queryset = Task.objects.none()

    def get_queryset(self) -> Any:
        return selectors.task_list(user=self.request.user, filters=self.request.query_params.dict())

    def get_object(self) -> Task:
        return selectors.task_get(user=self.request.user, pk=self.kwargs["pk"])

    def _read(self, task: Task, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.task_get(user=self.request.user, pk=task.pk)
        return Response(TaskSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ensure_can(request.user, ADD, Task)
        ser = TaskWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        # The plan must be one the caller can see (404 otherwise, never a leak).
        data["plan"] = selectors.plan_get(user=request.user, pk=data["plan"].pk)
        return self._read(services.task_create(by=request.user, data=data), status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        ensure_can_edit(task, request.user, CHANGE)
        ser = TaskWriteSerializer(data=request.data, partial=kwargs.pop("partial", False))
        ser.is_valid(raise_exception=True)
        return self._read(services.task_update(task, by=request.user, data=ser.validated_data))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="mark-ready")
    def mark_ready(self, request: Request, pk: Any = None) -> Response:
        """Declare a draft task ready to be drawn."""
        return self._read(services.task_mark_ready(self.get_object(), by=request.user))

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        """Take a task that is ready, not yet drawn, back to draft."""
        return self._read(services.task_reopen(self.get_object(), by=request.user))
