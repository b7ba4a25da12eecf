"""Users (with one role and one department), API tokens."""

from __future__ import annotations

import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianguan.accounts.roles import REGION_WIDE_READERS, ROLE_PERMISSIONS, Role
from jianguan.core.scoping import UserScope


class User(AbstractUser):
    """A person who signs in: staff of one department, with one role."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, default=Role.DIVISION_STAFF)
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("所属部门"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="platform_admin") | models.Q(department__isnull=False),
                name="accounts_user_department_required",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def scope(self) -> UserScope:
        if not self.is_active:
            return UserScope()
        if self.role == Role.PLATFORM_ADMIN or self.is_superuser:
            return UserScope(unrestricted=True)
        dept = self.department
        if dept is None:
            return UserScope()
        return UserScope(
            department_id=dept.pk,
            department_level=dept.level,
            region_prefix=dept.jurisdiction_prefix,
            reads_whole_region=self.role in REGION_WIDE_READERS,
            permissions=ROLE_PERMISSIONS.get(self.role, frozenset()),
        )

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A token for system-to-system API calls. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=80)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def generate() -> str:
        return "jg_" + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
