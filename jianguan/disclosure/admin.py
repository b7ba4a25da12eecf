"""Admin registrations (platform admins only); every write goes through the services, so all is read-only here."""

from typing import Any

from django.contrib import admin

from jianguan.disclosure.models import (
    DrawDisclosure,
    Objection,
    ObjectionWindowRule,
    Publication,
    PublishedResult,
    ResultCorrection,
    TypicalCase,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["id", "entity", "department", "task_name", "completed_on", "status", "published_at", "is_on_time"]
    list_filter = ["status", "inspection_type"]
    raw_id_fields = ["entity", "visit", "task", "plan", "draw"]


for model in (PublishedResult, Objection, ResultCorrection, TypicalCase, DrawDisclosure):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(ObjectionWindowRule)
class ObjectionWindowRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["region_prefix", "working_days", "source"]
