"""Demo seeding: realistic names and certificate numbers, qualifications matching the sector, idempotent."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jianguan.accounts.factories import UserFactory
from jianguan.accounts.roles import Role
from jianguan.inspectors.demo import SECTOR_DOMAINS, seed_inspectors
from jianguan.inspectors.models import Inspector
from jianguan.organizations.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_seeded_inspectors_look_real_and_match_their_departments_sector(city_dept: Any) -> None:
    env: Any = DepartmentFactory(name="湘潭市生态环境局", sector="生态环境")
    safety: Any = DepartmentFactory(name="湘潭市应急管理局", sector="应急管理")
    inspectors = seed_inspectors(departments=[city_dept, env, safety], per_department=20, seed=7)
    assert len(inspectors) == 60
    for inspector in inspectors:
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", inspector.name)
        assert re.fullmatch(r"湘4303\d{6}", inspector.certificate_no)
        assert inspector.region_id.startswith(inspector.department.jurisdiction_prefix)
        codes = set(inspector.qualifications.values_list("code", flat=True))
        assert codes and codes <= set(SECTOR_DOMAINS[inspector.department.sector])
        assert inspector.versions.count() == 1
    categories = [i.category for i in inspectors]
    assert categories.count("civil_servant") + categories.count("qualified_staff") > categories.count(
        "daily_supervision")
    assert len({i.certificate_no for i in inspectors}) == 60


def test_seeding_again_adds_nothing(city_dept: Any) -> None:
    first = seed_inspectors(departments=[city_dept], per_department=5, seed=1)
    second = seed_inspectors(departments=[city_dept], per_department=5, seed=1)
    assert [i.pk for i in first] == [i.pk for i in second] and Inspector.objects.count() == 5


def test_inspector_logins_become_inspectors_of_their_department(city_dept: Any) -> None:
    login: Any = UserFactory(role=Role.INSPECTOR, department=city_dept, display_name="张伟")
    inspectors = seed_inspectors(departments=[city_dept], per_department=3)
    assert inspectors[0].user == login and inspectors[0].name == "张伟"
