"""Audit events are read-only even in the admin."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jianguan.core.models import AuditEvent, Job


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("seq", "occurred_at", "actor_username", "action", "target_type", "target_id", "ip")
    list_filter = ("action", "target_type")
    search_fields = ("actor_username", "target_id", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ("title", "kind", "status", "progress_done", "progress_total", "created_at", "finished_at")
    readonly_fields = [f.name for f in Job._meta.fields]
