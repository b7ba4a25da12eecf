"""API of draws and joint rounds. Reads are scoped by the selectors; every step of the ceremony is one service."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit
from jianguan.draws import files, jobs, selectors, services
from jianguan.draws.api.serializers import (
    AnnounceSerializer,
    CommitSerializer,
    DiceSerializer,
    DrawSerializer,
    JobAcceptedSerializer,
    JointMergeSerializer,
    JointRoundSerializer,
    JointVisitSerializer,
    RedrawSerializer,
    RevealSerializer,
    SelectionSerializer,
    WitnessSerializer,
)
from jianguan.draws.models import Draw, JointRound
from jianguan.plans.selectors import plan_get, task_get

DRAW_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, description="抽取状态"),
    OpenApiParameter("task", OpenApiTypes.INT, description="抽查任务 id"),
    OpenApiParameter("plan", OpenApiTypes.INT, description="抽查计划 id"),
    OpenApiParameter("department", OpenApiTypes.INT, description="实施部门 id"),
    OpenApiParameter("year", OpenApiTypes.INT, description="年度"),
    OpenApiParameter("is_short_notice", OpenApiTypes.BOOL, description="仅通知不足三天的抽取"),
    OpenApiParameter("q", OpenApiTypes.STR, description="抽取编号或任务名称包含"),
]
STEP_RESPONSES = {200: DrawSerializer, 202: OpenApiResponse(JobAcceptedSerializer, description="总体较大，转入后台执行")}


@extend_schema_view(
    list=extend_schema(parameters=DRAW_FILTERS),
    create=extend_schema(request=AnnounceSerializer, responses={201: DrawSerializer},
                         description="发起抽取（通知本部门政策法规处）：任务须已确认（待抽取），计划须审核通过。"),
)
class DrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Draw]):
    """Verifiable draws (双随机抽取, JG-DRAW-1, docs/draw-spec.md).

    Steps, each a POST action that calls one service: create (announce, notifies the legal affairs office) →
    ``freeze`` (population snapshot, exclusion counts and parameters published with their hashes, before any
    randomness) → ``commit`` (each party's commitment) → ``seal`` (commitments closed) → ``reveal`` /
    ``dice`` (witnessed seed) → ``execute`` → ``publish``; ``redraw`` (reason + approver) replaces a draw by a
    new one and leaves the old record as it was. ``record`` and ``snapshot`` download what the standalone
    verifier checks: ``python tools/verify_draw.py record.json snapshot.csv``. Large populations are frozen
    and executed in the background (202 with the job id). Wrong state → 409, broken rule → 422, role → 403,
    out of scope → 404 (application/problem+json). Nothing can be picked or removed by hand.
    """

    serializer_class = DrawSerializer
    queryset = Draw.objects.none()

    def get_queryset(self) -> Any:
        return selectors.draw_list(user=self.request.user, filters=self.request.query_params.dict()).prefetch_related(
            "witnesses")

    def get_object(self) -> Draw:
        return selectors.draw_get(user=self.request.user, pk=self.kwargs["pk"])

    def _read(self, draw: Draw, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.draw_get(user=self.request.user, pk=draw.pk)
        return Response(DrawSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ensure_can(request.user, ADD, Draw)
        ser = AnnounceSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        task = task_get(user=request.user, pk=ser.validated_data["task"].pk)  # 404 unless the task is visible
        draw = services.draw_announce(task=task, scheduled_at=ser.validated_data["scheduled_at"], by=request.user)
        return self._read(draw, status.HTTP_201_CREATED)

    def _background_or_run(self, step: str, permission: str) -> Response:
        draw = self.get_object()
        if jobs.is_large(draw, step):
            ensure_can_edit(draw, self.request.user, permission)
            job = jobs.start_step(draw, step, by=self.request.user)
            return Response({"job": job.pk, "step": step, "draw": draw.pk}, status=status.HTTP_202_ACCEPTED)
        fn = services.draw_freeze if step == "freeze" else services.draw_execute
        return self._read(fn(draw, by=self.request.user))

    @extend_schema(request=None, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def freeze(self, request: Request, pk: Any = None) -> Response:
        """Freeze the eligible population and the parameters; publish their hashes, N_g and the exclusion counts."""
        return self._background_or_run("freeze", CHANGE)

    @extend_schema(request=CommitSerializer, responses={201: WitnessSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: Any = None) -> Response:
        """Record one party's commitment (after freeze, before seal)."""
        draw = self.get_object()
        ser = CommitSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        witness = services.witness_commit(draw, by=request.user, **ser.validated_data)
        return Response(WitnessSerializer(witness).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def seal(self, request: Request, pk: Any = None) -> Response:
        """Close the commitments; reveals and dice are accepted from now on."""
        return self._read(services.draw_seal(self.get_object(), by=request.user))

    @extend_schema(request=RevealSerializer, responses=WitnessSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: Any = None) -> Response:
        """A party reveals its value and salt; a mismatch is refused naming the party (422), nothing is written."""
        draw = self.get_object()
        ser = RevealSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(WitnessSerializer(services.witness_reveal(draw, by=request.user, **ser.validated_data)).data)

    @extend_schema(request=DiceSerializer, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def dice(self, request: Request, pk: Any = None) -> Response:
        """Record dice digits rolled in public with at least two witnesses' names."""
        draw = self.get_object()
        ser = DiceSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.witness_dice(draw, by=request.user, **ser.validated_data))

    @extend_schema(request=None, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"])
    def execute(self, request: Request, pk: Any = None) -> Response:
        """Run the draw (needs two revealed parties or a witnessed dice roll); teams included."""
        return self._background_or_run("execute", services.EXECUTE)

    @extend_schema(request=None, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        """Publish the executed draw; published draws are readable by anyone."""
        return self._read(services.draw_publish(self.get_object(), by=request.user))

    @extend_schema(request=RedrawSerializer, responses={201: DrawSerializer})
    @action(detail=True, methods=["post"])
    def redraw(self, request: Request, pk: Any = None) -> Response:
        """A new draw with a reason and an approver; the old record stays as it was. Returns the new draw."""
        draw = self.get_object()
        ser = RedrawSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        new = services.draw_redraw(draw, by=request.user, **ser.validated_data)
        return self._read(new, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SelectionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def selections(self, request: Request, pk: Any = None) -> Response:
        """The selected entities in published order, with ticket and team (paginated)."""
        draw = self.get_object()
        page: Any = self.paginate_queryset(selectors.draw_selections(draw))  # type: ignore[arg-type]
        rows: list[Any] = list(page or [])
        context = {"teams": selectors.draw_teams(draw, [r.entity_id for r in rows])}
        return self.get_paginated_response(SelectionSerializer(rows, many=True, context=context).data)

    @extend_schema(request=None, responses={(200, "application/json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def record(self, request: Request, pk: Any = None) -> FileResponse:
        """The published draw record (JG-DRAW-1/record, canonical JSON; its SHA-256 is record_hash)."""
        draw = self.get_object()
        if not draw.record_path:
            raise Http404("尚未抽取")
        return FileResponse(files.open_raw(draw.record_path), as_attachment=True,
                            filename=f"{draw.reference}-record.json", content_type="application/json")

    @extend_schema(request=None, responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def snapshot(self, request: Request, pk: Any = None) -> FileResponse:
        """The frozen population as the canonical snapshot CSV (its SHA-256 is snapshot_hash)."""
        draw = self.get_object()
        if not draw.snapshot_path:
            raise Http404("名单尚未冻结")
        return FileResponse(files.open_snapshot(draw.snapshot_path), as_attachment=True,
                            filename=f"{draw.reference}-snapshot.csv", content_type="text/csv; charset=utf-8")


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("plan", OpenApiTypes.INT, description="联合抽查计划 id")]),
    create=extend_schema(request=JointMergeSerializer, responses={201: JointRoundSerializer},
                         description="汇总取重：合并联合计划各部门已完成的抽取，每户一次检查、一个检查组。"),
)
class JointRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[JointRound]):
    """Joint rounds (部门联合抽查, 汇总取重): one visit per entity covering all departments' items, one team each.

    POST merges the executed draws of a joint plan's departments (the lead department only), with a dice
    roll witnessed by at least two named people as the team draw's seed; ``visits_saved`` reports the
    visits saved. ``record`` downloads the joint record (``python tools/verify_draw.py joint.json``).
    """

    serializer_class = JointRoundSerializer
    queryset = JointRound.objects.none()

    def get_queryset(self) -> Any:
        return selectors.joint_round_list(user=self.request.user, filters=self.request.query_params.dict())

    def get_object(self) -> JointRound:
        return selectors.joint_round_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ensure_can(request.user, services.EXECUTE, Draw)
        ser = JointMergeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        plan = plan_get(user=request.user, pk=ser.validated_data["plan"].pk)
        joint = services.joint_merge(plan, by=request.user, dice_digits=ser.validated_data["dice_digits"],
                                     witnesses=ser.validated_data["witnesses"])
        fresh = selectors.joint_round_get(user=request.user, pk=joint.pk)
        return Response(JointRoundSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=JointVisitSerializer(many=True))
    @action(detail=True, methods=["get"])
    def visits(self, request: Request, pk: Any = None) -> Response:
        """The merged visits in staffing order, with items, departments and the team (paginated)."""
        joint = self.get_object()
        page: Any = self.paginate_queryset(selectors.joint_visits(joint))  # type: ignore[arg-type]
        return self.get_paginated_response(JointVisitSerializer(page, many=True).data)

    @extend_schema(request=None, responses={(200, "application/json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def record(self, request: Request, pk: Any = None) -> FileResponse:
        """The joint record (JG-DRAW-1/record, kind joint)."""
        joint = self.get_object()
        return FileResponse(files.open_raw(joint.record_path), as_attachment=True,
                            filename=f"{joint.reference}-joint-record.json", content_type="application/json")
