"""Admin for platform admins: visits and records (read mostly), and the reference tables — result categories
and the jurisdictions' deadline rules (DeadlineRule: the longest region prefix wins)."""

from django.contrib import admin

from jianguan.inspections.models import (
    DeadlineRule,
    DeliveryReceipt,
    Disposal,
    DisposalEvent,
    Evidence,
    InspectionRecord,
    LawEducation,
    Notice,
    NoticeException,
    ResultCategory,
    Visit,
    VisitReview,
    VisitTeamMember,
)


class TeamInline(admin.TabularInline):
    model = VisitTeamMember
    extra = 0
    raw_id_fields = ["inspector"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["entity", "task", "department", "scheduled_on", "route_order", "status", "verification_code"]
    list_filter = ["status"]
    search_fields = ["entity__name", "entity__uscc", "verification_code"]
    raw_id_fields = ["entity", "task", "draw", "joint_round", "department", "reviewed_by", "created_by"]
    filter_horizontal = ["items", "departments"]
    inlines = [TeamInline]


@admin.register(InspectionRecord)
class InspectionRecordAdmin(admin.ModelAdmin):
    list_display = ["visit", "item", "result", "inspected_on", "status", "is_late_entry"]
    list_filter = ["status", "result", "is_late_entry"]
    raw_id_fields = ["visit", "item", "entered_by", "approved_by"]
    filter_horizontal = ["inspectors"]


@admin.register(ResultCategory)
class ResultCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "is_problem", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["region_prefix", "entry_grace_working_days", "publication_working_days", "ceiling_working_days",
                    "notice_hours", "law_education_months", "source"]


@admin.register(Disposal)
class DisposalAdmin(admin.ModelAdmin):
    list_display = ["record", "kind", "status", "department", "target_department", "due_on", "closed_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["record", "department", "target_department", "recheck_visit", "recheck_record", "feedback_by",
                     "created_by"]


for model in (Notice, DeliveryReceipt, NoticeException, Evidence, VisitReview, LawEducation, DisposalEvent):
    admin.site.register(model)
