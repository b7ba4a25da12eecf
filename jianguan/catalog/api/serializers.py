"""API shapes of the catalog: read serializers with names, write serializers whose rules live in services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jianguan.catalog.choices import InspectionMethod
from jianguan.catalog.models import CatalogItem, InspectionItem, ItemListFiling, SupervisionDomain
from jianguan.organizations.models import Department


class SupervisionDomainSerializer(serializers.ModelSerializer[SupervisionDomain]):
    class Meta:
        model = SupervisionDomain
        fields = ["code", "name", "is_special_key_area", "is_active"]


class CatalogItemSerializer(serializers.ModelSerializer[CatalogItem]):
    department_name = serializers.CharField(source="department.name", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True)

    class Meta:
        model = CatalogItem
        fields = ["id", "code", "name", "department", "department_name", "domain", "domain_name",
                  "supervised_object", "measures", "legal_basis", "result_handling", "implementing_level",
                  "is_active", "version", "created_at", "updated_at"]


class CatalogItemWriteSerializer(serializers.ModelSerializer[CatalogItem]):
    """Uniqueness, required basis and scope are checked by the services (422 naming the field)."""

    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)
    domain = serializers.PrimaryKeyRelatedField(queryset=SupervisionDomain.objects.all())

    class Meta:
        model = CatalogItem
        fields = ["department", "code", "name", "domain", "supervised_object", "measures", "legal_basis",
                  "result_handling", "implementing_level"]
        extra_kwargs = {"code": {"validators": []}, "legal_basis": {"required": False, "allow_blank": True}}


class InspectionItemSerializer(serializers.ModelSerializer[InspectionItem]):
    department_name = serializers.CharField(source="department.name", read_only=True)
    domain_name = serializers.CharField(source="domain.name", read_only=True)
    catalog_item_code = serializers.CharField(source="catalog_item.code", read_only=True)
    methods = serializers.ListField(source="method_list", child=serializers.CharField(), read_only=True)
    is_full_coverage = serializers.BooleanField(read_only=True)

    class Meta:
        model = InspectionItem
        fields = ["id", "code", "name", "department", "department_name", "catalog_item", "catalog_item_code",
                  "domain", "domain_name", "kind", "default_ratio_pct", "is_full_coverage", "frequency",
                  "times_per_year", "methods", "object_scope", "inspection_basis", "min_inspectors",
                  "inspector_requirement", "publication_state", "published_at", "withdrawn_at",
                  "last_filed_quarter", "is_active", "version", "created_at", "updated_at"]


class InspectionItemWriteSerializer(serializers.ModelSerializer[InspectionItem]):
    """The ratio bounds by kind, inspector minimum and catalog link are checked by the services."""

    catalog_item = serializers.PrimaryKeyRelatedField(queryset=CatalogItem.objects.all())
    domain = serializers.PrimaryKeyRelatedField(queryset=SupervisionDomain.objects.all(), required=False,
                                                allow_null=True)
    methods = serializers.ListField(child=serializers.ChoiceField(choices=InspectionMethod.choices), min_length=1)
    default_ratio_pct = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    min_inspectors = serializers.IntegerField(required=False)
    times_per_year = serializers.IntegerField(required=False)

    class Meta:
        model = InspectionItem
        fields = ["code", "name", "catalog_item", "domain", "kind", "default_ratio_pct", "frequency",
                  "times_per_year", "methods", "object_scope", "inspection_basis", "min_inspectors",
                  "inspector_requirement"]
        extra_kwargs: dict[str, Any] = {"code": {"validators": []}}

    def to_representation(self, instance: Any) -> Any:
        return InspectionItemSerializer(instance, context=self.context).data


class ItemListFilingSerializer(serializers.ModelSerializer[ItemListFiling]):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ItemListFiling
        fields = ["id", "department", "department_name", "quarter", "filed_at", "filed_by_id", "item_count",
                  "list_sha256", "items_snapshot"]


class ItemListFilingWriteSerializer(serializers.Serializer[Any]):
    quarter = serializers.CharField(max_length=10, help_text="如 2026Q4")
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, help_text="不填则为本部门；平台管理员须指定"
    )
