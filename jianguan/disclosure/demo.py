"""Demo publications built through the real services: every reviewed demo visit is published (一公开), and the
first result that found a problem goes on the exposure board as a typical case.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jianguan.core.scoping import scope_of
from jianguan.disclosure import services
from jianguan.disclosure.models import Publication, PublishedResult, TypicalCase
from jianguan.inspections.choices import RecordStatus, VisitStatus
from jianguan.inspections.models import Visit


@transaction.atomic
def seed_publications(*, by: Any) -> int:
    """Publish the reviewed, not yet published visits that ``by`` may publish; returns how many were published.

    Only visits whose every record the division head approved are taken (publication without review is
    refused by the service anyway). Idempotent: a second run publishes nothing new and marks no second case.
    """
    scope = scope_of(by)
    visits = (Visit.objects.filter(status=VisitStatus.REVIEWED, publication__isnull=True, records__isnull=False)
              .exclude(records__status__in=[RecordStatus.ENTERED, RecordStatus.RETURNED])
              .distinct().order_by("pk"))
    if not scope.unrestricted:
        visits = visits.filter(department_id=scope.department_id)
    published = [services.publication_publish(v, by=by) for v in visits]
    if not TypicalCase.objects.exists():
        line = (PublishedResult.objects.filter(is_problem=True, publication__status="published")
                .select_related("publication", "publication__entity").order_by("publication_id", "position").first())
        if line is not None and _may_edit(line.publication, by):
            entity = line.publication.entity
            services.typical_case_mark(
                line.publication, by=by, title=f"{entity.name}{line.item_name}：{line.result_label}",
                summary=(f"{line.publication.authority}在{line.publication.task_name}中对{entity.name}开展检查，"
                         f"发现{line.item_name}方面存在问题，检查结果为“{line.result_label}”，已依法处理。"),
            )
    return len(published)


def _may_edit(publication: Publication, by: Any) -> bool:
    return Publication.objects.editable_by(by).filter(pk=publication.pk).exists()
