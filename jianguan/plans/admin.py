"""Admin for platform admins: plans, their history, and the configuration tables (deadlines, ratio defaults)."""

from django.contrib import admin

from jianguan.plans.models import (
    GradeRatioDefault,
    Plan,
    PlanAttachment,
    PlanDeadlineRule,
    PlanDistribution,
    PlanEvent,
    PlanParticipant,
    PlanVersion,
    Task,
)


class ParticipantInline(admin.TabularInline):
    model = PlanParticipant
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "kind", "department", "status", "is_late", "due_on"]
    list_filter = ["kind", "status", "is_late", "year"]
    search_fields = ["title"]
    inlines = [ParticipantInline]
    raw_id_fields = ["department", "current_version", "pending_version", "created_by"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "status", "is_amendment", "created_at"]
    list_filter = ["status", "is_amendment"]


@admin.register(PlanEvent)
class PlanEventAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "from_status", "to_status", "actor", "occurred_at"]
    list_filter = ["kind"]


@admin.register(PlanAttachment)
class PlanAttachmentAdmin(admin.ModelAdmin):
    list_display = ["plan", "original_name", "size_bytes", "sha256", "uploaded_at", "removed_at"]


@admin.register(PlanDistribution)
class PlanDistributionAdmin(admin.ModelAdmin):
    list_display = ["plan", "department", "sent_at"]


@admin.register(PlanDeadlineRule)
class PlanDeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["region_prefix", "kind", "month", "day", "source"]


@admin.register(GradeRatioDefault)
class GradeRatioDefaultAdmin(admin.ModelAdmin):
    list_display = ["item_kind", "grade", "ratio_pct"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "department", "status", "is_full_coverage", "window_start_on", "window_end_on"]
    list_filter = ["status", "is_full_coverage"]
    raw_id_fields = ["plan", "department", "created_by"]
