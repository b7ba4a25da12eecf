"""Staff pages: publish from the task page, withhold with a reason, review objections, mark typical cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jianguan.disclosure import services
from jianguan.disclosure.choices import ObjectionStatus, PublicationStatus
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.models import Publication, TypicalCase
from jianguan.entities.factories import EntityFactory

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    web = Client()
    web.force_login(user)
    return web


def test_the_task_page_shows_the_deadline_and_publishes_all_reviewed_results(visit: Any, task: Any,
                                                                             city_staff: Any) -> None:
    web = login(city_staff)
    page = web.get(f"/public/manage/tasks/{task.pk}/").content.decode()
    assert "结果公示期限" in page and "已审核，待公示" in page and visit.entity.name in page
    response = web.post(f"/public/manage/tasks/{task.pk}/", {"action": "publish_all"})
    assert response.status_code == 302
    assert Publication.objects.get().status == PublicationStatus.PUBLISHED
    assert "已公示" in web.get(f"/public/manage/tasks/{task.pk}/").content.decode()


def test_publishing_an_unreviewed_task_shows_every_reason_and_publishes_nothing(task: Any, team: list[Any],
                                                                                city_staff: Any) -> None:
    reviewed_visit(task, EntityFactory.create(name="湘潭市未审核商行"), team, approved=False)
    response = login(city_staff).post(f"/public/manage/tasks/{task.pk}/", {"action": "publish_all"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "湘潭市未审核商行" in page and "尚未审核通过" in page
    assert not Publication.objects.exists()


def test_withholding_from_the_task_page_puts_the_error_beside_the_field(visit: Any, task: Any,
                                                                        city_staff: Any) -> None:
    web = login(city_staff)
    response = web.post(f"/public/manage/tasks/{task.pk}/", {"action": "withhold", "visit": visit.pk,
                                                             "reason": "trade_secret", "basis": ""})
    assert response.status_code == 422 and "该字段是必填项" in response.content.decode()
    response = web.post(f"/public/manage/tasks/{task.pk}/", {"action": "withhold", "visit": visit.pk,
                                                             "reason": "trade_secret", "basis": "涉及配方工艺"})
    assert response.status_code == 302
    assert Publication.objects.get().status == PublicationStatus.WITHHELD


def test_a_reader_sees_the_task_page_without_publish_buttons(visit: Any, task: Any, justice_reviewer: Any) -> None:
    web = login(justice_reviewer)
    page = web.get(f"/public/manage/tasks/{task.pk}/").content.decode()
    assert visit.entity.name in page and 'value="publish_all"' not in page
    assert web.post(f"/public/manage/tasks/{task.pk}/", {"action": "publish_all"}).status_code == 403


def test_the_division_head_reviews_an_objection_on_its_page(published: Any, city_admin: Any) -> None:
    line = published.results.order_by("position").last()
    objection = services.objection_file(
        uscc=published.entity.uscc, verification_code=published.visit.verification_code, result_id=line.pk,
        statement="现场已整改，请求更正。", contact_name="张经理", contact_phone="13912345678")
    web = login(city_admin)
    page = web.get(f"/public/manage/objections/{objection.pk}/").content.decode()
    assert "13912345678" in page and "提交处理结果" in page  # staff see the contact, the public never does
    missing = web.post(f"/public/manage/objections/{objection.pk}/", {"decision": "accept", "reason": "成立"})
    assert missing.status_code == 422 and "异议成立时须选择更正后的检查结果" in missing.content.decode()
    done = web.post(f"/public/manage/objections/{objection.pk}/",
                    {"decision": "accept", "reason": "经复核予以更正", "new_result_code": "no_problem"})
    assert done.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ACCEPTED


def test_staff_without_review_rights_see_no_review_form(published: Any, city_staff: Any) -> None:
    line = published.results.first()
    objection = services.objection_file(
        uscc=published.entity.uscc, verification_code=published.visit.verification_code, result_id=line.pk,
        statement="检查结果与事实不符，请求复核。", contact_name="张经理", contact_phone="13912345678")
    web = login(city_staff)
    assert "提交处理结果" not in web.get(f"/public/manage/objections/{objection.pk}/").content.decode()
    response = web.post(f"/public/manage/objections/{objection.pk}/", {"decision": "reject", "reason": "不成立"})
    assert response.status_code == 403


def test_marking_and_withdrawing_a_typical_case(published: Any, city_staff: Any) -> None:
    web = login(city_staff)
    bad = web.post(f"/public/manage/publications/{published.pk}/", {"action": "mark_case", "title": "案例",
                                                                     "summary": "太短"})
    assert bad.status_code == 422 and "至少 10 个字" in bad.content.decode()
    web.post(f"/public/manage/publications/{published.pk}/", {
        "action": "mark_case", "title": "某超市销售过期食品被责令改正",
        "summary": "检查发现该超市货架上有过期食品，已当场责令下架并改正。"})
    case = TypicalCase.objects.get()
    assert case.is_active
    web.post(f"/public/manage/publications/{published.pk}/", {"action": "withdraw_case", "case": case.pk})
    case.refresh_from_db()
    assert not case.is_active


def test_the_navigation_offers_publication_and_objection_pages(city_admin: Any) -> None:
    page = login(city_admin).get("/").content.decode()
    assert "结果公示" in page and "异议处理" in page and "待处理的异议" in page


def test_typical_cases_through_the_api(published: Any, city_staff: Any, peer_staff: Any) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user=peer_staff)
    data = {"publication": published.pk, "title": "典型案例标题", "summary": "检查发现问题并已依法责令改正。"}
    assert api.post("/api/v1/typical-cases/", data, format="json").status_code == 404
    api.force_authenticate(user=city_staff)
    created = api.post("/api/v1/typical-cases/", data, format="json")
    assert created.status_code == 201
    case = created.json()["id"]
    assert [c["id"] for c in api.get("/api/v1/typical-cases/").json()["results"]] == [case]
    assert api.post(f"/api/v1/typical-cases/{case}/withdraw/").json()["is_active"] is False
    api.force_authenticate(user=peer_staff)
    assert api.get("/api/v1/typical-cases/").json()["results"] == []
