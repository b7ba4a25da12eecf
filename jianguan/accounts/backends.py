"""Password login with lockout: after LOGIN_MAX_FAILURES wrong passwords the account is locked
for LOGIN_LOCK_MINUTES; the lock expires by itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from jianguan.accounts.models import User


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            # Same work as a real check, so that timing does not reveal which usernames exist.
            User().set_password(password)
            return None
        if user.is_locked:
            if request is not None:
                request.login_locked_until = user.locked_until  # type: ignore[attr-defined]
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        failures = user.failed_login_count + 1
        locked_until = None
        if failures >= settings.LOGIN_MAX_FAILURES:
            locked_until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
            failures = 0
            if request is not None:
                request.login_locked_until = locked_until  # type: ignore[attr-defined]
        User.objects.filter(pk=user.pk).update(failed_login_count=failures, locked_until=locked_until)
        return None
