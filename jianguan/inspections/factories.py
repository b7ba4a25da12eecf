"""Factories for visits, teams, records and disposals (rows written directly, in any state).

The workflow is tested through services. ``published_draw_rows`` and ``joint_round_rows`` write the
rows a published draw or a merged joint round leaves behind (selections, teams, merged visits), so that
``visits_create_from_draw`` can be tested without running a whole ceremony.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import factory
from django.utils import timezone

from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw, DrawSelection, DrawTeamMember, JointRound, JointVisit
from jianguan.inspections.choices import DisposalKind, RecordStatus, TeamRole, VisitStatus
from jianguan.inspections.models import (
    Disposal,
    InspectionRecord,
    Visit,
    VisitTeamMember,
    new_verification_code,
)


class VisitFactory(factory.django.DjangoModelFactory[Visit]):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    entity = factory.SubFactory("jianguan.entities.factories.EntityFactory")
    task = factory.SubFactory("jianguan.plans.factories.TaskFactory")
    department = factory.SelfAttribute("task.department")
    status = VisitStatus.SCHEDULED
    verification_code = factory.LazyFunction(new_verification_code)

    @factory.post_generation
    def items(obj: Visit, create: bool, extracted: Sequence[Any] | None, **kwargs: Any) -> None:
        if create:
            obj.items.set(extracted if extracted is not None else list(obj.task.items.all()))

    @factory.post_generation
    def departments(obj: Visit, create: bool, extracted: Sequence[Any] | None, **kwargs: Any) -> None:
        if create:
            obj.departments.set(extracted if extracted is not None else [obj.department])

    @factory.post_generation
    def team(obj: Visit, create: bool, extracted: Sequence[Any] | None, **kwargs: Any) -> None:
        """team=[inspector, …]: the first is the leader."""
        if create and extracted:
            for n, inspector in enumerate(extracted):
                VisitTeamMember.objects.create(
                    visit=obj, inspector=inspector, role=TeamRole.LEADER if n == 0 else TeamRole.MEMBER
                )


class InspectionRecordFactory(factory.django.DjangoModelFactory[InspectionRecord]):
    class Meta:
        model = InspectionRecord
        skip_postgeneration_save = True

    visit = factory.SubFactory(VisitFactory)
    item = factory.LazyAttribute(lambda r: r.visit.items.first())
    result_id = "no_problem"
    findings = "现场检查未发现问题"
    inspected_on = factory.LazyFunction(timezone.localdate)
    status = RecordStatus.ENTERED
    entered_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def inspectors(obj: InspectionRecord, create: bool, extracted: Sequence[Any] | None, **kwargs: Any) -> None:
        if create:
            obj.inspectors.set(extracted if extracted is not None else [
                m.inspector for m in obj.visit.team_members.all()[:2]
            ])


class DisposalFactory(factory.django.DjangoModelFactory[Disposal]):
    class Meta:
        model = Disposal

    record = factory.SubFactory(InspectionRecordFactory, result_id="pending_follow_up")
    department = factory.LazyAttribute(lambda d: d.record.visit.department)
    kind = DisposalKind.RECTIFY
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=15))
    description = "责令限期整改"


def published_draw_rows(task: Any, selections: Sequence[tuple[Any, Sequence[Any]]], *,
                        status: str = DrawStatus.PUBLISHED, number: int = 1) -> Draw:
    """A draw row of ``task`` in ``status`` with its selections: [(entity, [inspector, …]), …]."""
    now = timezone.now()
    draw = Draw.objects.create(
        task=task, department=task.department, year=task.window_start_on.year, number=number,
        reference=f"T{task.pk}-{number}-{now.timestamp():.0f}-{Draw.objects.count()}", status=status,
        scheduled_at=now, announced_at=now, executed_at=now, selected_count=len(selections),
        published_at=now if status == DrawStatus.PUBLISHED else None,
    )
    for rank, (entity, team) in enumerate(selections, start=1):
        DrawSelection.objects.create(draw=draw, entity=entity, grade=entity.credit_grade or "U",
                                     ticket=f"{rank:032x}", rank=rank)
        for order, inspector in enumerate(team, start=1):
            DrawTeamMember.objects.create(draw=draw, entity=entity, inspector=inspector, order=order)
    return draw


def joint_round_rows(plan: Any, lead: Any, draws: Sequence[Draw],
                     visits: Sequence[tuple[Any, Sequence[Any], Sequence[Any], Sequence[Any]]]) -> JointRound:
    """A merged joint round: visits = [(entity, [department, …], [item, …], [inspector, …]), …]."""
    now = timezone.now()
    joint = JointRound.objects.create(
        plan=plan, department=lead, reference=f"J{plan.pk}-{now.timestamp():.0f}-{JointRound.objects.count()}",
        visits_before=sum(len(v[1]) for v in visits), visits_after=len(visits),
        visits_saved=sum(len(v[1]) for v in visits) - len(visits), params={}, params_hash="0" * 64,
        merge_hash="0" * 64, dice_digits="123456", dice_witnesses=[], k_assign="0" * 32, record_path="",
        record_hash="0" * 64, merged_at=now,
    )
    joint.draws.set(draws)
    for order, (entity, departments, items, team) in enumerate(visits, start=1):
        JointVisit.objects.create(
            joint_round=joint, entity=entity, order=order, order_ticket=f"{order:032x}",
            item_codes=sorted(i.code for i in items), department_codes=sorted(d.code for d in departments),
            inspector_ids=[i.pk for i in team],
        )
    return joint
