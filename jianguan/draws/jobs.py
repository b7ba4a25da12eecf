"""Large draws run in the background (django-tasks) with progress on the draw page (core.jobs: Job + cache).

Freezing or executing a population above DRAW_BACKGROUND_ROWS becomes a job; the page polls its state.
"""

from __future__ import annotations

from typing import Any, Final

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task

from jianguan.core.exceptions import DomainError
from jianguan.core.jobs import _run, job_create, set_progress
from jianguan.core.models import Job
from jianguan.draws import services
from jianguan.draws.models import Draw
from jianguan.plans.selectors import task_entities

DRAW_BACKGROUND_ROWS: Final[int] = int(getattr(settings, "DRAW_BACKGROUND_ROWS", 50_000))
STEPS = {"freeze": (services.draw_freeze, "冻结名单"), "execute": (services.draw_execute, "执行抽取")}


def is_large(draw: Draw, step: str) -> bool:
    """Whether this step of this draw should run in the background."""
    if step == "execute":
        return draw.snapshot_rows > DRAW_BACKGROUND_ROWS
    return task_entities(draw.task).count() > DRAW_BACKGROUND_ROWS


@task()
def draw_step_job(job_id: str) -> dict[str, Any]:
    """Run one ceremony step of a large draw; a refusal (409/422) becomes the job's failed result."""

    def body(job: Job) -> dict[str, Any]:
        user = get_user_model().objects.get(pk=job.created_by_id or 0)
        draw = Draw.objects.get(pk=job.params["draw_id"])
        fn, label = STEPS[job.params["step"]]
        try:
            fn(draw, by=user, progress=lambda done, total: set_progress(job_id, done, total))
        except DomainError as exc:
            return {"ok": False, "message": f"{label}未完成：{exc.message}", "errors": []}
        return {"ok": True, "message": f"{label}已完成"}

    return _run(job_id, body)


def start_step(draw: Draw, step: str, *, by: Any) -> Job:
    """Create the job and enqueue it after commit; the caller has checked the permission."""
    _, label = STEPS[step]
    job = job_create(kind=f"draw.{step}", title=f"{draw.reference} {label}", by=by,
                     params={"draw_id": draw.pk, "step": step}, total=4)
    transaction.on_commit(lambda: draw_step_job.enqueue(job_id=str(job.pk)))
    return job
