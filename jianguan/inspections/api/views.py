"""API of visits, inspection records, result categories and disposals: thin wrappers around selectors and
services. Business refusals answer application/problem+json: 403 (role), 404 (scope), 409 (state), 422 (rule).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from jianguan.core.exceptions import OutOfScope, ValidationFailed
from jianguan.core.scoping import get_visible
from jianguan.draws.models import Draw, JointRound
from jianguan.inspections import selectors, services
from jianguan.inspections.api.serializers import (
    BatchReceiptSerializer,
    BatchReviewSerializer,
    BatchScheduleSerializer,
    DisposalSerializer,
    DisposalWriteSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ExceptionWriteSerializer,
    FeedbackSerializer,
    FromDrawSerializer,
    ImportOutcomeSerializer,
    InspectionRecordSerializer,
    InspectionRecordUpdateSerializer,
    InspectionRecordWriteSerializer,
    JobRefSerializer,
    NoteSerializer,
    ReasonSerializer,
    ReceiptSerializer,
    ReceiptWriteSerializer,
    RecheckSerializer,
    ResultCategorySerializer,
    ResultsImportSerializer,
    ReviewWriteSerializer,
    RouteSerializer,
    ScheduleSerializer,
    SendSerializer,
    VisitReviewSerializer,
    VisitSerializer,
)
from jianguan.inspections.models import Disposal, InspectionRecord, ResultCategory, Visit
from jianguan.organizations.models import Department
from jianguan.plans.models import Task

VISIT_FILTERS = [
    OpenApiParameter("task", OpenApiTypes.INT, description="抽查任务 id"),
    OpenApiParameter("status", OpenApiTypes.STR, description="检查状态"),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="检查日期起"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="检查日期止"),
    OpenApiParameter("inspector", OpenApiTypes.INT, description="检查组成员（执法检查人员 id）"),
    OpenApiParameter("mine", OpenApiTypes.BOOL, description="只看本人所在检查组的检查"),
    OpenApiParameter("q", OpenApiTypes.STR, description="检查对象名称、统一社会信用代码或核验码"),
]
RECORD_FILTERS = [
    OpenApiParameter("visit", OpenApiTypes.INT, description="检查 id"),
    OpenApiParameter("status", OpenApiTypes.STR, description="entered / returned / approved"),
    OpenApiParameter("result", OpenApiTypes.STR, description="结果类别代码"),
]
DISPOSAL_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, description="处置状态"),
    OpenApiParameter("kind", OpenApiTypes.STR, description="处置方式"),
    OpenApiParameter("received", OpenApiTypes.BOOL, description="只看移送给本部门的（双告知）"),
]
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="行政检查告知书 PDF")
XLSX = OpenApiResponse(OpenApiTypes.BINARY, description="检查结果模板（XLSX）")
TASK_PARAM = OpenApiParameter("task", OpenApiTypes.INT, required=True, description="抽查任务 id")


def _flag(value: Any) -> bool:
    return str(value).lower() in {"1", "true", "yes", "on"}


def _visit(request: Request, pk: Any) -> Visit:
    return selectors.visit_get(user=request.user, pk=pk)


def _visit_rows(visits: Any, request: Request) -> list[Any]:
    """Serialized visits in the given order, read fresh with their relations."""
    fresh = Visit.objects.filter(pk__in=[v.pk for v in visits]).prefetch_related(
        "items", "departments", "team_members__inspector__department").select_related("entity", "task", "department")
    by_pk = {v.pk: v for v in fresh}
    return list(VisitSerializer([by_pk[v.pk] for v in visits], many=True, context={"request": request}).data)


@extend_schema_view(list=extend_schema(parameters=VISIT_FILTERS))
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Visit]):
    """Visits (一次检查，多项事项): one per drawn entity, or per merged visit of a joint round.

    ``from-draw`` creates the visits of a published draw or joint round (idempotent). ``schedule`` sets the
    date (inside the task window), start time and route order; ``route`` orders one team's day. Notices:
    ``generate-notice`` renders the PDF, ``notice`` downloads the latest, ``notices-batch`` generates a
    whole task's as a background job. ``receipts`` lists or records delivery receipts; the 48-hour rule
    [003] blocks ``start`` (and record entry) unless a notice was delivered ≥ 48 h ahead or a
    ``notice-exception`` was recorded. ``submit`` sends the records for review. Inspectors see only the
    visits of their own team.
    """

    serializer_class = VisitSerializer
    queryset = Visit.objects.none()
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> Any:
        params: dict[str, Any] = self.request.query_params.dict()
        if "mine" in params:
            params["mine"] = _flag(params["mine"])
        return selectors.visit_list(user=self.request.user, filters=params).prefetch_related(
            "items", "departments", "team_members__inspector__department")

    def get_object(self) -> Visit:
        return _visit(self.request, self.kwargs["pk"])

    def _read(self, visit: Visit, code: int = status.HTTP_200_OK) -> Response:
        return Response(_visit_rows([visit], self.request)[0], status=code)

    @extend_schema(request=FromDrawSerializer, responses={201: VisitSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="from-draw")
    def from_draw(self, request: Request) -> Response:
        """Create the visits of a published draw or of a merged joint round (idempotent)."""
        ser = FromDrawSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        source: Draw | JointRound
        if ser.validated_data.get("draw"):
            source = get_visible(Draw.objects.all(), request.user, pk=ser.validated_data["draw"])
        else:
            source = get_visible(JointRound.objects.all(), request.user, pk=ser.validated_data["joint_round"])
        visits = services.visits_create_from_draw(source, by=request.user)
        return Response(_visit_rows(visits, request), status=status.HTTP_201_CREATED)

    @extend_schema(request=ScheduleSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: Any = None) -> Response:
        """Schedule the visit: a date inside the task window, a start time, the team's route order."""
        visit = self.get_object()
        ser = ScheduleSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.visit_schedule(visit, by=request.user, **ser.validated_data))

    @extend_schema(request=RouteSerializer, responses=VisitSerializer(many=True))
    @action(detail=False, methods=["post"])
    def route(self, request: Request) -> Response:
        """Order one team's visits of one day (the order given)."""
        ser = RouteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        visits = [_visit(request, pk) for pk in ser.validated_data["visits"]]
        return Response(_visit_rows(services.visits_order_route(visits, by=request.user), request))

    @extend_schema(request=BatchScheduleSerializer, responses=VisitSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="schedule-batch")
    def schedule_batch(self, request: Request) -> Response:
        """Schedule many visits at once (批量排期), all or nothing: each its own date (``assignments``), or
        ``visits`` spread over the working days from ``date_from`` to ``date_to``; each visit becomes the
        last stop of its team's route that day. Errors name every refused visit (检查编号) and the rule."""
        ser = BatchScheduleSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        if data.get("assignments"):
            pairs = data["assignments"]
            visits = selectors.visits_get_many(user=request.user, ids=[a["visit"] for a in pairs])
            assignments = [(v, a["scheduled_on"]) for v, a in zip(visits, pairs, strict=True)]
        else:
            visits = selectors.visits_get_many(user=request.user, ids=data["visits"])
            assignments = services.spread_over_working_days(visits, data["date_from"],
                                                            data.get("date_to") or data["date_from"])
        done = services.visits_schedule_batch(assignments, by=request.user, start_time=data.get("start_time"))
        return Response(_visit_rows(done, request))

    @extend_schema(request=BatchReceiptSerializer, responses={201: ReceiptSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="receipts-batch")
    def receipts_batch(self, request: Request) -> Response:
        """Record one delivery receipt (送达回证) for each of many visits (批量登记送达), all or nothing."""
        ser = BatchReceiptSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        visits = selectors.visits_get_many(user=request.user, ids=data.pop("visits"))
        receipts = services.receipts_record_batch(visits, by=request.user, data=data)
        return Response(ReceiptSerializer(receipts, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": ResultsImportSerializer}, responses=ImportOutcomeSerializer,
                   parameters=[TASK_PARAM])
    @action(detail=False, methods=["post"], url_path="results-import", parser_classes=[MultiPartParser, FormParser])
    def results_import(self, request: Request) -> Response:
        """Import a task's results from a spreadsheet (检查结果批量导入; the template's columns), all or nothing:
        422 lists every row's errors (``row``, ``field`` = column, ``code`` = rule). With ``submit`` the visits
        whose items are all recorded are submitted for review."""
        task = get_visible(Task.objects.all(), request.user, pk=request.query_params.get("task") or 0)
        ser = ResultsImportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        upload = ser.validated_data["file"]
        rows = services.results_parse(upload, upload.name or "")
        outcome = services.results_import(task, rows, by=request.user, submit=ser.validated_data["submit"])
        return Response(outcome.as_dict())

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): XLSX},
                   parameters=[TASK_PARAM])
    @action(detail=False, methods=["get"], url_path="results-template")
    def results_template(self, request: Request) -> Any:
        """The task's results template (XLSX), pre-filled with its open visits × items."""
        task = get_visible(Task.objects.all(), request.user, pk=request.query_params.get("task") or 0)
        return FileResponse(services.results_template(task, by=request.user), as_attachment=True,
                            filename=f"检查结果-{task.pk}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @extend_schema(request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: Any = None) -> Response:
        """Start the inspection (refused unless the notice reached the entity 48 hours ahead [003])."""
        return self._read(services.visit_start(self.get_object(), by=request.user))

    @extend_schema(request=ReasonSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Cancel the visit, with a reason."""
        ser = ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.visit_cancel(self.get_object(), by=request.user, **ser.validated_data))

    @extend_schema(request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Submit every record of the visit for the division head's review."""
        return self._read(services.visit_submit(self.get_object(), by=request.user))

    @extend_schema(request=None, responses={201: OpenApiResponse(description="新版本告知书的编号与 SHA-256")})
    @action(detail=True, methods=["post"], url_path="generate-notice")
    def generate_notice(self, request: Request, pk: Any = None) -> Response:
        """Render the visit's inspection notice (行政检查告知书) as a new PDF version."""
        notice = services.notice_generate(self.get_object(), by=request.user, base_url=request.build_absolute_uri("/"))
        return Response({"id": notice.pk, "version": notice.version, "number": notice.number, "sha256": notice.sha256,
                         "size_bytes": notice.size_bytes}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): PDF})
    @action(detail=True, methods=["get"])
    def notice(self, request: Request, pk: Any = None) -> Any:
        """Download the latest notice PDF of the visit (404 until one is generated)."""
        visit = self.get_object()
        latest = visit.notices.order_by("-version").first()
        if latest is None:
            raise OutOfScope("该检查尚未生成告知书")
        return FileResponse(latest.file.open("rb"), as_attachment=True, filename=f"告知书-{latest.number}.pdf",
                            content_type="application/pdf")

    @extend_schema(request=None, responses={202: JobRefSerializer},
                   parameters=[OpenApiParameter("task", OpenApiTypes.INT, required=True, description="抽查任务 id")])
    @action(detail=False, methods=["post"], url_path="notices-batch")
    def notices_batch(self, request: Request) -> Response:
        """Generate the notices of every scheduled visit of a task as a background job with progress."""
        task = get_visible(Task.objects.all(), request.user, pk=request.query_params.get("task") or 0)
        job = services.notices_generate_for_task(task, by=request.user, base_url=request.build_absolute_uri("/"))
        return Response({"job": job.pk, "status": job.status, "total": job.progress_total},
                        status=status.HTTP_202_ACCEPTED)

    @extend_schema(methods=["GET"], responses=ReceiptSerializer(many=True))
    @extend_schema(methods=["POST"], request=ReceiptWriteSerializer, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["get", "post"])
    def receipts(self, request: Request, pk: Any = None) -> Response:
        """Delivery receipts (送达回证) of the visit's notice: list, or record one (optional scan)."""
        visit = self.get_object()
        if request.method == "GET":
            return Response(ReceiptSerializer(visit.receipts.all(), many=True).data)
        ser = ReceiptWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        receipt = services.receipt_record(visit, by=request.user, data=ser.validated_data)
        return Response(ReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExceptionWriteSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], url_path="notice-exception")
    def notice_exception(self, request: Request, pk: Any = None) -> Response:
        """Record an approved exception to the 48-hour notice rule (reason and the approving head)."""
        visit = self.get_object()
        ser = ExceptionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        approver = get_user_model().objects.filter(pk=ser.validated_data["approved_by"]).first()
        services.notice_exception_record(visit, by=request.user, reason=ser.validated_data["reason"],
                                         approved_by=approver)
        return self._read(visit)

    @extend_schema(responses=InspectionRecordSerializer(many=True))
    @action(detail=True, methods=["get"])
    def records(self, request: Request, pk: Any = None) -> Response:
        """The inspection records of the visit."""
        visit = self.get_object()
        rows = selectors.record_list(user=request.user, filters={"visit": visit.pk}).prefetch_related(
            "inspectors", "evidence")
        return Response(InspectionRecordSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(parameters=RECORD_FILTERS),
    create=extend_schema(request=InspectionRecordWriteSerializer, responses={201: InspectionRecordSerializer}),
    update=extend_schema(request=InspectionRecordUpdateSerializer, responses=InspectionRecordSerializer),
    partial_update=extend_schema(request=InspectionRecordUpdateSerializer, responses=InspectionRecordSerializer),
)
class InspectionRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[InspectionRecord]):
    """Inspection records (执法检查登记表): one per visit and item, with result category, findings, the
    inspectors present (≥ 2, all of the team) and evidence (SHA-256, size and type limits).

    ``create`` / ``update`` enter or correct a record (same day; late entries need a reason and are refused
    after 7 working days [003]). ``evidence`` uploads a file. ``review`` is the division head's decision over
    all records of a visit: approve (records locked) or return with comments.
    """

    serializer_class = InspectionRecordSerializer
    queryset = InspectionRecord.objects.none()
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> Any:
        return selectors.record_list(user=self.request.user, filters=self.request.query_params.dict()).prefetch_related(
            "inspectors", "evidence")

    def get_object(self) -> InspectionRecord:
        return selectors.record_get(user=self.request.user, pk=self.kwargs["pk"])

    def _read(self, record: InspectionRecord, code: int = status.HTTP_200_OK) -> Response:
        fresh = InspectionRecord.objects.select_related("item", "result").prefetch_related(
            "inspectors", "evidence").get(pk=record.pk)
        return Response(InspectionRecordSerializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = InspectionRecordWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        visit = _visit(request, data.pop("visit"))
        return self._read(services.record_save(visit, by=request.user, data=data), status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        ser = InspectionRecordUpdateSerializer(data=request.data, partial=kwargs.pop("partial", False))
        ser.is_valid(raise_exception=True)
        data: dict[str, Any] = {
            "item": record.item_id, "result": record.result_id, "findings": record.findings,
            "inspected_on": record.inspected_on, "inspectors": list(record.inspectors.values_list("pk", flat=True)),
        }
        data.update({k: v for k, v in ser.validated_data.items() if k != "visit"})
        if data["item"] != record.item_id:
            raise ValidationFailed.for_field("item", "不能修改检查记录的检查事项", "item_immutable")
        return self._read(services.record_save(record.visit, by=request.user, data=data))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request: Request, pk: Any = None) -> Response:
        """Upload evidence: photos jpg/png ≤ 10 MB, video mp4 ≤ 200 MB, documents pdf ≤ 20 MB (checked by content)."""
        record = self.get_object()
        ser = EvidenceUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        evidence = services.evidence_add(record, by=request.user, upload=ser.validated_data["file"])
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewWriteSerializer, responses=VisitReviewSerializer)
    @action(detail=False, methods=["post"])
    def review(self, request: Request) -> Response:
        """The division head approves (locks) or returns all records of one visit."""
        ser = ReviewWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        visit = _visit(request, ser.validated_data["visit"])
        review = services.visit_review(visit, by=request.user, approve=ser.validated_data["approve"],
                                       comments=ser.validated_data.get("comments", ""))
        return Response(VisitReviewSerializer(review).data)


    @extend_schema(request=BatchReviewSerializer, responses=VisitReviewSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="review-batch")
    def review_batch(self, request: Request) -> Response:
        """The division head approves (locks) or returns many recorded visits at once (批量审核), all or nothing."""
        ser = BatchReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        visits = selectors.visits_get_many(user=request.user, ids=ser.validated_data["visits"])
        reviews = services.visits_review_batch(visits, by=request.user, approve=ser.validated_data["approve"],
                                               comments=ser.validated_data.get("comments", ""))
        return Response(VisitReviewSerializer(reviews, many=True).data)


