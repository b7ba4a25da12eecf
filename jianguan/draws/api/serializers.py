"""Serializers of the draws API: reads show the ceremony and the verification data; writes feed one service each."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jianguan.accounts.models import User
from jianguan.draws.choices import DrawStatus, WitnessKind
from jianguan.draws.models import Draw, DrawSelection, DrawWitness, JointRound, JointVisit
from jianguan.plans.models import Plan, Task


@extend_schema_field({"type": "string", "description": "取值：" + "；".join(f"{v}（{lbl}）" for v, lbl in DrawStatus.choices)})
class DrawStatusField(serializers.ChoiceField):
    pass


@extend_schema_field({"type": "string", "description": "取值：" + "；".join(f"{v}（{lbl}）" for v, lbl in WitnessKind.choices)})
class WitnessKindField(serializers.ChoiceField):
    pass


class WitnessSerializer(serializers.ModelSerializer[DrawWitness]):
    kind = WitnessKindField(choices=WitnessKind.choices, read_only=True)

    class Meta:
        model = DrawWitness
        fields = ["kind", "party", "name", "organisation", "role", "commitment", "committed_at", "value", "salt",
                  "revealed_at"]
        read_only_fields = fields


class DrawSerializer(serializers.ModelSerializer[Draw]):
    status = DrawStatusField(choices=DrawStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    task_name = serializers.CharField(source="task.name", read_only=True)
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    redraw_of = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[var-annotated]
    witnesses = WitnessSerializer(many=True, read_only=True)
    record_url = serializers.SerializerMethodField()
    snapshot_url = serializers.SerializerMethodField()

    class Meta:
        model = Draw
        fields = [
            "id", "reference", "task", "task_name", "plan", "department", "department_name", "year", "number",
            "status", "status_label", "scheduled_at", "announced_at", "legal_notified_at", "legal_notified_to",
            "is_short_notice", "redraw_of", "redraw_reason", "redraw_approved_by", "superseded_at", "frozen_at",
            "algorithm", "params", "params_hash", "population_filter", "candidate_count", "exclusions",
            "snapshot_hash", "snapshot_rows", "grade_counts", "quotas", "witnesses", "dice_digits",
            "executed_at", "k_draw", "k_assign", "grades", "selected_count", "record_hash", "published_at",
            "record_url", "snapshot_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_record_url(self, obj: Draw) -> str | None:
        return reverse("api-draws-draw-record", args=[obj.pk]) if obj.record_path else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_snapshot_url(self, obj: Draw) -> str | None:
        return reverse("api-draws-draw-snapshot", args=[obj.pk]) if obj.snapshot_path else None


class AnnounceSerializer(serializers.Serializer[Any]):
    task = serializers.PrimaryKeyRelatedField(queryset=Task.objects.all(), help_text="待抽取的抽查任务 id")
    scheduled_at = serializers.DateTimeField(help_text="计划抽取时间；距通知不足三天的抽取将被标记 [003]")


class CommitSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=60, help_text="承诺方姓名")
    organisation = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    role = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    commitment = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                       help_text="SHA-256(随机值 || 盐值) 的十六进制；或改填 value 和 salt 由平台计算")
    value = serializers.CharField(required=False, allow_blank=True, default="", help_text="只用于计算承诺值，不保存")
    salt = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class RevealSerializer(serializers.Serializer[Any]):
    party = serializers.CharField(max_length=170, help_text="承诺方名称（单位 姓名）")
    value = serializers.CharField()
    salt = serializers.CharField(max_length=32)


class DiceSerializer(serializers.Serializer[Any]):
    digits = serializers.CharField(max_length=200, help_text="至少 20 位十进制数字")
    witnesses = serializers.ListField(child=serializers.CharField(max_length=60), help_text="至少两名见证人姓名")


class RedrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="重新抽取理由（必填）")
    approver = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True,
                                                  default=None, help_text="批准人（须有批准重新抽取的权限）")
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class JobAcceptedSerializer(serializers.Serializer[Any]):
    job = serializers.UUIDField(help_text="后台任务 id；进度见抽取页面")
    step = serializers.CharField()
    draw = serializers.IntegerField()


class SelectionSerializer(serializers.ModelSerializer[DrawSelection]):
    uscc = serializers.CharField(source="entity.uscc", read_only=True)
    entity_name = serializers.CharField(source="entity.name", read_only=True)
    team = serializers.SerializerMethodField()

    class Meta:
        model = DrawSelection
        fields = ["rank", "entity", "uscc", "entity_name", "grade", "ticket", "team"]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "inspector": {"type": "integer"}, "name": {"type": "string"}, "certificate_no": {"type": "string"}}}})
    def get_team(self, obj: DrawSelection) -> list[dict[str, Any]]:
        teams: dict[int, list[Any]] = self.context.get("teams", {})
        return [{"inspector": i.pk, "name": i.name, "certificate_no": i.certificate_no}
                for i in teams.get(obj.entity_id, [])]


class JointVisitSerializer(serializers.ModelSerializer[JointVisit]):
    uscc = serializers.CharField(source="entity.uscc", read_only=True)
    entity_name = serializers.CharField(source="entity.name", read_only=True)

    class Meta:
        model = JointVisit
        fields = ["order", "entity", "uscc", "entity_name", "order_ticket", "item_codes", "department_codes",
                  "inspector_ids"]
        read_only_fields = fields


class JointRoundSerializer(serializers.ModelSerializer[JointRound]):
    department_name = serializers.CharField(source="department.name", read_only=True)
    draws = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[var-annotated]
    record_url = serializers.SerializerMethodField()

    class Meta:
        model = JointRound
        fields = ["id", "reference", "plan", "department", "department_name", "draws", "visits_before",
                  "visits_after", "visits_saved", "params", "params_hash", "merge_hash", "dice_digits",
                  "dice_witnesses", "k_assign", "record_hash", "merged_at", "record_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_record_url(self, obj: JointRound) -> str:
        return reverse("api-draws-joint-round-record", args=[obj.pk])


class JointMergeSerializer(serializers.Serializer[Any]):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all(), help_text="部门联合抽查计划 id")
    dice_digits = serializers.CharField(max_length=200, help_text="当众摇号的至少 20 位十进制数字")
    witnesses = serializers.ListField(child=serializers.CharField(max_length=60), help_text="至少两名见证人姓名")
