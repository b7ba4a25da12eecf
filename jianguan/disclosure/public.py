"""Reads for the public portal, the open data and the public API: anonymous, and only what is published.

Every query here is bounded and indexed (entity by credit code, publications by entity, lines by
publication), so that a page costs a handful of queries at 10⁶ entities and 3×10⁶ results. Personal
data never leaves through here: the legal representative is masked, inspector phones are never read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from jianguan.catalog.models import InspectionItem
from jianguan.catalog.selectors import public_item_list
from jianguan.core.exceptions import OutOfScope
from jianguan.core.scoping import get_visible
from jianguan.disclosure.choices import REVIEWED_OBJECTION_STATUSES, PublicationStatus
from jianguan.disclosure.drawrecord import RecordView, parse_record
from jianguan.disclosure.models import (
    DrawDisclosure,
    Objection,
    Publication,
    PublishedResult,
    ResultCorrection,
    TypicalCase,
)
from jianguan.draws import files as draw_files
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw, DrawSelection, DrawTeamMember, DrawWitness
from jianguan.entities.models import Entity
from jianguan.inspections.models import Visit, VisitTeamMember
from jianguan.inspectors.models import Inspector
from jianguan.organizations.models import Department
from jianguan.plans.choices import PlanStatus, TaskStatus
from jianguan.plans.models import Plan, Task

# Plans and tasks the public sees: published, and everything after ([003] plans are published).
PUBLIC_PLAN_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.IN_PROGRESS, PlanStatus.CLOSED)
PUBLIC_TASK_STATUSES = (TaskStatus.DRAWN, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED)


# ---------------------------------------------------------------- the entity dossier (一企一档)


@dataclass
class PublicResult:
    """One published line with its corrections and reviewed objections, as the public sees it."""

    line: PublishedResult
    corrections: list[ResultCorrection] = field(default_factory=list)
    objections: list[Objection] = field(default_factory=list)


@dataclass
class PublicInspection:
    """One published inspection of an entity."""

    publication: Publication
    results: list[PublicResult]

    @property
    def has_problem(self) -> bool:
        return any(r.line.is_problem for r in self.results)


def published_publications() -> QuerySet[Publication]:
    return Publication.objects.visible_to(None)


def _attach_follow_ups(by_line: dict[int, PublicResult], ids: list[int], corrected: list[int],
                       objected: list[int]) -> None:
    """The corrections and reviewed objections of the lines flagged as having some (most lines have neither)."""
    if corrected:
        for c in ResultCorrection.objects.filter(result_id__in=corrected).order_by("corrected_at", "pk"):
            by_line[c.result_id].corrections.append(c)
    if objected:
        reviewed = Objection.objects.filter(status__in=REVIEWED_OBJECTION_STATUSES)
        for o in reviewed.filter(publication_id__in=ids, result_id__in=objected).order_by("filed_at", "pk"):
            by_line[o.result_id].objections.append(o)


def _with_lines(publications: list[Publication]) -> list[PublicInspection]:
    """The publications' lines, with their corrections and reviewed objections.

    One plain query for the lines; a line has corrections only if ``is_corrected`` and reviewed objections
    only if ``has_reviewed_objection`` (both set by the objection review). The two follow-up queries run
    only when a line needs them (most lines have neither).
    """
    ids = [p.pk for p in publications]
    lines: dict[int, list[PublicResult]] = {pk: [] for pk in ids}
    by_line: dict[int, PublicResult] = {}
    rows = PublishedResult.objects.filter(publication_id__in=ids).order_by("publication_id", "position")
    corrected, objected = [], []
    for line in rows:
        entry = PublicResult(line)
        lines[line.publication_id].append(entry)
        by_line[line.pk] = entry
        if line.is_corrected:
            corrected.append(line.pk)
        if line.has_reviewed_objection:
            objected.append(line.pk)
    _attach_follow_ups(by_line, ids, corrected, objected)
    return [PublicInspection(p, lines[p.pk]) for p in publications]


def entity_dossier(entity: Entity, *, limit: int = 200) -> list[PublicInspection]:
    """Every published inspection under the entity's name (一企一档 / 一户一档 [001][003]), newest first."""
    pubs = list(published_publications().filter(entity=entity).order_by("-completed_on", "-pk")[:limit])
    return _with_lines(pubs)


def publication_public(pk: Any) -> PublicInspection:
    pub = get_visible(Publication.objects.select_related("entity", "draw", "department"), None, pk=pk)
    return _with_lines([pub])[0]


# ---------------------------------------------------------------- announcements by department


def departments_with_announcements() -> QuerySet[Department]:
    """Departments that have published anything: items, plans or results."""
    items = InspectionItem.objects.visible_to(None).filter(department=OuterRef("pk"))
    plans = Plan.objects.filter(department=OuterRef("pk"), status__in=PUBLIC_PLAN_STATUSES)
    pubs = Publication.objects.filter(department=OuterRef("pk"), status=PublicationStatus.PUBLISHED)
    return (Department.objects.filter(is_active=True).filter(Exists(items) | Exists(plans) | Exists(pubs))
            .select_related("region").order_by("level", "region_id", "name"))


