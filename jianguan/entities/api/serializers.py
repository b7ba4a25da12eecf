from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jianguan.entities.choices import CreditGrade, EntityKind, EntityStatus
from jianguan.entities.models import Entity, Licence


class LicenceSerializer(serializers.ModelSerializer[Licence]):
    class Meta:
        model = Licence
        fields = ["kind", "number", "issued_on", "expires_on"]


class EntitySerializer(serializers.ModelSerializer[Entity]):
    industry = serializers.CharField(source="industry_id", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    competent_departments = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    licences = LicenceSerializer(many=True, read_only=True)
    masked_legal_representative = serializers.CharField(read_only=True)
    draw_block = serializers.SerializerMethodField(help_text="SHA-256(uscc) 的前 16 字节（十六进制），抽取算法的输入块")

    class Meta:
        model = Entity
        fields = [
            "id", "uscc", "name", "kind", "industry", "industry_name", "section", "region", "region_name",
            "address", "legal_representative", "masked_legal_representative", "registered_on", "status",
            "credit_grade", "credit_grade_source", "credit_grade_on", "competent_departments", "department",
            "department_name", "tags", "licences", "is_active", "version", "draw_block", "created_at", "updated_at",
        ]

    def get_competent_departments(self, obj: Entity) -> list[str]:
        return sorted(d.code for d in obj.competent_departments.all())

    def get_tags(self, obj: Entity) -> list[str]:
        return sorted(t.code for t in obj.tags.all())

    def get_draw_block(self, obj: Entity) -> str:
        return bytes(obj.draw_block).hex() if obj.draw_block else ""


class LicenceWriteSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(max_length=60)
    number = serializers.CharField(max_length=100)
    issued_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)


class EntityWriteSerializer(serializers.Serializer[Any]):
    """Input for create/update. Codes, not ids: industry (52), region (430302), departments by code."""

    uscc = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=EntityKind.choices, required=False)
    industry = serializers.CharField(max_length=10, help_text="GB/T 4754-2017 两位大类代码")
    region = serializers.CharField(max_length=6, help_text="六位行政区划代码")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=100, required=False, allow_blank=True)
    registered_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=EntityStatus.choices, required=False)
    credit_grade = serializers.ChoiceField(choices=CreditGrade.choices, required=False, allow_null=True,
                                           allow_blank=True)
    credit_grade_source = serializers.CharField(max_length=100, required=False, allow_blank=True)
    credit_grade_on = serializers.DateField(required=False, allow_null=True)
    competent_departments = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                                  help_text="部门编码列表")
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    licences = LicenceWriteSerializer(many=True, required=False)
    department = serializers.CharField(max_length=40, required=False, allow_null=True,
                                       help_text="录入部门编码（仅平台管理员）")
