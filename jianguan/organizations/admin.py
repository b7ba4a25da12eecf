from django.contrib import admin

from jianguan.organizations.models import Department, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to", "is_special")
    search_fields = ("code", "name")
    list_filter = ("level", "is_special")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("name", "code", "level", "kind", "region", "is_active")
    search_fields = ("name", "code")
    list_filter = ("level", "kind", "is_active")