def department_public(pk: Any) -> Department:
    dept = Department.objects.select_related("region", "parent").filter(pk=pk, is_active=True).first() \
        if str(pk).isdigit() else None
    if dept is None:
        raise OutOfScope()
    return dept


def department_items(department: Department) -> QuerySet[InspectionItem]:
    """The department's published random-inspection item list [003] (清单之外无监管)."""
    return public_item_list(filters={"department": department.pk}).order_by("code")


def department_plans(department: Department) -> list[Plan]:
    """Published plans with their public tasks."""
    tasks = Task.objects.filter(status__in=PUBLIC_TASK_STATUSES).order_by("window_start_on", "pk")
    return list(
        Plan.objects.filter(department=department, status__in=PUBLIC_PLAN_STATUSES)
        .prefetch_related(Prefetch("tasks", queryset=tasks, to_attr="public_tasks"))
        .order_by("-year", "-published_at", "-pk")[:50]
    )


def department_publications(department: Department) -> QuerySet[Publication]:
    return (published_publications().filter(department=department).select_related("entity")
            .order_by("-completed_on", "-pk"))


def plan_public(pk: Any) -> Plan:
    plan = Plan.objects.select_related("department").filter(pk=pk, status__in=PUBLIC_PLAN_STATUSES).first() \
        if str(pk).isdigit() else None
    if plan is None:
        raise OutOfScope()
    return plan


def task_public(pk: Any) -> Task:
    task = (Task.objects.select_related("plan", "department")
            .filter(pk=pk, status__in=PUBLIC_TASK_STATUSES, plan__status__in=PUBLIC_PLAN_STATUSES).first()
            if str(pk).isdigit() else None)
    if task is None:
        raise OutOfScope()
    return task


# ---------------------------------------------------------------- draw records


def published_draws() -> QuerySet[Draw]:
    return Draw.objects.visible_to(None).select_related("task", "task__plan", "department").order_by(
        "-published_at", "-pk")


def draw_public(pk: Any) -> Draw:
    if not str(pk).isdigit():
        raise OutOfScope()
    return get_visible(Draw.objects.select_related("task", "task__plan", "department"), None, pk=pk)


def draw_record_bytes(draw: Draw) -> bytes:
    """The record exactly as stored (its hashes are over canonical sub-objects, not over the file)."""
    return draw_files.read(draw.record_path)


def snapshot_is_public(draw: Draw) -> bool:
    """Published unless withheld with a legal reason (DrawDisclosure); a draw without a file has none."""
    if not draw.snapshot_path:
        return False
    setting = DrawDisclosure.objects.filter(draw=draw).only("is_snapshot_public").first()
    return setting is None or setting.is_snapshot_public


def draw_disclosure(draw: Draw) -> DrawDisclosure | None:
    return DrawDisclosure.objects.filter(draw=draw).first()


def draw_snapshot_bytes(draw: Draw) -> bytes:
    """The canonical snapshot CSV (stored gzip-compressed by the draws app)."""
    return draw_files.read_snapshot(draw.snapshot_path)


def draw_view(draw: Draw) -> RecordView:
    return parse_record(draw_record_bytes(draw))


@dataclass(frozen=True)
class TeamMemberPublic:
    name: str
    certificate_no: str
    department: str


@dataclass(frozen=True)
class SelectedPublic:
    """A selected entity of a draw: code, name, grade, ticket and its team (names + certificate numbers)."""

    rank: int
    uscc: str
    name: str
    grade: str
    ticket: str
    team: list[TeamMemberPublic]


def draw_selected(draw: Draw) -> list[SelectedPublic]:
    """The selected entities in the record's order, with names and teams from the directories."""
    selections = list(DrawSelection.objects.filter(draw=draw).select_related("entity").order_by("rank"))
    members: dict[int, list[TeamMemberPublic]] = {}
    for m in (DrawTeamMember.objects.filter(draw=draw).select_related("inspector", "inspector__department")
              .order_by("entity_id", "order")):
        members.setdefault(m.entity_id, []).append(
            TeamMemberPublic(m.inspector.name, m.inspector.certificate_no, m.inspector.department.name))
    return [SelectedPublic(s.rank, s.entity.uscc, s.entity.name, s.grade, s.ticket, members.get(s.entity_id, []))
            for s in selections]


def draw_witnesses(draw: Draw) -> list[DrawWitness]:
    return list(DrawWitness.objects.filter(draw=draw).order_by("kind", "party"))


def inspector_names(certificate_numbers: list[str]) -> dict[str, str]:
    """Names by certificate number (the ids used in published records)."""
    return dict(Inspector.objects.filter(certificate_no__in=certificate_numbers).values_list("certificate_no",
                                                                                              "name"))


# ---------------------------------------------------------------- notice verification


