"""Shared test personas and clients.

The world: Hunan (430000) > Xiangtan city (430300) > Yuhu district (430302) and Yuetang district
(430304); Guangdong (440000) is another province. Personas:
- platform_admin
- city_admin / city_staff / city_legal / city_inspector: Xiangtan city market regulation bureau
- county_staff: Yuhu district market regulation bureau (a lower level inside the city)
- peer_staff: Yuetang district bureau (same level as Yuhu, another county)
- justice_reviewer: Xiangtan city justice bureau (reads the whole city)
- oversight: Xiangtan business-environment office
- outsider: staff of a Guangdong department (another region)
- anonymous: the public
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from jianguan.accounts.factories import UserFactory
from jianguan.accounts.roles import Role
from jianguan.organizations.choices import DepartmentKind, DepartmentLevel
from jianguan.organizations.factories import DepartmentFactory
from jianguan.organizations.models import Region


def _dept(name: str, region: str, level: int, kind: str = DepartmentKind.APPROVING, parent: Any = None) -> Any:
    return DepartmentFactory(name=name, region=Region.objects.get(code=region), level=level, kind=kind, parent=parent)


@pytest.fixture
def city_dept(db: Any) -> Any:
    return _dept("湘潭市市场监督管理局", "430300", DepartmentLevel.CITY)


@pytest.fixture
def county_dept(city_dept: Any) -> Any:
    return _dept("湘潭市市场监督管理局雨湖分局", "430302", DepartmentLevel.COUNTY, parent=city_dept)


@pytest.fixture
def peer_dept(city_dept: Any) -> Any:
    return _dept("湘潭市市场监督管理局岳塘分局", "430304", DepartmentLevel.COUNTY, parent=city_dept)


@pytest.fixture
def city_justice(db: Any) -> Any:
    return _dept("湘潭市司法局", "430300", DepartmentLevel.CITY, DepartmentKind.JUSTICE_BUREAU)


@pytest.fixture
def city_business_env(db: Any) -> Any:
    return _dept("湘潭市优化营商环境办公室", "430300", DepartmentLevel.CITY, DepartmentKind.BUSINESS_ENV_OFFICE)


@pytest.fixture
def other_province_dept(db: Any) -> Any:
    return _dept("广东省市场监督管理局", "440000", DepartmentLevel.PROVINCE)


@pytest.fixture
def platform_admin(db: Any) -> Any:
    return UserFactory(username="admin", role=Role.PLATFORM_ADMIN, department=None, is_staff=True, is_superuser=True)


@pytest.fixture
def city_admin(city_dept: Any) -> Any:
    return UserFactory(username="city_admin", role=Role.DEPARTMENT_ADMIN, department=city_dept)


@pytest.fixture
def city_staff(city_dept: Any) -> Any:
    return UserFactory(username="city_staff", role=Role.DIVISION_STAFF, department=city_dept)


@pytest.fixture
def city_legal(city_dept: Any) -> Any:
    return UserFactory(username="city_legal", role=Role.LEGAL_OFFICER, department=city_dept)


@pytest.fixture
def city_inspector(city_dept: Any) -> Any:
    return UserFactory(username="city_inspector", role=Role.INSPECTOR, department=city_dept)


@pytest.fixture
def county_staff(county_dept: Any) -> Any:
    return UserFactory(username="county_staff", role=Role.DIVISION_STAFF, department=county_dept)


@pytest.fixture
def peer_staff(peer_dept: Any) -> Any:
    return UserFactory(username="peer_staff", role=Role.DIVISION_STAFF, department=peer_dept)


@pytest.fixture
def justice_reviewer(city_justice: Any) -> Any:
    return UserFactory(username="justice", role=Role.JUSTICE_REVIEWER, department=city_justice)


@pytest.fixture
def oversight(city_business_env: Any) -> Any:
    return UserFactory(username="oversight", role=Role.OVERSIGHT, department=city_business_env)


@pytest.fixture
def outsider(other_province_dept: Any) -> Any:
    return UserFactory(username="outsider", role=Role.DEPARTMENT_ADMIN, department=other_province_dept)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Any:
    """The working-day cache lives in process memory; a test's rolled-back edits must not leak."""
    from jianguan.workdays.calendar import clear_cache

    clear_cache()
    yield
    clear_cache()


class Api(APIClient):
    def as_user(self, user: Any) -> Api:
        self.force_authenticate(user=user)
        return self


@pytest.fixture
def api() -> Api:
    return Api()


# ---------------------------------------------------------------- browser tests
# Playwright drives Debian's chromium (/usr/bin/chromium); Playwright's own browser download does
# not work here. Without the browser the tests skip locally; .ci/run installs it.
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]


def chromium_path() -> str | None:
    import os

    return next((p for p in CHROMIUM_CANDIDATES if os.path.exists(p)), None)


@pytest.fixture
def browser_page(live_server: Any) -> Any:
    import os

    path = chromium_path()
    if path is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
