"""Serializers of the inspections API: reads show what the user may see; writes only parse input."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers

from jianguan.inspections.choices import (
    DeliveryMethod,
    DisposalEventKind,
    DisposalKind,
    DisposalStatus,
    EvidenceKind,
    LawEducationMethod,
    RecordStatus,
    VisitStatus,
)
from jianguan.inspections.models import (
    DeliveryReceipt,
    Disposal,
    DisposalEvent,
    Evidence,
    InspectionRecord,
    Notice,
    ResultCategory,
    Visit,
    VisitReview,
    VisitTeamMember,
)


def _values(choices: type[models.TextChoices]) -> str:
    """The allowed values and their labels, for the schema (a plain string keeps enum names from colliding)."""
    return "；".join(f"{c.value}={c.label}" for c in choices)


class ResultCategorySerializer(serializers.ModelSerializer[ResultCategory]):
    class Meta:
        model = ResultCategory
        fields = ["code", "label", "aliases", "is_problem", "sort_order", "description", "is_active"]


class _Ref(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class EntityRefSerializer(_Ref):
    uscc = serializers.CharField(read_only=True)


class ItemRefSerializer(_Ref):
    code = serializers.CharField(read_only=True)


class VisitTeamMemberSerializer(serializers.ModelSerializer[VisitTeamMember]):
    inspector = serializers.IntegerField(source="inspector_id", read_only=True)
    name = serializers.CharField(source="inspector.name", read_only=True)
    certificate_no = serializers.CharField(source="inspector.certificate_no", read_only=True)
    department = serializers.CharField(source="inspector.department.name", read_only=True)

    class Meta:
        model = VisitTeamMember
        fields = ["inspector", "name", "certificate_no", "department", "role"]


class VisitSerializer(serializers.ModelSerializer[Visit]):
    entity = EntityRefSerializer(read_only=True)
    task = _Ref(read_only=True)
    department = _Ref(read_only=True)
    departments = _Ref(many=True, read_only=True)
    items = ItemRefSerializer(many=True, read_only=True)
    team = VisitTeamMemberSerializer(source="team_members", many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text=_values(VisitStatus))
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    verify_path = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id", "entity", "task", "draw", "joint_round", "department", "departments", "items", "team",
            "scheduled_on", "start_time", "route_order", "status", "status_label", "verification_code",
            "verify_path", "started_at", "submitted_at", "completed_on", "reviewed_at", "cancelled_at",
            "cancel_reason", "created_at", "updated_at",
        ]

    def get_verify_path(self, obj: Visit) -> str:
        return f"/public/verify/{obj.verification_code}/"


class FromDrawSerializer(serializers.Serializer[Any]):
    draw = serializers.IntegerField(required=False, help_text="已公示的抽取 id")
    joint_round = serializers.IntegerField(required=False, help_text="联合抽查汇总 id")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("draw")) == bool(attrs.get("joint_round")):
            raise serializers.ValidationError("请且只请给出 draw 或 joint_round 之一")
        return attrs


class ScheduleSerializer(serializers.Serializer[Any]):
    scheduled_on = serializers.DateField(help_text="检查日期，须在任务检查时间之内")
    start_time = serializers.TimeField(required=False, allow_null=True, help_text="开始时间，默认 09:00")
    route_order = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                           help_text="当日路线顺序；留空排在该检查组当日最后")


class RouteSerializer(serializers.Serializer[Any]):
    visits = serializers.ListField(child=serializers.IntegerField(), min_length=1, help_text="按路线顺序排列的检查 id")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class ReceiptSerializer(serializers.ModelSerializer[DeliveryReceipt]):
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = DeliveryReceipt
        fields = ["id", "notice", "method", "method_label", "delivered_at", "receiver_name", "note", "scan_name",
                  "scan_sha256", "has_scan", "recorded_at"]

    def get_has_scan(self, obj: DeliveryReceipt) -> bool:
        return bool(obj.scan)


class ReceiptWriteSerializer(serializers.Serializer[Any]):
    method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    delivered_at = serializers.DateTimeField()
    receiver_name = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    scan = serializers.FileField(required=False, help_text="送达回证扫描件（pdf、jpg、png，≤ 20 MB）")


class ExceptionWriteSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()
    approved_by = serializers.IntegerField(help_text="批准人（牵头部门处室负责人）的用户 id")


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    class Meta:
        model = Notice
        fields = ["id", "version", "number", "sha256", "size_bytes", "generated_at"]


class LawEducationWriteSerializer(serializers.Serializer[Any]):
    sent_on = serializers.DateField()
    method = serializers.ChoiceField(choices=LawEducationMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    kind = serializers.CharField(read_only=True, help_text=_values(EvidenceKind))

    class Meta:
        model = Evidence
        fields = ["id", "kind", "original_name", "content_type", "size_bytes", "sha256", "uploaded_at"]


class InspectionRecordSerializer(serializers.ModelSerializer[InspectionRecord]):
    item = ItemRefSerializer(read_only=True)
    result = ResultCategorySerializer(read_only=True)
    inspectors = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text=_values(RecordStatus))
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = InspectionRecord
        fields = ["id", "visit", "item", "result", "findings", "inspected_on", "inspectors", "status", "status_label",
                  "entered_at", "is_late_entry", "late_reason", "approved_at", "version", "evidence"]

    def get_inspectors(self, obj: InspectionRecord) -> list[dict[str, Any]]:
        return [{"id": i.pk, "name": i.name, "certificate_no": i.certificate_no} for i in obj.inspectors.all()]


class InspectionRecordWriteSerializer(serializers.Serializer[Any]):
    visit = serializers.IntegerField(help_text="检查 id")
    item = serializers.IntegerField(help_text="检查事项 id（须为本次检查的事项）")
    result = serializers.CharField(help_text="结果类别代码、规范名称或曾用表述，如 no_problem / 经责令已改正")
    findings = serializers.CharField(required=False, allow_blank=True)
    inspected_on = serializers.DateField()
    inspectors = serializers.ListField(child=serializers.IntegerField(), help_text="到场检查人员 id（至少 2 人，均为检查组成员）")
    late_reason = serializers.CharField(required=False, allow_blank=True, help_text="非检查当日录入时必填")
    entity = serializers.IntegerField(required=False, help_text="可选：检查对象 id，须为本次抽中的对象")


class InspectionRecordUpdateSerializer(InspectionRecordWriteSerializer):
    visit = serializers.IntegerField(required=False)
    item = serializers.IntegerField(required=False)


class EvidenceUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="照片 jpg/png ≤ 10 MB，视频 mp4 ≤ 200 MB，文档 pdf ≤ 20 MB")


class ReviewWriteSerializer(serializers.Serializer[Any]):
    visit = serializers.IntegerField(help_text="检查 id：审核其全部检查记录")
    approve = serializers.BooleanField(help_text="true 审核通过（记录锁定）；false 退回修改")
    comments = serializers.CharField(required=False, allow_blank=True, help_text="退回时必填")


class ScheduleAssignmentSerializer(serializers.Serializer[Any]):
    visit = serializers.IntegerField(help_text="检查 id")
    scheduled_on = serializers.DateField(help_text="检查日期，须在任务检查时间之内")


class BatchScheduleSerializer(serializers.Serializer[Any]):
    assignments = ScheduleAssignmentSerializer(many=True, required=False,
                                               help_text="逐户指定日期；或用 visits + date_from/date_to 自动分配")
    visits = serializers.ListField(child=serializers.IntegerField(), required=False, min_length=1,
                                   help_text="检查 id：按检查组分配到 date_from 至 date_to 的工作日")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False, help_text="留空为 date_from 同一天")
    start_time = serializers.TimeField(required=False, allow_null=True, help_text="开始时间，默认 09:00")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("assignments")) == bool(attrs.get("visits")):
            raise serializers.ValidationError("请提供 assignments，或 visits 与 date_from 二者之一")
        if attrs.get("visits") and not attrs.get("date_from"):
            raise serializers.ValidationError({"date_from": "按日期范围分配时须填写 date_from"})
        return attrs


class BatchReceiptSerializer(serializers.Serializer[Any]):
    visits = serializers.ListField(child=serializers.IntegerField(), min_length=1, help_text="检查 id")
    method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    delivered_at = serializers.DateTimeField()
    receiver_name = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class BatchReviewSerializer(serializers.Serializer[Any]):
    visits = serializers.ListField(child=serializers.IntegerField(), min_length=1, help_text="检查 id")
    approve = serializers.BooleanField(help_text="true 审核通过（记录锁定）；false 退回修改")
    comments = serializers.CharField(required=False, allow_blank=True, help_text="退回时必填")


class ResultsImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="检查结果表（XLSX 或 CSV，列同模板）")
    submit = serializers.BooleanField(required=False, default=True, help_text="导入后提交已全部录入的检查")


class ImportOutcomeSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    rows = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="未填写检查结果、未导入的行")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    disposals = serializers.IntegerField()
    submitted = serializers.ListField(child=serializers.CharField(), help_text="已提交审核的检查编号")
    message = serializers.CharField()


class VisitReviewSerializer(serializers.ModelSerializer[VisitReview]):
    class Meta:
        model = VisitReview
        fields = ["id", "visit", "decision", "comments", "decided_at"]


class DisposalEventSerializer(serializers.ModelSerializer[DisposalEvent]):
    kind = serializers.CharField(read_only=True, help_text=_values(DisposalEventKind))

    class Meta:
        model = DisposalEvent
        fields = ["kind", "from_status", "to_status", "note", "occurred_at"]


class DisposalSerializer(serializers.ModelSerializer[Disposal]):
    kind = serializers.CharField(read_only=True, help_text=_values(DisposalKind))
    status = serializers.CharField(read_only=True, help_text=_values(DisposalStatus))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    events = DisposalEventSerializer(many=True, read_only=True)
    visit = serializers.IntegerField(source="record.visit_id", read_only=True)

    class Meta:
        model = Disposal
        fields = ["id", "record", "visit", "department", "kind", "kind_label", "status", "status_label",
                  "description", "due_on", "recheck_visit", "recheck_record", "recheck_on", "recheck_findings",
                  "target_department", "target_name", "sent_at", "feedback", "feedback_at", "closed_at", "close_note",
                  "created_at", "events"]


class DisposalWriteSerializer(serializers.Serializer[Any]):
    def validate_kind(self, value: str) -> str:
        if value not in DisposalKind.values:
            raise serializers.ValidationError(f"处置方式须为 {'、'.join(DisposalKind.values)} 之一")
        return value

    record = serializers.IntegerField(help_text="检查记录 id")
    kind = serializers.CharField(help_text=_values(DisposalKind))
    description = serializers.CharField(required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    target_department = serializers.IntegerField(required=False, allow_null=True)
    target_name = serializers.CharField(required=False, allow_blank=True)


class SendSerializer(serializers.Serializer[Any]):
    sent_at = serializers.DateTimeField(required=False, allow_null=True)


class FeedbackSerializer(serializers.Serializer[Any]):
    feedback = serializers.CharField()


class RecheckSerializer(serializers.Serializer[Any]):
    recheck_on = serializers.DateField()
    recheck_findings = serializers.CharField(required=False, allow_blank=True)
    recheck_visit = serializers.IntegerField(required=False, allow_null=True)
    recheck_record = serializers.IntegerField(required=False, allow_null=True)


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True)


class JobRefSerializer(serializers.Serializer[Any]):
    job = serializers.UUIDField()
    status = serializers.CharField()
    total = serializers.IntegerField()
