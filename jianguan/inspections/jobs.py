"""Background jobs of the inspections app: the notices of a whole task, with progress."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

from jianguan.core.exceptions import DomainError
from jianguan.core.jobs import _run, set_progress
from jianguan.core.models import Job


@task()
def notice_batch_job(job_id: str) -> dict[str, Any]:
    """Generate the notice PDF of every visit listed on the job; a refused visit is reported, not fatal."""

    def body(job: Job) -> dict[str, Any]:
        from jianguan.inspections import services
        from jianguan.inspections.models import Visit

        user = get_user_model().objects.get(pk=job.created_by_id or 0)
        visit_ids: list[int] = list(job.params.get("visits") or [])
        base_url = job.params.get("base_url") or None
        failed: list[dict[str, Any]] = []
        notices: list[int] = []
        set_progress(job.pk, 0, len(visit_ids))
        visits = Visit.objects.filter(pk__in=visit_ids).select_related("entity").order_by("pk")
        for done, visit in enumerate(visits, start=1):
            try:
                notice = services.notice_generate(visit, by=user, base_url=base_url)
                notices.append(notice.pk)
            except DomainError as exc:
                failed.append({"visit": visit.pk, "entity": visit.entity.name, "message": exc.message})
            set_progress(job.pk, done, len(visit_ids))
        return {"ok": not failed, "generated": len(notices), "notices": notices, "failed": failed,
                "message": f"已生成 {len(notices)} 份告知书" + (f"，{len(failed)} 份失败" if failed else "")}

    return _run(job_id, body)
