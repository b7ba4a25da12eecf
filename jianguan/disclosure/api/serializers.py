"""Serializers of the disclosure API: staff (publications, objections, typical cases) and public (read-only)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jianguan.disclosure.choices import WithholdReason
from jianguan.disclosure.models import Objection, Publication, PublishedResult, ResultCorrection, TypicalCase

# ---------------------------------------------------------------- shared pieces


class TeamMemberSerializer(serializers.Serializer[Any]):
    """An inspector as printed on the notice: name and enforcement certificate number, never a phone."""

    name = serializers.CharField()
    certificate_no = serializers.CharField()
    department = serializers.CharField(required=False)


class CorrectionSerializer(serializers.ModelSerializer[ResultCorrection]):
    class Meta:
        model = ResultCorrection
        fields = ["old_code", "old_label", "new_code", "new_label", "reason", "corrected_at"]


class PublicObjectionSerializer(serializers.ModelSerializer[Objection]):
    """A reviewed objection as shown beside the result: no contact data."""

    status = serializers.CharField(help_text="accepted（成立，已更正）/ rejected（不成立）")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Objection
        fields = ["reference", "statement", "filed_at", "status", "status_label", "reviewed_at", "review_reason"]


class ResultLineSerializer(serializers.ModelSerializer[PublishedResult]):
    class Meta:
        model = PublishedResult
        fields = ["id", "position", "item_code", "item_name", "item_department", "result_code", "result_label",
                  "is_problem", "is_corrected"]


# ---------------------------------------------------------------- staff


class PublicationSerializer(serializers.ModelSerializer[Publication]):
    """A publication as staff see it (with the withholding details)."""

    uscc = serializers.CharField(source="entity.uscc", read_only=True)
    entity_name = serializers.CharField(source="entity.name", read_only=True)
    results = ResultLineSerializer(many=True, read_only=True)
    team = TeamMemberSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text="published（已公示）/ withheld（依法不予公开）")
    inspection_type = serializers.CharField(read_only=True, help_text="random / joint / special / temporary")
    withheld_reason = serializers.CharField(read_only=True,
                                            help_text="state_secret / trade_secret / personal_privacy，或空")

    class Meta:
        model = Publication
        fields = ["id", "uscc", "entity_name", "department", "visit", "task", "plan", "draw", "plan_title",
                  "task_name", "inspection_type", "authority", "completed_on", "team", "status", "published_at",
                  "due_on", "is_on_time", "objection_deadline_on", "withheld_reason", "withheld_basis", "withheld_at",
                  "results"]
        read_only_fields = fields


class PublishVisitSerializer(serializers.Serializer[Any]):
    visit = serializers.IntegerField(help_text="检查（Visit）id")


class PublishTaskSerializer(serializers.Serializer[Any]):
    task = serializers.IntegerField(help_text="抽查任务（Task）id")


class WithholdSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=WithholdReason.choices, help_text="法定理由")
    basis = serializers.CharField(help_text="具体依据")


class WithholdVisitSerializer(WithholdSerializer):
    visit = serializers.IntegerField(help_text="检查（Visit）id")


class PublishTaskResultSerializer(serializers.Serializer[Any]):
    published = serializers.IntegerField()
    publications = serializers.ListField(child=serializers.IntegerField())


class ObjectionSerializer(serializers.ModelSerializer[Objection]):
    """An objection as the reviewing staff see it, contact data included (never published)."""

    uscc = serializers.CharField(source="publication.entity.uscc", read_only=True)
    entity_name = serializers.CharField(source="publication.entity.name", read_only=True)
    result = ResultLineSerializer(read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending（待处理）/ accepted（成立，已更正）/ rejected（不成立）")

    class Meta:
        model = Objection
        fields = ["id", "reference", "publication", "uscc", "entity_name", "result", "statement", "contact_name",
                  "contact_phone", "filed_at", "window_ends_on", "status", "reviewed_at", "review_reason"]
        read_only_fields = fields


class ObjectionReviewSerializer(serializers.Serializer[Any]):
    accept = serializers.BooleanField(help_text="true：异议成立并更正；false：异议不成立")
    reason = serializers.CharField(help_text="处理意见（公开）")
    new_result_code = serializers.CharField(required=False, allow_blank=True,
                                            help_text="异议成立时更正后的检查结果代码（ResultCategory.code）")


class TypicalCaseSerializer(serializers.ModelSerializer[TypicalCase]):
    class Meta:
        model = TypicalCase
        fields = ["id", "publication", "department", "title", "summary", "published_at", "is_active", "withdrawn_at"]
        read_only_fields = ["department", "published_at", "is_active", "withdrawn_at"]


# ---------------------------------------------------------------- public (anonymous, read-only)


class PublicEntitySerializer(serializers.Serializer[Any]):
    """Public registration facts of a market entity."""

    uscc = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    region_code = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        return reverse("disclosure:portal-entity", args=[obj.uscc])


class PublicEntityPageSerializer(serializers.Serializer[Any]):
    """A page of the public search: at most 1,000 matches are collected (``capped`` when there were more)."""

    query_mode = serializers.ChoiceField(choices=["code", "prefix", "name", "empty", "too_short"])
    count = serializers.IntegerField(help_text="找到的匹配数（最多 1000）")
    capped = serializers.BooleanField(help_text="匹配超过 1000 条，请缩小查询范围")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = PublicEntitySerializer(many=True)


class PublicResultLineSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="line.id")
    item_code = serializers.CharField(source="line.item_code")
    item_name = serializers.CharField(source="line.item_name")
    item_department = serializers.CharField(source="line.item_department")
    result_code = serializers.CharField(source="line.result_code")
    result_label = serializers.CharField(source="line.result_label")
    is_corrected = serializers.BooleanField(source="line.is_corrected")
    corrections = CorrectionSerializer(many=True)
    objections = PublicObjectionSerializer(many=True)


class PublicInspectionSerializer(serializers.Serializer[Any]):
    """One published inspection in the national publicity system's shape."""

    id = serializers.IntegerField(source="publication.id")
    plan = serializers.CharField(source="publication.plan_title")
    task = serializers.CharField(source="publication.task_name")
    inspection_type = serializers.CharField(source="publication.get_inspection_type_display")
    authority = serializers.CharField(source="publication.authority")
    completed_on = serializers.DateField(source="publication.completed_on")
    published_at = serializers.DateTimeField(source="publication.published_at")
    is_on_time = serializers.BooleanField(source="publication.is_on_time", allow_null=True)
    objection_deadline_on = serializers.DateField(source="publication.objection_deadline_on", allow_null=True)
    team = TeamMemberSerializer(source="publication.team", many=True)
    draw = serializers.IntegerField(source="publication.draw_id", allow_null=True)
    results = PublicResultLineSerializer(many=True)


class PublicEntityDetailSerializer(PublicEntitySerializer):
    """The entity page as data: registration facts (legal representative masked) and every published inspection."""

    industry_code = serializers.CharField(source="industry_id")
    industry_name = serializers.CharField(source="industry.name")
    legal_representative = serializers.CharField(source="masked_legal_representative",
                                                 help_text="已脱敏（保留姓氏）")
    inspections = serializers.SerializerMethodField()

    @extend_schema_field(PublicInspectionSerializer(many=True))
    def get_inspections(self, obj: Any) -> list[dict[str, Any]]:
        from jianguan.disclosure.public import entity_dossier

        data: list[dict[str, Any]] = PublicInspectionSerializer(entity_dossier(obj), many=True).data  # type: ignore[assignment]
        return data



class PublicOpenResultSerializer(serializers.Serializer[Any]):
    """One published result line (open data)."""

    uscc = serializers.CharField()
    entity_name = serializers.CharField()
    authority = serializers.CharField()
    inspection_type = serializers.CharField()
    plan = serializers.CharField()
    task = serializers.CharField()
    completed_on = serializers.DateField()
    item_code = serializers.CharField()
    item = serializers.CharField()
    result_code = serializers.CharField()
    result = serializers.CharField()
    is_corrected = serializers.BooleanField()
    published_on = serializers.CharField()


class PublicDrawSerializer(serializers.Serializer[Any]):
    """A published draw: the parameters and hashes, with links to the record, the snapshot and the bundle."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    task = serializers.CharField(source="task.name")
    plan = serializers.CharField(source="task.plan.title")
    department = serializers.CharField(source="department.name")
    algorithm = serializers.CharField()
    params_hash = serializers.CharField()
    snapshot_hash = serializers.CharField()
    snapshot_rows = serializers.IntegerField()
    grade_counts = serializers.DictField(child=serializers.IntegerField())
    quotas = serializers.DictField(child=serializers.IntegerField())
    selected_count = serializers.IntegerField()
    record_hash = serializers.CharField()
    executed_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField()
    page_url = serializers.SerializerMethodField()
    record_url = serializers.SerializerMethodField()
    bundle_url = serializers.SerializerMethodField()

    def get_page_url(self, obj: Any) -> str:
        return reverse("disclosure:portal-draw", args=[obj.pk])

    def get_record_url(self, obj: Any) -> str:
        return reverse("disclosure:portal-draw-record", args=[obj.pk])

    def get_bundle_url(self, obj: Any) -> str:
        return reverse("disclosure:portal-draw-bundle", args=[obj.pk])

