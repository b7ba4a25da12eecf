"""The dashboard's visit-progress chart: counts by stage in the user's scope, rendered through ECharts."""

import json
import re

import pytest
from django.utils import timezone

from jianguan.demo.services import seed_demo
from jianguan.inspections.cards import visit_progress
from jianguan.inspections.choices import VisitStatus
from jianguan.inspections.models import Visit


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dashboard_chart_counts_visits_by_stage_in_scope(client) -> None:  # type: ignore[no-untyped-def]
    from jianguan.accounts.models import User

    seed_demo(entities=800, log=lambda _m: None)
    year = timezone.localdate().year
    staff = User.objects.get(username="sj_staff")
    counts = visit_progress(staff, year)
    assert sum(counts.values()) == Visit.objects.filter(department__code="430300-SJ").count() > 0
    assert counts[VisitStatus.REVIEWED] == Visit.objects.filter(status=VisitStatus.REVIEWED).count()

    client.force_login(staff)
    page = client.get("/").content.decode()
    data = re.search(r'<script id="chart-1" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None and "vendor/echarts-5.6.0.min.js" in page
    option = json.loads(data.group(1))
    assert option["series"][0]["data"] == list(counts.values())

    # Another department's staff sees none of these visits, so no chart at all.
    other = User.objects.get(username="hb_staff")
    assert sum(visit_progress(other, year).values()) == 0
    client.force_login(other)
    assert "vendor/echarts" not in client.get("/").content.decode()
