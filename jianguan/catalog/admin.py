"""Admin registrations (platform admins only); everyday editing goes through the pages and services."""

from django.contrib import admin

from jianguan.catalog.models import (
    CatalogItem,
    CatalogItemVersion,
    InspectionItem,
    InspectionItemVersion,
    ItemListFiling,
    SupervisionDomain,
)


@admin.register(SupervisionDomain)
class SupervisionDomainAdmin(admin.ModelAdmin[SupervisionDomain]):
    list_display = ["code", "name", "is_special_key_area", "sort_order", "is_active"]


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin[CatalogItem]):
    list_display = ["code", "name", "department", "domain", "implementing_level", "version", "is_active"]
    list_filter = ["domain", "implementing_level", "is_active"]
    search_fields = ["code", "name"]


@admin.register(InspectionItem)
class InspectionItemAdmin(admin.ModelAdmin[InspectionItem]):
    list_display = ["code", "name", "department", "kind", "default_ratio_pct", "publication_state", "is_active"]
    list_filter = ["kind", "publication_state", "domain", "is_active"]
    search_fields = ["code", "name"]


admin.site.register(CatalogItemVersion)
admin.site.register(InspectionItemVersion)
admin.site.register(ItemListFiling)
