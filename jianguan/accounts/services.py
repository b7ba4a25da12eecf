"""Writes to accounts: users and API tokens, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jianguan.accounts.models import ApiToken, User, hash_token
from jianguan.accounts.roles import Role
from jianguan.core import audit
from jianguan.core.exceptions import ValidationFailed


@transaction.atomic
def user_create(
    *, by: Any, username: str, password: str, role: str, department: Any = None, display_name: str = "",
    check_password: bool = True,
) -> User:
    """Create a user; the password must pass the password rules."""
    if role != Role.PLATFORM_ADMIN and department is None:
        raise ValidationFailed.for_field("department", "除平台管理员外，每个用户必须属于一个部门")
    user = User(username=username, role=role, department=department, display_name=display_name,
                is_staff=role == Role.PLATFORM_ADMIN, is_superuser=role == Role.PLATFORM_ADMIN)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed.for_field("password", "；".join(exc.messages), "weak_password") from None
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit.record(actor=by, action="user.created", target=user,
                 after={"username": username, "role": role, "department_id": getattr(department, "pk", None)})
    return user


@transaction.atomic
def token_create(*, user: User, name: str, expires_at: dt.datetime | None, by: Any) -> tuple[ApiToken, str]:
    """Issue a token; returns the row and the raw value, which is never stored."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:11], key_hash=hash_token(raw), expires_at=expires_at)
    audit.record(actor=by, action="token.created", target=token, after={"name": name, "user_id": user.pk})
    return token, raw


@transaction.atomic
def token_revoke(token: ApiToken, /, *, by: Any) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=by, action="token.revoked", target=token)
    return token
