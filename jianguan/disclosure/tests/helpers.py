"""Helpers of the disclosure tests: a draw built and published through the real draws services."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from jianguan.draws import services as draw_services
from jianguan.entities.factories import EntityFactory
from jianguan.inspectors.factories import InspectorFactory
from jianguan.plans.choices import TaskStatus

ROOT = Path(__file__).resolve().parents[3]
VERIFIER = ROOT / "tools" / "verify_draw.py"


def body(response: Any) -> bytes:
    """The whole body of a response, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def run_verifier(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The verifier in a child process, inside ``folder`` (as a member of the public would run it): the copy
    that came in the bundle when there is one, otherwise tools/verify_draw.py."""
    script = folder / "verify_draw.py"
    return subprocess.run([sys.executable, str(script if script.exists() else VERIFIER), *args],
                          capture_output=True, text=True, check=False, cwd=folder)


def unzip(data: bytes, folder: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(folder)
        return sorted(zf.namelist())


def published_draw(task: Any, staff: Any, *, entities: int = 12, inspectors: int = 4) -> Any:
    """Entities and qualified inspectors in the task's department, then announce → freeze → two parties
    commit → seal → reveal → execute → publish, each step through the draws services."""
    dept = task.department
    domains = sorted({i.domain_id for i in task.items.all()})
    for n in range(entities):
        EntityFactory.create(department=dept, name=f"湘潭市抽取测试{n}号商行", credit_grade="ABCD"[n % 4],
                             legal_representative="欧阳修文")
    for _ in range(inspectors):
        InspectorFactory.create(department=dept, qualifications=domains)
    task.status = TaskStatus.READY
    task.save(update_fields=["status"])
    draw = draw_services.draw_announce(task=task, scheduled_at=timezone.now() + dt.timedelta(minutes=1), by=staff)
    draw = draw_services.draw_freeze(draw, by=staff)
    parties = [("政策法规处", "刘洋", "550914", "bce7dfb47e48c24b87370d85838dad57"),
               ("执法稽查科", "陈静", "738201", "c541aa463ce5e4ac2525398f0ded61ab")]
    for org, name, value, salt in parties:
        draw_services.witness_commit(draw, by=staff, name=name, organisation=org, value=value, salt=salt)
    draw = draw_services.draw_seal(draw, by=staff)
    for org, name, value, salt in parties:
        draw_services.witness_reveal(draw, by=staff, party=f"{org} {name}", value=value, salt=salt)
    draw = draw_services.draw_execute(draw, by=staff)
    return draw_services.draw_publish(draw, by=staff)
