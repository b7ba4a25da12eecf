"""Helpers of the inspection tests: notices delivered in time, record payloads, uploads by content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.inspections import services
from jianguan.inspections.choices import DeliveryMethod
from jianguan.workdays.calendar import is_working_day, working_days_after, working_days_between

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def upload(name: str, content: bytes, size: int | None = None) -> SimpleUploadedFile:
    """An upload with the given name and content; ``size`` pads it with zero bytes."""
    if size is not None:
        content = content + b"\x00" * (size - len(content))
    return SimpleUploadedFile(name, content)


def deliver(visit: Any, by: Any, *, hours_before: float = 49) -> Any:
    """Record a receipt ``hours_before`` the visit's start."""
    start = visit.scheduled_start_at
    return services.receipt_record(visit, by=by, data={
        "method": DeliveryMethod.ON_SITE, "delivered_at": start - dt.timedelta(hours=hours_before),
        "receiver_name": "刘洋",
    })


def record_data(item: Any, inspectors: list[Any], *, result: str = "no_problem", inspected_on: dt.date,
                **extra: Any) -> dict[str, Any]:
    return {"item": item, "result": result, "findings": "现场检查，证照齐全，台账完整", "inspected_on": inspected_on,
            "inspectors": inspectors, **extra}


def working_days_before(day: dt.date, n: int) -> dt.date:
    """The latest working day with n working days between it and ``day`` (n working days ago)."""
    current = day
    while working_days_between(current, day) < n or not is_working_day(current):
        current -= dt.timedelta(days=1)
    return current


def oldest_day_still_in_grace(today: dt.date, n: int) -> dt.date:
    """The earliest working day whose n-working-day grace period has not ended by ``today``."""
    best, current = today, today
    for _ in range(60):
        current -= dt.timedelta(days=1)
        if not is_working_day(current):
            continue
        if working_days_after(current, n) < today:
            return best
        best = current
    return best


def newest_day_past_grace(today: dt.date, n: int) -> dt.date:
    """The latest working day whose n-working-day grace period ended before ``today``."""
    current = oldest_day_still_in_grace(today, n) - dt.timedelta(days=1)
    while not is_working_day(current):
        current -= dt.timedelta(days=1)
    return current
