"""The demo is built through the real services: a witnessed draw, visits, reviewed results and publications."""

import pytest

from jianguan.core.audit import verify_chain
from jianguan.demo.services import seed_demo
from jianguan.disclosure.models import Publication
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw
from jianguan.inspections.choices import VisitStatus
from jianguan.inspections.models import Visit


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_runs_a_real_draw_and_publishes_results_idempotently() -> None:
    counts = seed_demo(entities=1500, log=lambda _m: None)
    draw = Draw.objects.get()
    assert draw.status == DrawStatus.PUBLISHED
    assert draw.witnesses.filter(revealed_at__isnull=False).count() == 2
    assert draw.selected_count == counts["visits"] == Visit.objects.count() > 0
    reviewed = Visit.objects.filter(status=VisitStatus.REVIEWED).count()
    assert reviewed == counts["reviewed"] > 0
    assert Publication.objects.filter(status="published").count() == counts["published"] == reviewed

    again = seed_demo(entities=0, log=lambda _m: None)
    assert Draw.objects.count() == 1 and Visit.objects.count() == counts["visits"]
    assert again["published"] == 0
    assert verify_chain().ok
