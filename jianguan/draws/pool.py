"""The inspectors a draw may staff teams from, and the recusals, as the engine's InspectorPool [001][003].

Inspectors are identified in published records by their enforcement certificate number (unique on the
platform) and departments by their department code; the recusal pairs are kept confidential by default
(only their salted hash is published, docs/draw-spec.md §7.1): they describe personal relations.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.utils import timezone

from jianguan.draws import engine
from jianguan.entities.models import Entity
from jianguan.inspectors.selectors import drawable_inspectors, recused_pairs
from jianguan.organizations.models import Department

# Publish only the hash of the recusal list (with a random salt) unless settings say otherwise.
DRAW_CONFIDENTIAL_RECUSALS: Final[bool] = bool(getattr(settings, "DRAW_CONFIDENTIAL_RECUSALS", True))


@dataclass(frozen=True)
class FrozenPool:
    """The pool as frozen with the draw: engine pool, and the database ids behind its public identifiers."""

    pool: engine.InspectorPool
    inspector_pks: dict[str, int]  # certificate number -> Inspector.pk
    department_pks: dict[str, int]  # department code -> Department.pk
    department_names: dict[str, str]  # department code -> name

    def to_json(self) -> dict[str, Any]:
        """The stored form (the recusals are stored apart: they are not published)."""
        return {"inspectors": self.pool.inspectors_json(), "ids": self.inspector_pks,
                "departments": self.department_pks, "department_names": self.department_names}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], recusals: Mapping[str, Any] | None) -> FrozenPool:
        inspectors = tuple(
            engine.Inspector(i["id"], i["department"], frozenset(i["domains"])) for i in data["inspectors"]
        )
        rec = recusals or {"pairs": [], "salt": ""}
        pool = engine.InspectorPool(
            inspectors, frozenset((p[0], p[1]) for p in rec["pairs"]), recusals_salt=rec["salt"]
        )
        return cls(pool, dict(data["ids"]), dict(data["departments"]), dict(data.get("department_names", {})))


def build_pool(departments: Iterable[Department], *, on: dt.date | None = None,
               confidential: bool = DRAW_CONFIDENTIAL_RECUSALS) -> FrozenPool:
    """Every drawable inspector of these departments (the engine checks qualifications and names what is
    missing), with their domains, and the active recusals of these departments' inspectors."""
    depts = list(departments)
    ids = [d.pk for d in depts]
    code_of = {d.pk: d.code for d in depts}
    day = on or timezone.localdate()
    rows = drawable_inspectors(department_ids=ids, on=day).prefetch_related("qualifications")
    inspectors: list[engine.Inspector] = []
    pks: dict[str, int] = {}
    by_pk: dict[int, str] = {}
    for ins in rows:
        domains = frozenset(q.code for q in ins.qualifications.all())
        inspectors.append(engine.Inspector(ins.certificate_no, code_of[ins.department_id], domains))
        pks[ins.certificate_no] = ins.pk
        by_pk[ins.pk] = ins.certificate_no
    raw_pairs = [(i, e) for i, e in recused_pairs(ids) if i in by_pk]
    usccs = dict(Entity.objects.filter(pk__in={e for _, e in raw_pairs}).values_list("pk", "uscc"))
    pairs = frozenset((by_pk[i], usccs[e]) for i, e in raw_pairs if e in usccs)
    salt = secrets.token_hex(16) if confidential else ""
    pool = engine.InspectorPool(tuple(inspectors), pairs, recusals_salt=salt)
    return FrozenPool(pool, pks, {d.code: d.pk for d in depts}, {d.code: d.name for d in depts})
