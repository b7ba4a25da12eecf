"""Serializers of the plans API: reads show the plan with its participants, versions and state; writes feed services."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jianguan.catalog.models import InspectionItem
from jianguan.organizations.models import Department
from jianguan.plans.choices import PlanKind, PlanStatus, TaskStatus, VersionStatus
from jianguan.plans.models import Plan, PlanAttachment, PlanParticipant, PlanVersion, Task


def _enum_field(choices: type[models.TextChoices]) -> type[serializers.ChoiceField]:
    """A ChoiceField described in the schema by its values in the description.

    drf-spectacular would turn the choices into enum components named after the field ("kind", "status"),
    which collide with other apps' kind/status enums (a warning). Listing the values in the description keeps
    the schema free of warnings; with ENUM_NAME_OVERRIDES for these choices in settings they could become enums.
    """
    schema = {"type": "string",
              "description": "取值：" + "；".join(f"{value}（{label}）" for value, label in choices.choices)}
    field_cls = type(f"{choices.__name__}Field", (serializers.ChoiceField,), {})
    return extend_schema_field(schema)(field_cls)  # type: ignore[no-any-return]


PlanKindField = _enum_field(PlanKind)
PlanStatusField = _enum_field(PlanStatus)
VersionStatusField = _enum_field(VersionStatus)
TaskStatusField = _enum_field(TaskStatus)


class PlanParticipantSerializer(serializers.ModelSerializer[PlanParticipant]):
    department_name = serializers.CharField(source="department.name", read_only=True)
    items = serializers.PrimaryKeyRelatedField[InspectionItem](many=True, read_only=True)

    class Meta:
        model = PlanParticipant
        fields = ["department", "department_name", "items"]


class PendingVersionSerializer(serializers.ModelSerializer[PlanVersion]):
    status = VersionStatusField(choices=VersionStatus.choices, read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["number", "status", "is_amendment", "reason", "created_at"]


class PlanSerializer(serializers.ModelSerializer[Plan]):
    kind = PlanKindField(choices=PlanKind.choices, read_only=True)
    status = PlanStatusField(choices=PlanStatus.choices, read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    items = serializers.PrimaryKeyRelatedField[InspectionItem](many=True, read_only=True)
    participants = PlanParticipantSerializer(many=True, read_only=True)
    current_version = serializers.IntegerField(source="current_version.number", read_only=True, allow_null=True,
                                               default=None)
    pending_version = PendingVersionSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id", "department", "department_name", "kind", "year", "title", "description", "legal_basis",
            "planned_start_on", "planned_end_on", "items", "participants", "status", "status_label", "due_on",
            "is_late", "is_overdue", "first_submitted_at", "submitted_at", "approved_at", "published_at",
            "closed_at", "current_version", "pending_version", "created_at", "updated_at",
        ]


class ParticipantWriteSerializer(serializers.Serializer[Any]):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    items = serializers.PrimaryKeyRelatedField(queryset=InspectionItem.objects.all(), many=True, required=False)


class PlanContentSerializer(serializers.Serializer[Any]):
    """Plan content as the services take it; on update (PATCH) only the keys sent change."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    planned_start_on = serializers.DateField()
    planned_end_on = serializers.DateField()
    items = serializers.PrimaryKeyRelatedField(queryset=InspectionItem.objects.all(), many=True, required=False)
    participants = ParticipantWriteSerializer(many=True, required=False)


class PlanWriteSerializer(PlanContentSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, help_text="牵头部门；默认为本人所在部门"
    )
    kind = PlanKindField(choices=PlanKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class PlanAmendSerializer(serializers.Serializer[Any]):
    """The changed content of an approved plan (only the keys sent change) and the reason for the change."""

    reason = serializers.CharField()
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    planned_start_on = serializers.DateField(required=False)
    planned_end_on = serializers.DateField(required=False)
    items = serializers.PrimaryKeyRelatedField(queryset=InspectionItem.objects.all(), many=True, required=False)
    participants = ParticipantWriteSerializer(many=True, required=False)


class ReviewSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField(help_text="true 通过；false 退回（须填写 comments）")
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class PlanVersionSerializer(serializers.ModelSerializer[PlanVersion]):
    status = VersionStatusField(choices=VersionStatus.choices, read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PlanVersion
        fields = ["number", "status", "is_amendment", "reason", "snapshot", "created_at", "created_by", "decided_at"]


class PlanAttachmentSerializer(serializers.ModelSerializer[PlanAttachment]):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PlanAttachment
        fields = ["id", "original_name", "content_type", "size_bytes", "sha256", "uploaded_by", "uploaded_at"]


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class TaskSerializer(serializers.ModelSerializer[Task]):
    status = TaskStatusField(choices=TaskStatus.choices, read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    items = serializers.PrimaryKeyRelatedField[InspectionItem](many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id", "plan", "department", "department_name", "name", "items", "region_prefixes", "industry_codes",
            "entity_kinds", "tag_codes", "entity_statuses", "licence_kinds", "ratio_a_pct", "ratio_b_pct",
            "ratio_c_pct", "ratio_d_pct", "ratio_u_pct", "is_full_coverage", "window_start_on", "window_end_on",
            "min_team_size", "max_visits_per_inspector", "has_inspector_per_department", "status", "status_label",
            "created_at", "updated_at",
        ]


def _codes() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=60), required=False)


def _ratio(label: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True,
                                    help_text=f"{label}抽查比例（%）；不填使用按事项类别配置的默认值")


class TaskWriteSerializer(serializers.Serializer[Any]):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all(), help_text="须为审核通过的计划")
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, help_text="实施部门；默认为本人所在部门"
    )
    name = serializers.CharField(max_length=200)
    items = serializers.PrimaryKeyRelatedField(queryset=InspectionItem.objects.all(), many=True)
    region_prefixes = _codes()
    industry_codes = _codes()
    entity_kinds = _codes()
    tag_codes = _codes()
    entity_statuses = _codes()
    licence_kinds = _codes()
    ratio_a_pct = _ratio("A 类")
    ratio_b_pct = _ratio("B 类")
    ratio_c_pct = _ratio("C 类")
    ratio_d_pct = _ratio("D 类")
    ratio_u_pct = _ratio("未评级")
    window_start_on = serializers.DateField()
    window_end_on = serializers.DateField()
    min_team_size = serializers.IntegerField(required=False, default=2)
    max_visits_per_inspector = serializers.IntegerField(required=False, default=20)
    has_inspector_per_department = serializers.BooleanField(required=False, default=False)
