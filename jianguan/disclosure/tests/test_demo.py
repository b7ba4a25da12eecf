"""seed_publications publishes the reviewed demo visits once and puts one problem result on the exposure board."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.disclosure.demo import seed_publications
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.models import Publication, TypicalCase
from jianguan.entities.factories import EntityFactory

pytestmark = pytest.mark.django_db


def test_seeding_publishes_reviewed_visits_only_and_marks_one_typical_case(visit: Any, task: Any, team: list[Any],
                                                                          city_staff: Any) -> None:
    reviewed_visit(task, EntityFactory.create(), team, approved=False)
    assert seed_publications(by=city_staff) == 1
    assert Publication.objects.get().visit_id == visit.pk
    case = TypicalCase.objects.get()
    assert "发现问题已责令改正" in case.title
    assert seed_publications(by=city_staff) == 0 and TypicalCase.objects.count() == 1


def test_seeding_publishes_only_what_the_user_may_publish(visit: Any, county_staff: Any) -> None:
    assert seed_publications(by=county_staff) == 0