@dataclass(frozen=True)
class NoticeCheck:
    """What a notice's verification code resolves to: the visit's entity, task, draw and team."""

    visit: Visit
    team: list[TeamMemberPublic]
    draw: Draw | None
    publication: Publication | None


def visit_by_code(code: str) -> NoticeCheck | None:
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if not code:
        return None
    visit = (Visit.objects.select_related("entity", "task", "task__plan", "department", "draw", "joint_round")
             .filter(verification_code=code).first())
    if visit is None:
        return None
    team = [TeamMemberPublic(m.inspector.name, m.inspector.certificate_no, m.inspector.department.name)
            for m in sorted(VisitTeamMember.objects.filter(visit=visit)
                            .select_related("inspector", "inspector__department"),
                            key=lambda m: (m.role != "leader", m.pk))]
    draw = visit.draw if visit.draw is not None and visit.draw.status == DrawStatus.PUBLISHED else None
    if draw is None and visit.joint_round_id is not None:
        draw = (visit.joint_round.draws.filter(status=DrawStatus.PUBLISHED, selections__entity=visit.entity)  # type: ignore[union-attr]
                .order_by("pk").first())
    publication = published_publications().filter(visit=visit).first()
    return NoticeCheck(visit, team, draw, publication)


# ---------------------------------------------------------------- exposure board


def typical_cases() -> QuerySet[TypicalCase]:
    return TypicalCase.objects.visible_to(None).select_related("publication", "publication__entity", "department") \
        .order_by("-published_at", "-pk")


def typical_case_public(pk: Any) -> TypicalCase:
    if not str(pk).isdigit():
        raise OutOfScope()
    return get_visible(TypicalCase.objects.select_related("publication", "publication__entity", "department"),
                       None, pk=pk)


# ---------------------------------------------------------------- open data

OPEN_DATA_COLUMNS: list[tuple[str, str]] = [
    ("uscc", "统一社会信用代码"), ("entity_name", "企业名称"), ("authority", "检查实施机关"),
    ("inspection_type", "检查类型"), ("plan", "抽查计划"), ("task", "抽查任务"), ("completed_on", "检查完成日期"),
    ("item_code", "事项编码"), ("item", "检查事项"), ("result_code", "结果代码"), ("result", "检查结果"),
    ("is_corrected", "是否更正"), ("published_on", "公示日期"),
]
_TYPE_LABELS: dict[str, str] = {}


def _type_label(code: str) -> str:
    if not _TYPE_LABELS:
        from jianguan.disclosure.choices import InspectionType

        _TYPE_LABELS.update({str(k): str(v) for k, v in InspectionType.choices})
    return _TYPE_LABELS.get(code, code)


def open_results(filters: Mapping[str, Any] | None = None) -> QuerySet[PublishedResult]:
    """Published result lines, newest publication first; filters: department (id), uscc, since (a date)."""
    f = filters or {}
    qs = PublishedResult.objects.filter(publication__status=PublicationStatus.PUBLISHED)
    if (dept := str(f.get("department") or "").strip()) and dept.isdigit():
        qs = qs.filter(publication__department_id=int(dept))
    if uscc := str(f.get("uscc") or "").strip().upper():
        qs = qs.filter(publication__entity__uscc=uscc)
    if (since := f.get("since")) and isinstance(since, dt.date):
        qs = qs.filter(publication__published_at__gte=timezone.make_aware(
            dt.datetime.combine(since, dt.time.min)))
    return qs.order_by("-publication_id", "position")


_OPEN_VALUES = ("publication__entity__uscc", "publication__entity__name", "publication__authority",
                "publication__inspection_type", "publication__plan_title", "publication__task_name",
                "publication__completed_on", "item_code", "item_name", "result_code", "result_label", "is_corrected",
                "publication__published_at")


def _open_row(row: tuple[Any, ...]) -> dict[str, Any]:
    (uscc, name, authority, itype, plan, task, completed_on, item_code, item, result_code, result, corrected,
     published_at) = row
    return {
        "uscc": uscc, "entity_name": name, "authority": authority, "inspection_type": _type_label(itype),
        "plan": plan, "task": task, "completed_on": completed_on.isoformat(), "item_code": item_code,
        "item": item, "result_code": result_code, "result": result, "is_corrected": bool(corrected),
        "published_on": timezone.localtime(published_at).date().isoformat() if published_at else "",
    }


def iter_open_results(filters: Mapping[str, Any] | None = None, *, chunk_size: int = 5000) -> Iterator[dict[str, Any]]:
    """Rows of the open data, streamed in chunks (server-side cursor on PostgreSQL)."""
    for row in open_results(filters).values_list(*_OPEN_VALUES).iterator(chunk_size=chunk_size):
        yield _open_row(row)


def iter_open_results_for(ids: list[int]) -> Iterator[dict[str, Any]]:
    """The open-data rows of these result lines (each with its line id under ``_id``)."""
    for row in PublishedResult.objects.filter(pk__in=ids).values_list("pk", *_OPEN_VALUES):
        yield {**_open_row(row[1:]), "_id": row[0]}
