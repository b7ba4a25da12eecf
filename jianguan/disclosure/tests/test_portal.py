"""The public portal: search, the entity dossier, announcements, notice verification, exposure board, open data.

Everything here is fetched anonymously. The legal representative's full name (欧阳修文) must never
appear in any public output; the masked form (欧阳**) does.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jianguan.disclosure import services
from jianguan.disclosure.choices import WithholdReason
from jianguan.disclosure.factories import TypicalCaseFactory
from jianguan.disclosure.tests.conftest import ENTITY_NAME, LEGAL_REP
from jianguan.disclosure.tests.helpers import body
from jianguan.entities.factories import EntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web() -> Client:
    return Client()


def html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_home_page_needs_no_login_and_uses_the_light_base(web: Client, published: Any) -> None:
    page = html(web.get("/public/"))
    assert "双随机、一公开 公示平台" in page and ENTITY_NAME in page
    assert 'class="sidebar"' not in page and "core/app.css" in page and "disclosure/portal.css" in page


def test_search_by_a_name_fragment_finds_the_entity(web: Client, published: Any) -> None:
    EntityFactory.create(name="长沙市不相干的公司")
    page = html(web.get("/public/search/", {"q": "示范超市"}))
    assert ENTITY_NAME in page and "长沙市不相干的公司" not in page
    assert "找到 1 户" in page


def test_search_by_a_full_code_goes_straight_to_the_entity(web: Client, published: Any) -> None:
    response = web.get("/public/search/", {"q": published.entity.uscc.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosure:portal-entity", args=[published.entity.uscc])


def test_search_by_a_code_prefix_lists_the_matching_entities(web: Client, entity: Any) -> None:
    other = EntityFactory.create(name="另一家")
    page = html(web.get("/public/search/", {"q": entity.uscc[:12]}))
    assert entity.name in page
    assert (other.name in page) == other.uscc.startswith(entity.uscc[:12])


def test_a_one_character_search_asks_for_more(web: Client, entity: Any) -> None:
    assert "请至少输入" in html(web.get("/public/search/", {"q": "超"}))


def test_search_results_are_paged(web: Client, city_dept: Any) -> None:
    for n in range(25):
        EntityFactory.create(name=f"湘潭市分页测试{n:02d}号店")
    first = html(web.get("/public/search/", {"q": "分页测试"}))
    second = html(web.get("/public/search/", {"q": "分页测试", "page": "2"}))
    assert "第 1 / 2 页" in first and "第 2 / 2 页" in second
    assert first.count('class="name"') == 20 and second.count('class="name"') == 5


def test_the_entity_page_shows_registration_facts_and_every_published_inspection(web: Client, published: Any,
                                                                                 team: list[Any]) -> None:
    page = html(web.get(f"/public/entities/{published.entity.uscc}/"))
    assert ENTITY_NAME in page and published.entity.uscc in page
    assert "发现问题已责令改正" in page and "未发现问题" in page
    assert published.authority in page and published.task_name in page
    assert team[0].certificate_no in page and team[0].name in page
    assert "13800000001" not in page  # inspector phones never


def test_the_legal_representative_is_masked_on_every_public_page(web: Client, published: Any,
                                                                 city_admin: Any) -> None:
    TypicalCaseFactory.create(publication=published, department=published.department)
    uscc = published.entity.uscc
    pages = [
        "/public/", f"/public/search/?q={uscc}&page=1", "/public/search/?q=示范超市", f"/public/entities/{uscc}/",
        f"/public/results/{published.pk}/", "/public/exposure/", f"/public/verify/{published.visit.verification_code}/",
        f"/public/departments/{published.department_id}/", "/public/open-data/results.csv",
        "/public/open-data/results.json",
    ]
    for url in pages:
        response = web.get(url)
        assert response.status_code == 200, url
        assert LEGAL_REP not in body(response).decode(), url
    assert "欧阳**" in html(web.get(f"/public/entities/{uscc}/"))


def test_a_withheld_result_is_not_on_the_portal(web: Client, visit: Any, city_staff: Any) -> None:
    pub = services.publication_withhold(visit, by=city_staff, reason=WithholdReason.STATE_SECRET, basis="涉密")
    page = html(web.get(f"/public/entities/{visit.entity.uscc}/"))
    assert "暂无公示的抽查检查结果" in page
    assert web.get(f"/public/results/{pub.pk}/").status_code == 404


def test_an_unknown_entity_is_a_404(web: Client) -> None:
    assert web.get("/public/entities/91430300MA4L000000/").status_code == 404


def test_department_announcements_list_items_plans_tasks_and_results(web: Client, published: Any,
                                                                     task: Any) -> None:
    assert published.department.name in html(web.get("/public/departments/"))
    page = html(web.get(f"/public/departments/{published.department_id}/"))
    for item in task.items.all():
        assert item.code in page
    assert task.plan.title in page and task.name in page and ENTITY_NAME in page
    plan_page = html(web.get(f"/public/plans/{task.plan_id}/"))
    assert task.name in plan_page


def test_the_verify_page_resolves_a_notice_code_to_the_visit(web: Client, visit: Any, team: list[Any]) -> None:
    page = html(web.get(f"/public/verify/{visit.verification_code}/"))
    assert ENTITY_NAME in page and visit.task.name in page and team[1].certificate_no in page
    assert "抽取记录尚未公示" in page
    assert web.get("/public/verify/ZZZZZZZZ/").status_code == 404


def test_the_exposure_board_shows_active_typical_cases_only(web: Client, published: Any, city_staff: Any) -> None:
    case = services.typical_case_mark(published, by=city_staff, title="某超市未按规定公示信息被责令改正",
                                      summary="检查发现该超市未按规定公示食品经营许可信息，已责令改正。")
    assert case.title in html(web.get("/public/exposure/"))
    assert ENTITY_NAME in html(web.get(f"/public/exposure/{case.pk}/"))
    services.typical_case_withdraw(case, by=city_staff)
    assert case.title not in html(web.get("/public/exposure/"))
    assert web.get(f"/public/exposure/{case.pk}/").status_code == 404


def test_open_data_downloads_are_streamed_csv_and_json(web: Client, published: Any) -> None:
    response = web.get("/public/open-data/results.csv")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert rows[0][:2] == ["统一社会信用代码", "企业名称"] and len(rows) == 3
    assert {r[10] for r in rows[1:]} == {"未发现问题", "发现问题已责令改正"}
    data = json.loads(body(web.get("/public/open-data/results.json")))
    assert [r["uscc"] for r in data["results"]] == [published.entity.uscc] * 2


def test_open_data_can_be_filtered(web: Client, published: Any) -> None:
    response = web.get("/public/open-data/results.json", {"department": published.department_id + 1000})
    assert json.loads(body(response))["results"] == []
    assert web.get("/public/open-data/results.csv", {"since": "yesterday"}).status_code == 404


def test_anonymous_cannot_reach_staff_pages(web: Client, published: Any, task: Any) -> None:
    for url in ["/public/manage/", f"/public/manage/tasks/{task.pk}/", "/public/manage/publications/",
                f"/public/manage/publications/{published.pk}/", "/public/manage/objections/"]:
        response = web.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url
    assert web.post(f"/public/manage/tasks/{task.pk}/", {"action": "publish_all"}).status_code == 302


def test_an_enterprise_files_an_objection_from_the_portal_and_sees_the_outcome(web: Client, published: Any,
                                                                              city_admin: Any) -> None:
    code = published.visit.verification_code
    step1 = web.post("/public/objections/new/", {"uscc": published.entity.uscc, "verification_code": code.lower()})
    assert "提出异议的检查结果" in html(step1)
    line = published.results.order_by("position").last()
    response = web.post("/public/objections/new/", {
        "step": "file", "uscc": published.entity.uscc, "verification_code": code, "result": line.pk,
        "statement": "现场已整改完毕，请求更正为未发现问题。", "contact_name": "张经理", "contact_phone": "13912345678",
    })
    assert response.status_code == 302
    receipt = html(web.get(response["Location"]))
    assert "待处理" in receipt and "13912345678" not in receipt
    objection = published.objections.get()
    services.objection_review(objection, by=city_admin, accept=True, reason="经复核，现场已整改，予以更正",
                              new_result_code="no_problem")
    page = html(web.get(f"/public/entities/{published.entity.uscc}/"))
    assert "现场已整改完毕，请求更正为未发现问题。" in page and "经复核，现场已整改，予以更正" in page
    assert "已更正" in page and "13912345678" not in page and "张经理" not in page


def test_the_objection_form_refuses_a_wrong_code_beside_the_field(web: Client, published: Any) -> None:
    response = web.post("/public/objections/new/", {"uscc": published.entity.uscc, "verification_code": "WRONG234"})
    assert response.status_code == 422 and "核验码不匹配" in response.content.decode()


def test_pages_are_accessible_landmarks_labels_and_language(web: Client, published: Any) -> None:
    page = html(web.get(f"/public/entities/{published.entity.uscc}/"))
    assert '<html lang="zh-Hans">' in page and 'href="#main"' in page and '<main id="main"' in page
    assert page.count("<h1>") == 1 and "<caption" in page and 'scope="col"' in page
    search = html(web.get("/public/search/"))
    assert '<label for="id_q">' in search and 'role="search"' in search


def test_the_entity_page_costs_the_same_queries_however_many_inspections(web: Client, published: Any,
                                                                         city_dept: Any,
                                                                         django_assert_num_queries: Any) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jianguan.disclosure.factories import PublicationFactory, PublishedResultFactory

    url = f"/public/entities/{published.entity.uscc}/"
    with CaptureQueriesContext(connection) as one:
        web.get(url)
    for _ in range(3):
        PublishedResultFactory.create(publication=PublicationFactory.create(entity=published.entity,
                                                                            department=city_dept))
    cache.clear()  # the cost of rendering, not of the cached page (factories bypass the services' invalidation)
    with django_assert_num_queries(len(one.captured_queries)):
        page = html(web.get(url))
    assert page.count('<article class="inspection"') == 4


def test_department_results_are_paged_without_a_count(web: Client, city_dept: Any) -> None:
    from jianguan.disclosure.factories import PublicationFactory

    entity = EntityFactory.create(name="湘潭市翻页商行")
    for _ in range(21):
        PublicationFactory.create(entity=entity, department=city_dept)
    first = html(web.get(f"/public/departments/{city_dept.pk}/"))
    assert "第 1 页" in first and "?page=2" in first and first.count("湘潭市翻页商行") == 20
    assert html(web.get(f"/public/departments/{city_dept.pk}/", {"page": "2"})).count("湘潭市翻页商行") == 1


def test_public_pages_may_be_cached_briefly_but_the_objection_form_never(web: Client, published: Any) -> None:
    assert web.get(f"/public/entities/{published.entity.uscc}/")["Cache-Control"] == "public, max-age=60"
    assert web.get("/public/objections/new/")["Cache-Control"] == "no-store"
