"""Dashboard chart of the inspections app: this year's visits in the user's scope, by stage."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jianguan.core.scoping import scope_of
from jianguan.inspections.choices import VisitStatus
from jianguan.inspections.models import Visit

# Stages in the order a visit goes through them; cancelled visits are shown last.
STAGES = [VisitStatus.SCHEDULED, VisitStatus.NOTIFIED, VisitStatus.IN_PROGRESS, VisitStatus.RECORDED,
          VisitStatus.RETURNED, VisitStatus.REVIEWED, VisitStatus.CANCELLED]


def visit_progress(user: Any, year: int) -> dict[str, int]:
    """Visits of the year's plans that ``user`` may see, counted by status (every stage present, 0 if none)."""
    rows = (Visit.objects.visible_to(user).filter(task__plan__year=year)
            .values("status").annotate(n=Count("pk", distinct=True)).order_by())
    counts = {str(stage): 0 for stage in STAGES}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def visit_progress_chart(request: Any) -> dict[str, Any] | None:
    """A bar chart (ECharts option) of this year's visits by stage."""
    if not scope_of(request.user).can_label("view", "inspections.visit"):
        return None
    year = timezone.localdate().year
    counts = visit_progress(request.user, year)
    total = sum(counts.values())
    if total == 0:
        return None
    labels = [gettext(VisitStatus(stage).label) for stage in STAGES]
    return {
        "label": gettext("%(year)s 年检查进度") % {"year": year},
        "value": total,
        "url": reverse("inspections:visit-list"),
        "note": gettext("共 %(total)s 户次，已审核 %(reviewed)s 户次") % {
            "total": total, "reviewed": counts[str(VisitStatus.REVIEWED)]},
        "chart": {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 48, "right": 16, "top": 16, "bottom": 32},
            "xAxis": {"type": "category", "data": labels},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [{"type": "bar", "name": gettext("户次"), "data": [counts[str(s)] for s in STAGES],
                        "itemStyle": {"color": "#1f5fa8"}, "label": {"show": True, "position": "top"}}],
        },
    }
