"""A person signs in with a real browser and finds the Chinese UI."""

from typing import Any

import pytest

from jianguan.accounts.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_sign_in_and_see_their_department_list(browser_page: Any, city_staff: Any) -> None:
    page = browser_page
    page.goto("/")
    page.fill("#id_username", "city_staff")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "工作台" in page.content()
    page.click("text=监管部门")
    page.wait_for_selector("table")
    assert "湘潭市市场监督管理局" in page.inner_text("table")


def test_a_wrong_password_shows_a_chinese_error(browser_page: Any, city_staff: Any) -> None:
    page = browser_page
    page.goto("/accounts/login/")
    page.fill("#id_username", "city_staff")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".error-box")
