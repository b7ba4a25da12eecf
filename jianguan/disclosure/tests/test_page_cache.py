"""The cached public entity page: a repeat visit costs no query, and a change shows on the next visit.

Every change goes through the real services; the invalidation runs when the transaction commits, which
these tests either capture and run (``django_capture_on_commit_callbacks``) or, in the last test, reach
for real with a committing database.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from jianguan.disclosure import pagecache, services
from jianguan.disclosure.choices import WithholdReason
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.tests.conftest import ENTITY_NAME

pytestmark = pytest.mark.django_db

NOTHING = "暂无公示的抽查检查结果"


@pytest.fixture
def web() -> Client:
    return Client()


def page(web: Client, entity: Any) -> str:
    response = web.get(f"/public/entities/{entity.uscc}/")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_repeat_visit_is_served_from_the_cache_without_a_query(web: Client, published: Any,
                                                                 django_assert_num_queries: Any) -> None:
    first = page(web, published.entity)
    with django_assert_num_queries(0):
        again = page(web, published.entity)
    assert again == first and "发现问题已责令改正" in again
    # Lower-case in the address: the same entity, the same cached page.
    with django_assert_num_queries(0):
        assert web.get(f"/public/entities/{published.entity.uscc.lower()}/").content.decode() == first


def test_a_publication_shows_on_the_next_visit(web: Client, visit: Any, city_staff: Any,
                                               django_capture_on_commit_callbacks: Any) -> None:
    assert NOTHING in page(web, visit.entity)  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_publish(visit, by=city_staff)
    after = page(web, visit.entity)
    assert NOTHING not in after and "发现问题已责令改正" in after


def test_a_withheld_result_leaves_the_page_at_once_and_a_released_one_returns(
        web: Client, published: Any, city_staff: Any, django_capture_on_commit_callbacks: Any) -> None:
    assert "发现问题已责令改正" in page(web, published.entity)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_withhold(published, by=city_staff, reason=WithholdReason.TRADE_SECRET, basis="商业秘密")
    assert NOTHING in page(web, published.entity)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_release(published, by=city_staff)
    assert "发现问题已责令改正" in page(web, published.entity)


def test_an_objection_outcome_and_its_correction_show_at_once(web: Client, published: Any, city_admin: Any,
                                                              django_capture_on_commit_callbacks: Any) -> None:
    line = published.results.order_by("position").last()
    objection = services.objection_file(
        uscc=published.entity.uscc, verification_code=published.visit.verification_code, result_id=line.pk,
        statement="现场已整改完毕，请求更正检查结果。", contact_name="张经理", contact_phone="13912345678")
    before = page(web, published.entity)
    assert "现场已整改完毕，请求更正检查结果。" not in before  # a pending objection is not public
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_review(objection, by=city_admin, accept=True, reason="经复核予以更正",
                                  new_result_code="no_problem")
    after = page(web, published.entity)
    assert "现场已整改完毕，请求更正检查结果。" in after and "经复核予以更正" in after and "已更正" in after


def test_the_page_is_cached_per_language(web: Client, published: Any) -> None:
    assert "登记信息" in page(web, published.entity)
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(web, published.entity)
    assert "Registration details" in english and "登记信息" not in english


def test_a_page_rendered_from_data_older_than_an_invalidation_is_never_served(
        published: Any, django_capture_on_commit_callbacks: Any) -> None:
    """The race: a page read before a change commits, stored after its invalidation, must not be served."""
    uscc = published.entity.uscc
    cached, token = pagecache.lookup(uscc, "zh-hans")
    assert cached is None and token is not None
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.invalidate([uscc])
    pagecache.store(uscc, "zh-hans", token, b"old page")
    assert pagecache.lookup(uscc, "zh-hans")[0] is None
    _, current = pagecache.lookup(uscc, "zh-hans")
    pagecache.store(uscc, "zh-hans", current, b"new page")
    assert pagecache.lookup(uscc, "zh-hans")[0] == b"new page"


def test_an_invalidation_waits_for_the_commit(published: Any, django_capture_on_commit_callbacks: Any) -> None:
    uscc = published.entity.uscc
    _, token = pagecache.lookup(uscc, "zh-hans")
    pagecache.store(uscc, "zh-hans", token, b"page")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.invalidate([uscc])
        assert pagecache.lookup(uscc, "zh-hans")[0] == b"page"  # not committed yet
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_a_committing_database_publication_and_withholding_show_at_once(
        web: Client, task: Any, entity: Any, team: list[Any], city_staff: Any) -> None:
    visit = reviewed_visit(task, entity, team, results=["no_problem", "rectified"])
    assert NOTHING in page(web, entity)
    publication = services.publication_publish(visit, by=city_staff)
    shown = page(web, entity)
    assert ENTITY_NAME in shown and "发现问题已责令改正" in shown
    services.publication_withhold(publication, by=city_staff, reason=WithholdReason.PERSONAL_PRIVACY, basis="个人隐私")
    assert NOTHING in page(web, entity)
