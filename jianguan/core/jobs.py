"""Background jobs with visible progress, on Django's tasks API (django-tasks).

Progress goes to the cache, not the job row: a long import holds one database transaction, and a
row written inside it would not be visible until the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from jianguan.core import audit, tabular
from jianguan.core.models import Job, JobStatus

# name -> factory of TableSpec; each registry app registers its specs in AppConfig.ready().
TABLE_SPECS: dict[str, Callable[[], tabular.TableSpec]] = {}


def register_table_spec(name: str, factory: Callable[[], tabular.TableSpec]) -> None:
    TABLE_SPECS[name] = factory


def _key(job_id: Any) -> str:
    return f"jianguan:job:{job_id}"


def set_progress(job_id: Any, done: int, total: int | None = None) -> None:
    cache.set(_key(job_id), {"done": done, "total": total}, 24 * 3600)


def job_state(job: Job) -> dict[str, Any]:
    live = cache.get(_key(job.pk)) or {}
    done = max(job.progress_done, int(live.get("done") or 0))
    total = live.get("total") or job.progress_total
    percent = 100 if job.status == JobStatus.SUCCEEDED else (min(99, int(done * 100 / total)) if total else 0)
    return {"status": job.status, "done": done, "total": total, "percent": percent}


def job_create(*, kind: str, title: str, by: Any, params: dict[str, Any], total: int = 0) -> Job:
    """Create a job row; the caller enqueues the task."""
    job = Job.objects.create(kind=kind, title=title, created_by_id=by.pk, params=params, progress_total=total)
    audit.record(actor=by, action="job.created", target=job, after={"kind": kind, "params": params})
    return job


def job_visible_to(user: Any) -> Any:
    if getattr(user, "is_superuser", False):
        return Job.objects.all()
    return Job.objects.filter(created_by_id=user.pk)


def _run(job_id: str, body: Callable[[Job], dict[str, Any]]) -> dict[str, Any]:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        result = body(job)
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        raise
    state = cache.get(_key(job.pk)) or {}
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED if result.get("ok", True) else JobStatus.FAILED,
        result=result,
        progress_done=int(state.get("done") or 0),
        finished_at=timezone.now(),
    )
    return result


def import_file(spec_name: str, path: str, filename: str, user: Any, job_id: str | None = None) -> tabular.ImportReport:
    spec = TABLE_SPECS[spec_name]()
    with default_storage.open(path, "rb") as fh:
        progress = (lambda n: set_progress(job_id, n)) if job_id else None
        return tabular.run_import(spec, fh, filename, user=user, progress=progress)  # type: ignore[arg-type]


@task()
def import_job(job_id: str) -> dict[str, Any]:
    """Run a registry import in the background and keep its report on the job."""

    def body(job: Job) -> dict[str, Any]:
        user = get_user_model().objects.get(pk=job.created_by_id or 0)
        report = import_file(job.params["spec"], job.params["path"], job.params["filename"], user, job_id)
        return report.as_dict()

    return _run(job_id, body)


def start_import(spec_name: str, upload: UploadedFile, *, by: Any) -> tuple[tabular.ImportReport | None, Job | None]:
    """Small files import at once; big ones become a job with progress. Returns (report, job)."""
    if upload.size is not None and upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        report = tabular.ImportReport(ok=False, error_count=1,
                                      message=f"导入失败：文件超过 {settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB 上限")
        return report, None
    filename = os.path.basename(upload.name or "upload.csv")
    rows = tabular.count_data_rows(upload.file, filename)  # type: ignore[arg-type]
    if rows <= settings.IMPORT_BACKGROUND_ROWS:
        report = tabular.run_import(TABLE_SPECS[spec_name](), upload.file, filename, user=by)  # type: ignore[arg-type]
        return report, None
    path = default_storage.save(f"imports/{timezone.now():%Y%m%d}/{filename}", upload)
    job = job_create(kind="import", title=f"导入 {filename}", by=by,
                     params={"spec": spec_name, "path": path, "filename": filename}, total=rows)
    transaction.on_commit(lambda: import_job.enqueue(job_id=str(job.pk)))
    return None, job
