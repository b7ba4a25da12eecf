from rest_framework import serializers

from jianguan.organizations.models import Department, Region


class RegionSerializer(serializers.ModelSerializer[Region]):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "valid_from", "valid_to", "is_special", "source"]


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    jurisdiction_prefix = serializers.CharField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "code", "level", "kind", "parent", "region", "region_name",
                  "jurisdiction_prefix", "sector", "is_active", "created_at", "updated_at"]


class DepartmentWriteSerializer(serializers.ModelSerializer[Department]):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Department.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Department
        fields = ["name", "short_name", "code", "level", "kind", "parent", "region", "sector"]
