"""The public face of a draw record (docs/draw-spec.md §9): what the portal shows, and the verify bundle.

Pure apart from reading tools/verify_draw.py: it takes the record as stored (bytes) and, where the law
allows, the snapshot CSV, and never touches the database. The record's own hashes are over canonical
sub-objects, so the file is served byte for byte as stored.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from jianguan.draws import engine

VERIFIER_NAME = "verify_draw.py"
RECORD_NAME = "record.json"
SNAPSHOT_NAME = "snapshot.csv"
USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


def verifier_path() -> Path:
    """The standalone verifier shipped with the project (Python stdlib + cryptography)."""
    return Path(settings.BASE_DIR) / "tools" / VERIFIER_NAME


def verify_command(*, has_snapshot: bool, kind: str = "draw") -> str:
    """The exact command a member of the public runs inside the unpacked bundle."""
    if kind == "joint":
        return f"python3 {VERIFIER_NAME} {RECORD_NAME}"
    if has_snapshot:
        return f"python3 {VERIFIER_NAME} {RECORD_NAME} {SNAPSHOT_NAME}"
    return f"python3 {VERIFIER_NAME} {RECORD_NAME} --entity 统一社会信用代码"


def entity_command(uscc: str, *, has_snapshot: bool, grade: str | None = None) -> str:
    """The verifier command that checks one entity's ticket against its grade's cutoff."""
    if has_snapshot:
        return f"python3 {VERIFIER_NAME} {RECORD_NAME} {SNAPSHOT_NAME} --entity {uscc}"
    return f"python3 {VERIFIER_NAME} {RECORD_NAME} --entity {uscc}" + (f" --grade {grade}" if grade else "")


@dataclass(frozen=True)
class GradeRow:
    """One grade of the draw: N_g, the ratio, n_g and the cutoff ticket."""

    grade: str
    population: int
    quota: int
    ratio_pct: str | None
    cutoff: str | None


@dataclass(frozen=True)
class SelectedRow:
    """One selected entity with its ticket (and its team of inspector ids, in joining order)."""

    uscc: str
    grade: str
    ticket: str
    inspectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordView:
    """The parts of a JG-DRAW-1 record that the public pages show."""

    kind: str
    task_id: str
    algorithm: str
    params: Mapping[str, Any]
    params_hash: str
    snapshot_hash: str
    snapshot_hash_algorithm: str
    snapshot_rows: int
    grades: tuple[GradeRow, ...]
    selected: tuple[SelectedRow, ...]
    commitments: tuple[Mapping[str, str], ...]
    reveals: tuple[Mapping[str, str], ...]
    dice: Mapping[str, Any] | None
    beacon: Mapping[str, Any] | None
    k_draw: str
    k_assign: str
    has_teams: bool
    recusals_confidential: bool
    team_rules: Mapping[str, Any] | None
    merge: Mapping[str, Any] | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def selected_count(self) -> int:
        return len(self.selected)

    @property
    def inspector_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.selected:
            for i in row.inspectors:
                seen.setdefault(i, None)
        return list(seen)


class RecordUnreadable(ValueError):
    """The stored record is not a JG-DRAW-1 record."""


def load_record(data: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """Parse the stored bytes (or accept an already parsed object)."""
    if isinstance(data, Mapping):
        return dict(data)
    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RecordUnreadable(f"抽取记录不是有效的 JSON：{exc}") from None
    if not isinstance(obj, dict) or obj.get("format") != "JG-DRAW-1/record":
        raise RecordUnreadable("不是 JG-DRAW-1 抽取记录")
    return obj


def parse_record(data: bytes | str | Mapping[str, Any]) -> RecordView:
    """The public view of a draw or joint record."""
    rec = load_record(data)
    ann = rec.get("announcement") or {}
    seed = rec.get("seed_material") or {}
    keys = rec.get("keys") or {}
    teams = rec.get("teams") if isinstance(rec.get("teams"), dict) else None
    members: dict[str, tuple[str, ...]] = {}
    if teams:
        for a in teams.get("assignments") or []:
            members[a["uscc"]] = tuple(a.get("inspectors") or [])
    params = ann.get("params") or {}
    if rec.get("kind") == "joint":
        merge = ann.get("merge") or {}
        visit_rows = tuple(
            SelectedRow(uscc=v["uscc"], grade="", ticket="", inspectors=members.get(v["uscc"], ()))
            for v in merge.get("visits") or []
        )
        return RecordView(
            kind="joint", task_id=str(ann.get("task_id", "")), algorithm=str(ann.get("algorithm", "")),
            params=params, params_hash=str(ann.get("params_hash", "")), snapshot_hash=str(ann.get("merge_hash", "")),
            snapshot_hash_algorithm="sha256", snapshot_rows=int(merge.get("visits_after") or 0), grades=(),
            selected=visit_rows, commitments=tuple(ann.get("commitments") or []),
            reveals=tuple(seed.get("reveals") or []), dice=seed.get("dice"), beacon=seed.get("beacon"),
            k_draw=str(keys.get("k_draw", "")), k_assign=str(keys.get("k_assign", "")), has_teams=bool(teams),
            recusals_confidential=teams is not None and teams.get("recusals") is None,
            team_rules=params.get("team"), merge=merge, raw=rec,
        )
    snapshot = ann.get("snapshot") or {}
    grades = tuple(
        GradeRow(grade=g["grade"], population=int(g["population"]), quota=int(g["quota"]),
                 ratio_pct=g.get("ratio_pct"), cutoff=g.get("cutoff"))
        for g in rec.get("grades") or []
    )
    selected = tuple(
        SelectedRow(uscc=s["uscc"], grade=s["grade"], ticket=s["ticket"], inspectors=members.get(s["uscc"], ()))
        for s in rec.get("selected") or []
    )
    return RecordView(
        kind="draw", task_id=str(ann.get("task_id", "")), algorithm=str(ann.get("algorithm", "")), params=params,
        params_hash=str(ann.get("params_hash", "")), snapshot_hash=str(snapshot.get("hash", "")),
        snapshot_hash_algorithm=str(params.get("snapshot_hash_algorithm", "sha256")),
        snapshot_rows=int(snapshot.get("rows") or 0), grades=grades, selected=selected,
        commitments=tuple(ann.get("commitments") or []), reveals=tuple(seed.get("reveals") or []),
        dice=seed.get("dice"), beacon=seed.get("beacon"), k_draw=str(keys.get("k_draw", "")),
        k_assign=str(keys.get("k_assign", "")), has_teams=bool(teams),
        recusals_confidential=teams is not None and teams.get("recusals") is None, team_rules=params.get("team"), raw=rec,
    )


@dataclass(frozen=True)
class EntityCheck:
    """"我的企业是否被抽中": the entity's ticket under K_draw against its grade's cutoff (spec §6)."""

    uscc: str
    block: str
    k_draw: str
    ticket: str
    grade: str | None
    cutoff: str | None
    in_population: bool | None  # None: the snapshot is not published, so membership cannot be shown
    is_selected: bool
    command: str

    @property
    def ticket_below_cutoff(self) -> bool | None:
        if self.cutoff is None or self.grade is None:
            return None
        return int(self.ticket, 16) <= int(self.cutoff, 16)


def snapshot_grade(snapshot: bytes | None, uscc: str) -> str | None:
    """The grade of one uscc in the canonical snapshot CSV, or None when absent."""
    if not snapshot:
        return None
    needle = ("\n" + uscc + ",").encode()
    at = snapshot.find(needle)
    if at < 0:
        return None
    end = snapshot.find(b"\n", at + 1)
    return snapshot[at + len(needle): end].decode()


def check_entity(view: RecordView, uscc: str, snapshot: bytes | None, *, snapshot_public: bool) -> EntityCheck:
    """Recompute one entity's ticket from the revealed seed material and compare it with its grade's cutoff.

    The grade comes from the snapshot when it is public, or from the selected list; when the snapshot is
    not public and the entity was not selected, its grade (a credit grade) is not disclosed.
    """
    uscc = uscc.strip().upper()
    if view.kind != "draw":
        raise RecordUnreadable("联合抽查汇总记录不含抽签号，请查看各部门的抽取记录")
    seed = view.raw.get("seed_material") or {}
    k_draw = engine.derive_key(b"JG-DRAW-1/draw", engine.canonical_json(seed))
    ticket = engine.ticket_hex(engine.ticket_of(view.algorithm, k_draw, uscc))
    chosen = next((s for s in view.selected if s.uscc == uscc), None)
    grade: str | None = chosen.grade if chosen else None
    in_population: bool | None = True if chosen else None
    if snapshot_public and snapshot is not None:
        grade = snapshot_grade(snapshot, uscc)
        in_population = grade is not None
    cutoff = next((g.cutoff for g in view.grades if g.grade == grade), None) if grade else None
    return EntityCheck(
        uscc=uscc, block=engine.id_block(uscc).hex(), k_draw=k_draw.hex(), ticket=ticket, grade=grade, cutoff=cutoff,
        in_population=in_population, is_selected=chosen is not None,
        command=entity_command(uscc, has_snapshot=snapshot_public and snapshot is not None,
                               grade=grade if chosen else None),
    )


def readme(view: RecordView, *, has_snapshot: bool, title: str) -> str:
    """The instructions inside the bundle, in Chinese, with the exact command."""
    lines = [
        f"{title}",
        "",
        "本压缩包用于独立核验双随机抽取结果（算法 JG-DRAW-1，规范见 docs/draw-spec.md）。",
        f"  {RECORD_NAME}      抽取记录（公告、种子、参数、抽签号、分界值、检查组）",
    ]
    if has_snapshot:
        lines.append(f"  {SNAPSHOT_NAME}     冻结的抽取名录快照（统一社会信用代码、信用等级）")
    else:
        lines.append("  （依法不公开名录快照：只能核验单个企业是否被抽中）")
    lines += [
        f"  {VERIFIER_NAME}   独立核验程序（Python 3 标准库 + cryptography）",
        "",
        "核验步骤：",
        "  python3 -m pip install cryptography",
        f"  {verify_command(has_snapshot=has_snapshot, kind=view.kind)}",
        "输出 OK 表示记录与重新计算的结果一致；否则输出第一处不一致（MISMATCH）。",
        "",
        "核验单个企业（抽签号与所在信用等级的分界值比较）：",
        f"  {entity_command('统一社会信用代码', has_snapshot=has_snapshot)}",
        "",
        f"名录快照哈希（{view.snapshot_hash_algorithm}）：{view.snapshot_hash}",
        "",
    ]
    return "\n".join(lines)


def verify_bundle(record: bytes, snapshot: bytes | None, *, title: str, extra: Sequence[tuple[str, bytes]] = ()) -> bytes:
    """A zip with the record as stored, the snapshot where the law allows, the verifier and a README."""
    view = parse_record(record)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(RECORD_NAME, record)
        if snapshot is not None:
            zf.writestr(SNAPSHOT_NAME, snapshot)
        zf.writestr(VERIFIER_NAME, verifier_path().read_bytes())
        zf.writestr("README.txt", readme(view, has_snapshot=snapshot is not None, title=title).encode("utf-8"))
        for name, data in extra:
            zf.writestr(name, data)
    return buf.getvalue()


def is_uscc(text: str) -> bool:
    return bool(USCC_RE.fullmatch(text.strip().upper()))
