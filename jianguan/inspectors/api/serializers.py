from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jianguan.accounts.models import User
from jianguan.catalog.models import SupervisionDomain
from jianguan.entities.models import Entity
from jianguan.inspectors.choices import InspectorCategory
from jianguan.inspectors.models import DirectoryFiling, Inspector, Recusal, mask_phone
from jianguan.organizations.models import Department, Region


class InspectorSerializer(serializers.ModelSerializer[Inspector]):
    department_name = serializers.CharField(source="department.name", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    qualifications: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    phone = serializers.SerializerMethodField(help_text="只有可以编辑该人员的用户看到完整号码，其他人看到脱敏号码")

    class Meta:
        model = Inspector
        fields = ["id", "department", "department_name", "department_code", "name", "category", "category_label",
                  "certificate_no", "certificate_expires_on", "qualifications", "region", "region_name", "user",
                  "phone", "is_active", "created_at", "updated_at"]

    def get_phone(self, obj: Inspector) -> str:
        return obj.phone if getattr(obj, "can_edit", False) else mask_phone(obj.phone)


class InspectorWriteSerializer(serializers.Serializer[Any]):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, help_text="缺省为当前用户所在部门"
    )
    name = serializers.CharField(max_length=60)
    category = serializers.ChoiceField(choices=InspectorCategory.choices)
    certificate_no = serializers.CharField(max_length=60, help_text="执法证号：去除空格、转大写后保存，全平台唯一")
    certificate_expires_on = serializers.DateField(required=False, allow_null=True)
    qualifications = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=SupervisionDomain.objects.all(), required=False,
        help_text="监管领域编码列表，如 [\"food_safety\"]",
    )
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True, help_text="六位区划代码；缺省为部门所在区划"
    )
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class RecusalSerializer(serializers.ModelSerializer[Recusal]):
    inspector_name = serializers.CharField(source="inspector.name", read_only=True)
    certificate_no = serializers.CharField(source="inspector.certificate_no", read_only=True)
    entity_uscc = serializers.CharField(source="entity.uscc", read_only=True)
    entity_name = serializers.CharField(source="entity.name", read_only=True)

    class Meta:
        model = Recusal
        fields = ["id", "inspector", "inspector_name", "certificate_no", "entity", "entity_uscc", "entity_name",
                  "department", "reason", "is_active", "created_by_id", "created_at", "deactivated_at",
                  "deactivated_by_id"]


class RecusalWriteSerializer(serializers.Serializer[Any]):
    inspector = serializers.PrimaryKeyRelatedField(queryset=Inspector.objects.all())
    entity = serializers.PrimaryKeyRelatedField(queryset=Entity.objects.all())
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, help_text="回避事由（必填）")


class DirectoryFilingSerializer(serializers.ModelSerializer[DirectoryFiling]):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = DirectoryFiling
        fields = ["id", "department", "department_name", "quarter", "filed_at", "filed_by_id", "inspector_count",
                  "directory_sha256"]


class DirectoryFilingDetailSerializer(DirectoryFilingSerializer):
    class Meta(DirectoryFilingSerializer.Meta):
        fields = [*DirectoryFilingSerializer.Meta.fields, "directory_csv"]


class DirectoryFilingWriteSerializer(serializers.Serializer[Any]):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, help_text="缺省为当前用户所在部门"
    )
    quarter = serializers.CharField(max_length=10, required=False, help_text="如 2026Q4；缺省为当前季度")
