"""Domain exceptions. Each carries a stable code and a message a person can act on.

One handler (core.api.errors) turns them into application/problem+json; HTML views show the
message beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    """One problem with one field (or one spreadsheet row and column)."""

    field: str
    message: str
    code: str = "invalid"
    row: int | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"field": self.field, "message": self.message, "code": self.code}
        if self.row is not None:
            data["row"] = self.row
        if self.value is not None:
            data["value"] = self.value
        return data


@dataclass
class DomainError(Exception):
    """Base of all business failures."""

    message: str
    code: str = "domain_error"
    errors: list[FieldError] = field(default_factory=list)
    status: int = 422
    title: str = "业务规则不允许此操作"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ValidationFailed(DomainError):
    """Input breaks a rule (HTTP 422)."""

    def __init__(self, message: str, *, code: str = "validation_failed", errors: list[FieldError] | None = None):
        super().__init__(message=message, code=code, errors=errors or [], status=422, title="输入不符合规则")

    @classmethod
    def for_field(cls, field_name: str, message: str, code: str = "invalid") -> ValidationFailed:
        return cls(message, code=code, errors=[FieldError(field=field_name, message=message, code=code)])


class IllegalTransition(DomainError):
    """A state change that the workflow does not allow (HTTP 409)."""

    def __init__(self, message: str, *, code: str = "illegal_transition"):
        super().__init__(message=message, code=code, status=409, title="当前状态不允许此操作")


class Conflict(DomainError):
    """The request conflicts with existing data (HTTP 409)."""

    def __init__(self, message: str, *, code: str = "conflict", errors: list[FieldError] | None = None):
        super().__init__(message=message, code=code, errors=errors or [], status=409, title="与现有数据冲突")


class OutOfScope(DomainError):
    """The object exists but is outside the user's scope; shown as 404 so nothing leaks."""

    def __init__(self, message: str = "未找到该记录", *, code: str = "not_found"):
        super().__init__(message=message, code=code, status=404, title="未找到")


class NotPermitted(DomainError):
    """The user can see the object but their role may not do this (HTTP 403)."""

    def __init__(self, message: str = "您的角色无权执行此操作", *, code: str = "permission_denied"):
        super().__init__(message=message, code=code, status=403, title="无权操作")