class ResultCategoryViewSet(viewsets.ReadOnlyModelViewSet[ResultCategory]):
    """The national random-inspection result categories (抽查检查结果): stable codes, labels, older wordings."""

    serializer_class = ResultCategorySerializer
    queryset = ResultCategory.objects.none()
    lookup_field = "code"
    pagination_class = None
    permission_classes = [AllowAny]  # public reference data, like the published item list

    def get_queryset(self) -> Any:
        return ResultCategory.objects.visible_to(self.request.user).order_by("sort_order", "code")


@extend_schema_view(
    list=extend_schema(parameters=DISPOSAL_FILTERS),
    create=extend_schema(request=DisposalWriteSerializer, responses={201: DisposalSerializer}),
)
class DisposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Disposal]):
    """Follow-up disposal (后续处置) of a record's findings, tracked until closed.

    Kinds: none needed (closed at once), order to rectify (due date, then ``recheck``), referral to the
    competent department (双告知: ``send``, then that department's ``feedback``), case lead to the
    enforcement unit, criminal referral. ``close`` and ``reopen`` end or resume the tracking.
    """

    serializer_class = DisposalSerializer
    queryset = Disposal.objects.none()

    def get_queryset(self) -> Any:
        params: dict[str, Any] = self.request.query_params.dict()
        if "received" in params:
            params["received"] = _flag(params["received"])
        return selectors.disposal_list(user=self.request.user, filters=params).prefetch_related("events")

    def get_object(self) -> Disposal:
        return selectors.disposal_get(user=self.request.user, pk=self.kwargs["pk"])

    def _read(self, disposal: Disposal, code: int = status.HTTP_200_OK) -> Response:
        fresh = Disposal.objects.prefetch_related("events").get(pk=disposal.pk)
        return Response(DisposalSerializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = DisposalWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        record = selectors.record_get(user=request.user, pk=data.pop("record"))
        if data.get("target_department"):
            dept = Department.objects.filter(pk=data["target_department"]).first()
            if dept is None:
                raise ValidationFailed.for_field("target_department", "接收部门不存在", "not_found")
            data["target_department"] = dept
        return self._read(services.disposal_create(record, by=request.user, data=data), status.HTTP_201_CREATED)

    @extend_schema(request=SendSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: Any = None) -> Response:
        """Record that the referral, case lead or criminal referral was sent."""
        ser = SendSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.disposal_send(self.get_object(), by=request.user,
                                                 sent_at=ser.validated_data.get("sent_at")))

    @extend_schema(request=FeedbackSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: Any = None) -> Response:
        """The receiving department records its feedback (双告知)."""
        ser = FeedbackSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.disposal_feedback(self.get_object(), by=request.user, **ser.validated_data))

    @extend_schema(request=RecheckSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, pk: Any = None) -> Response:
        """Record the re-check of an order to rectify."""
        disposal = self.get_object()
        ser = RecheckSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        if data.get("recheck_visit"):
            data["recheck_visit"] = _visit(request, data["recheck_visit"])
        if data.get("recheck_record"):
            data["recheck_record"] = selectors.record_get(user=request.user, pk=data["recheck_record"])
        return self._read(services.disposal_recheck(disposal, by=request.user, data=data))

    @extend_schema(request=NoteSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        """Close the disposal."""
        ser = NoteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.disposal_close(self.get_object(), by=request.user,
                                                  note=ser.validated_data.get("note", "")))

    @extend_schema(request=ReasonSerializer, responses=DisposalSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        """Reopen a closed disposal, with a reason."""
        ser = ReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._read(services.disposal_reopen(self.get_object(), by=request.user, **ser.validated_data))
