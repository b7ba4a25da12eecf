"""One place turns every API error into application/problem+json (RFC 9457)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from jianguan.core import audit
from jianguan.core.exceptions import DomainError

PROBLEM = "application/problem+json"


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested error dict as a flat list of {field, message, code}."""
    out: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out.extend(_flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix)))
    elif isinstance(detail, list):
        for i, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, exceptions.ErrorDetail):
                out.extend(_flatten(value, f"{prefix}[{i}]"))
            else:
                out.extend(_flatten(value, prefix))
    else:
        out.append({"field": prefix, "message": str(detail), "code": getattr(detail, "code", "invalid")})
    return out


def problem_response(
    *, status_code: int, title: str, detail: str, code: str, errors: list[dict[str, Any]] | None = None,
    instance: str = "",
) -> Response:
    body: dict[str, Any] = {
        "type": f"https://jianguan.example/problems/{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, DomainError):
        return problem_response(
            status_code=exc.status, title=exc.title, detail=exc.message, code=exc.code,
            errors=[e.as_dict() for e in exc.errors], instance=instance,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到该记录")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.PermissionDenied) and request is not None:
        user = getattr(request, "user", None)
        audit.record(actor=user, action="permission.denied", target_type="api", target_id="",
                     target_repr=instance[:300], after={"method": request.method})
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = errors[0] if errors else {"field": "", "message": "输入无效"}
        label = f"{first['field']}: " if first.get("field") else ""
        return problem_response(
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY if response.status_code == 400 else response.status_code,
            title="输入不符合规则", detail=f"{label}{first['message']}", code="validation_failed",
            errors=errors, instance=instance,
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    titles = {401: "未认证", 403: "无权操作", 404: "未找到", 405: "方法不允许", 429: "请求过于频繁"}
    problem = problem_response(
        status_code=response.status_code, title=titles.get(response.status_code, "请求错误"),
        detail=str(detail), code=code if isinstance(code, str) else "error", instance=instance,
    )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem
