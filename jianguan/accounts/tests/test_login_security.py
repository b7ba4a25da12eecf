from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jianguan.accounts.factories import DEFAULT_PASSWORD
from jianguan.accounts.models import User
from jianguan.accounts.services import token_create
from jianguan.core.exceptions import ValidationFailed
from jianguan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_production_settings_hash_passwords_with_argon2() -> None:
    import config.settings as production_like

    assert production_like.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_good_login_is_audited(client: Client, city_staff: User) -> None:
    response = _login(client, "city_staff", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login.succeeded", actor_id=city_staff.pk).exists()


def test_a_failed_login_is_audited_with_the_username(client: Client, city_staff: User) -> None:
    _login(client, "city_staff", "wrong")
    assert AuditEvent.objects.filter(action="login.failed", actor_username="city_staff").exists()


def test_five_failures_lock_the_account_even_against_the_right_password(client: Client, city_staff: User, settings: Any) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _login(client, "city_staff", "wrong")
    response = _login(client, "city_staff", DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert "已锁定" in response.content.decode()
    assert User.objects.get(pk=city_staff.pk).is_locked


def test_the_lock_expires_by_itself(client: Client, city_staff: User) -> None:
    User.objects.filter(pk=city_staff.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert _login(client, "city_staff", DEFAULT_PASSWORD).status_code == 302


def test_an_idle_session_is_ended(client: Client, city_staff: User, settings: Any) -> None:
    client.force_login(city_staff)
    assert client.get(reverse("core:dashboard")).status_code == 200
    session = client.session
    session["_last_seen"] = int(timezone.now().timestamp()) - settings.SESSION_IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_pages_need_a_login(client: Client) -> None:
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302


def test_a_simple_password_is_refused(city_dept: Any) -> None:
    from jianguan.accounts.services import user_create

    with pytest.raises(ValidationFailed, match="至少 3 类"):
        user_create(by=None, username="weak", password="abcdefghijkl", role="division_staff", department=city_dept)


def test_forms_are_csrf_protected(city_staff: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "city_staff", "password": DEFAULT_PASSWORD})
    assert response.status_code == 403


def test_api_token_authenticates_and_a_revoked_one_does_not(city_staff: User) -> None:
    from rest_framework.test import APIClient

    token, raw = token_create(user=city_staff, name="对接", expires_at=None, by=city_staff)
    client = APIClient()
    assert client.get("/api/v1/departments/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    response = client.get("/api/v1/departments/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
