"""The quarterly-filing panel on the inspector list page."""

from __future__ import annotations

from typing import Any

from django import template

from jianguan.core.scoping import CHANGE, scope_of
from jianguan.inspectors import selectors
from jianguan.inspectors.models import Inspector

register = template.Library()


@register.inclusion_tag("inspectors/_filing_status.html", takes_context=True)
def filing_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    scope = scope_of(request.user)
    quarter = selectors.current_quarter()
    return {
        "quarter": quarter,
        "statuses": selectors.filing_statuses(user=request.user, quarter=quarter, limit=30),
        # [003] the department files its own directory with the justice bureau every quarter.
        "can_file": scope.department_id is not None and scope.can(CHANGE, Inspector),
        "csrf_token": context.get("csrf_token"),
    }
