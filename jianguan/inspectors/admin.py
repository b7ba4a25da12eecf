from django.contrib import admin

from jianguan.inspectors.models import DirectoryFiling, Inspector, InspectorVersion, Recusal


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin[Inspector]):
    list_display = ("name", "certificate_no", "category", "department", "region", "is_active")
    search_fields = ("name", "certificate_no")
    list_filter = ("category", "is_active")
    raw_id_fields = ("department", "region", "user")
    filter_horizontal = ("qualifications",)


@admin.register(InspectorVersion)
class InspectorVersionAdmin(admin.ModelAdmin[InspectorVersion]):
    list_display = ("inspector", "version", "action", "changed_at", "changed_by_id")
    raw_id_fields = ("inspector",)


@admin.register(Recusal)
class RecusalAdmin(admin.ModelAdmin[Recusal]):
    list_display = ("inspector", "entity", "department", "is_active", "created_at")
    list_filter = ("is_active",)
    raw_id_fields = ("inspector", "entity", "department")


@admin.register(DirectoryFiling)
class DirectoryFilingAdmin(admin.ModelAdmin[DirectoryFiling]):
    list_display = ("department", "quarter", "filed_at", "inspector_count", "directory_sha256")
    list_filter = ("quarter",)
    raw_id_fields = ("department",)
