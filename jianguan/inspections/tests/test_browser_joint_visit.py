"""In a real browser: an inspector enters the results of a joint visit, and the division head approves them."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.accounts.factories import DEFAULT_PASSWORD
from jianguan.inspections.choices import RecordStatus, VisitStatus
from jianguan.inspections.models import InspectionRecord
from jianguan.inspections.tests.helpers import deliver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_an_inspector_enters_a_joint_visit_and_the_division_head_approves(
    browser_page: Any, joint_visit: Any, items: list[Any], env_item: Any, inspector_a: Any, env_inspector: Any,
    city_inspector: Any, city_staff: Any, city_admin: Any, today: Any,
) -> None:
    deliver(joint_visit, city_staff)  # the notice reached the entity 49 hours ahead [003]
    page = browser_page

    sign_in(page, "city_inspector")
    page.click("text=我的检查")
    page.click(f"text={joint_visit.entity.name}")
    page.wait_for_selector("text=部门联合检查（进一次门、查多项事）")
    results = {items[0].pk: "no_problem", items[1].pk: "rectified", env_item.pk: "no_problem"}
    for item_pk, code in results.items():
        card = page.locator(f"#item-{item_pk}")
        prefix = f"item{item_pk}"
        card.locator(f"select[name={prefix}-result]").select_option(code)
        card.locator(f"textarea[name={prefix}-findings]").fill("现场检查，证照齐全")
        card.locator(f"input[name={prefix}-inspected_on]").fill(today.isoformat())
        for box in card.locator(f"input[name={prefix}-inspectors]").all():
            box.uncheck()
        card.locator(f"input[name={prefix}-inspectors][value='{inspector_a.pk}']").check()
        card.locator(f"input[name={prefix}-inspectors][value='{env_inspector.pk}']").check()
        card.locator("button[type=submit].primary").click()
        page.wait_for_selector(f"#item-{item_pk} .record-result")
    assert "发现问题已责令改正" in page.inner_text(f"#item-{items[1].pk} .record-result")
    page.click("#submit-area button[type=submit]")
    page.wait_for_selector("text=检查结果已提交审核")
    assert InspectionRecord.objects.filter(visit=joint_visit).count() == 3
    page.click("button.link")  # 退出

    sign_in(page, "city_admin")
    page.goto(f"/inspections/{joint_visit.pk}/")
    page.check("input[name=decision][value=approve]")
    page.fill("textarea[name=comments]", "检查记录完整，同意")
    page.click("text=提交审核结论")
    page.wait_for_selector("text=审核通过，检查记录已锁定")
    joint_visit.refresh_from_db()
    assert joint_visit.status == VisitStatus.REVIEWED
    assert set(InspectionRecord.objects.filter(visit=joint_visit).values_list("status", flat=True)) == {
        RecordStatus.APPROVED}
    assert "已审核" in page.inner_text(f"#item-{env_item.pk} .record-status")
