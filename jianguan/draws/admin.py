"""Admin for platform admins: draws and their parts, READ-ONLY — nothing may be picked or removed by hand [003]."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jianguan.draws.models import (
    Draw,
    DrawSelection,
    DrawTeamMember,
    DrawWitness,
    EntityYearCounter,
    JointRound,
    JointVisit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Draw data changes only through the ceremony services (audited); the admin may look, never touch."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ["reference", "department", "status", "scheduled_at", "is_short_notice", "selected_count",
                    "superseded_at"]
    list_filter = ["status", "is_short_notice", "year"]
    search_fields = ["reference"]


@admin.register(DrawWitness)
class DrawWitnessAdmin(ReadOnlyAdmin):
    list_display = ["draw", "kind", "party", "commitment", "committed_at", "revealed_at"]


@admin.register(DrawSelection)
class DrawSelectionAdmin(ReadOnlyAdmin):
    list_display = ["draw", "rank", "entity", "grade", "ticket"]
    raw_id_fields = ["entity"]


@admin.register(DrawTeamMember)
class DrawTeamMemberAdmin(ReadOnlyAdmin):
    list_display = ["draw", "entity", "inspector", "order"]


@admin.register(EntityYearCounter)
class EntityYearCounterAdmin(ReadOnlyAdmin):
    list_display = ["entity", "year", "count", "cap"]
    list_filter = ["year"]


@admin.register(JointRound)
class JointRoundAdmin(ReadOnlyAdmin):
    list_display = ["reference", "plan", "department", "visits_before", "visits_after", "visits_saved", "merged_at"]


@admin.register(JointVisit)
class JointVisitAdmin(ReadOnlyAdmin):
    list_display = ["joint_round", "order", "entity"]
