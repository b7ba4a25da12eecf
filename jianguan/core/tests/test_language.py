from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_the_ui_is_chinese_even_for_an_english_browser(client: Any, city_staff: Any) -> None:
    client.force_login(city_staff)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "工作台" in response.content.decode()


def test_english_is_available_from_the_language_menu(client: Any, city_staff: Any) -> None:
    client.force_login(city_staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert "Dashboard" in response.content.decode()
    assert response["Content-Language"] == "en"
