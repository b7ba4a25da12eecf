from django.contrib import admin

from jianguan.entities.models import Entity, EntityVersion, Industry, Licence, Tag


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin[Industry]):
    list_display = ("code", "name", "section", "level")
    list_filter = ("level", "section")
    search_fields = ("code", "name")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class LicenceInline(admin.TabularInline[Licence, Entity]):
    model = Licence
    extra = 0


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin[Entity]):
    list_display = ("uscc", "name", "kind", "industry", "region", "status", "credit_grade", "department", "is_active")
    list_filter = ("kind", "status", "credit_grade", "is_active", "section")
    search_fields = ("uscc", "name")
    raw_id_fields = ("region", "department", "industry")
    filter_horizontal = ("competent_departments", "tags")
    inlines = [LicenceInline]
    show_full_result_count = False  # a million rows: no COUNT(*) on every page


@admin.register(EntityVersion)
class EntityVersionAdmin(admin.ModelAdmin[EntityVersion]):
    list_display = ("entity", "version", "action", "changed_at", "changed_by_id")
    list_filter = ("action",)
    raw_id_fields = ("entity",)
