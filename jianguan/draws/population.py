"""The eligible population of a draw, computed in the database and read in bulk (never as model instances).

Eligibility [001][003] (docs/apps/draws.md):
  the task's filters (plans.selectors.task_entity_q) inside the department's jurisdiction, then, in order
  of precedence, exclusions counted by reason:
  (d) registration status outside the task's statuses (not operating);
  (a) drawn the yearly maximum number of times already, across ALL departments (EntityYearCounter);
  (b) inspected this year by an upper-level department — until inspection visits exist (issue 4) this
      means "selected in an executed or published, not superseded draw of a department of a higher
      level" (that department's population lies in its jurisdiction, so its jurisdiction contains the
      entity); it switches to visits when they exist;
  (c) the same item selected this year as a general check by a department of another level [003] —
      "the same item" is an inspection item of the same name (each level keeps its own item list, built
      from the same catalog entries), and the rule applies to this task's general items.
  Special key areas (full coverage) are covered in full: only the filters and the status apply [000][003].

Every candidate row comes out of ONE query with a one-character reason code, so the exclusion counts and
the frozen population come from the same consistent scan. PostgreSQL returns it as ``string_agg`` of
fixed-width rows (each entity's stored ``draw_row`` and a reason byte) read into a numpy record array;
SQLite returns it as one ``group_concat`` string of fixed-width rows. Rows are then sorted by (grade, uscc) with integer keys and
handed to the engine's ``Population.from_sorted`` together with the stored ticket blocks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import BinaryField, Case, CharField, Field, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from numpy.typing import NDArray

from jianguan.catalog.choices import ItemKind
from jianguan.draws import engine
from jianguan.draws.choices import ELIGIBLE_CODE, REASON_CODES, ExclusionReason
from jianguan.draws.models import DrawSelection, EntityYearCounter
from jianguan.draws.workflow import DONE
from jianguan.entities.models import Entity
from jianguan.plans.models import OPERATING, Task
from jianguan.plans.selectors import task_entity_q

# [001] an entity is drawn at most twice a year, counted across all departments (configurable).
DRAW_MAX_PER_YEAR: Final[int] = int(getattr(settings, "DRAW_MAX_PER_YEAR", 2))
# PostgreSQL: read a large table with this many connections at once, each COPYing one block range (ctid)
# under one exported snapshot; tables smaller than DRAW_PARALLEL_READ_PAGES are read by one COPY.
DRAW_READ_WORKERS: Final[int] = int(getattr(settings, "DRAW_READ_WORKERS", 2))
DRAW_PARALLEL_READ_PAGES: Final[int] = int(getattr(settings, "DRAW_PARALLEL_READ_PAGES", 4000))
# The canonical sort of at least this many rows runs on two threads.
DRAW_PARALLEL_SORT_ROWS: Final[int] = int(getattr(settings, "DRAW_PARALLEL_SORT_ROWS", 200_000))

# PostgreSQL row, aggregated server-side: the stored `draw_row` of the entity (migration entities 0004:
# uscc (18) grade (1) block (16) id (8, big-endian)) and the reason (1), appended as a bytea constant.
_PG_ROW = np.dtype([("uscc", "S18"), ("grade", "S1"), ("block", "V16"), ("id", ">i8"), ("reason", "S1")])
_PG_AGG = "SELECT count(*), string_agg(t.row || t.r, ''::bytea) FROM ({inner}) AS t{where}"
# SQLite text row: uscc(18) grade(1) reason(1) hex(block)(32); the ids come as a second aggregate.
_LITE_WIDTH = 52
_LITE_CONCAT = ("SELECT count(*), sum(length(t.uscc) = 18 AND length(t.g) = 1), "
                "group_concat(t.uscc || t.g || t.r || hex(t.draw_block), ''), group_concat(t.id, ',') "
                "FROM ({inner}) AS t")
_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"ABCDEF"):
    _HEX[_c] = 10 + _i

ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class EligibilityRules:
    """Everything besides the task's filters that decides who is eligible."""

    year: int
    level: int
    statuses: tuple[str, ...]
    general_item_names: tuple[str, ...]
    apply_exclusions: bool = True
    max_per_year: int = DRAW_MAX_PER_YEAR

    @classmethod
    def for_task(cls, task: Task, *, year: int, max_per_year: int = DRAW_MAX_PER_YEAR) -> EligibilityRules:
        items = list(task.items.all())
        return cls(
            year=year,
            level=task.department.level,
            statuses=tuple(task.entity_statuses or [OPERATING]),
            general_item_names=tuple(sorted({i.name.strip() for i in items if i.kind == ItemKind.GENERAL})),
            # [000][003] special key areas are inspected in full: no draw, so no draw-frequency exclusions.
            apply_exclusions=not task.is_full_coverage,
            max_per_year=max_per_year,
        )


@dataclass
class Candidates:
    """The frozen population (canonical order), the entity ids aligned with it, and the exclusion counts."""

    population: engine.Population
    ids: NDArray[np.int64]
    candidate_count: int
    exclusions: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)

    def grade_codes(self) -> NDArray[np.uint8]:
        out = np.empty(len(self.ids), dtype=np.uint8)
        for s in self.population.slices:
            out[s.start : s.stop] = ord(s.grade)
        return out


def _filters_without_status(task: Task) -> Q:
    """The task's filters with every registration status allowed (the status becomes exclusion (d))."""
    return task_entity_q(task, with_status=False)


def selected_this_year(year: int) -> QuerySet[DrawSelection]:
    """Selections of executed or published, current (not superseded) draws of the year."""
    return DrawSelection.objects.filter(
        draw__year=year, draw__status__in=list(DONE), draw__superseded_at__isnull=True
    )


def reason_case(rules: EligibilityRules, *, binary: bool = False) -> Case:
    """The one-character exclusion reason of each candidate ("0" = eligible), in order of precedence; as one
    byte (bytea constants, no cast per row) when `binary`."""
    field: Field[Any, Any] = BinaryField() if binary else CharField()

    def code(c: str) -> Value:
        return Value(c.encode("ascii"), output_field=BinaryField()) if binary else Value(c)

    status_ok = Q(status__in=list(rules.statuses))
    whens = [When(~status_ok, then=code("d"))]
    if rules.apply_exclusions:
        capped = EntityYearCounter.objects.filter(year=rules.year, count__gte=rules.max_per_year).values("entity_id")
        upper = selected_this_year(rules.year).filter(draw__department__level__lt=rules.level).values("entity_id")
        whens += [When(pk__in=capped, then=code("a")), When(pk__in=upper, then=code("b"))]
        if rules.general_item_names:
            same = (selected_this_year(rules.year).exclude(draw__department__level=rules.level)
                    .filter(draw__task__items__name__in=list(rules.general_item_names)).values("entity_id"))
            whens.append(When(pk__in=same, then=code("c")))
    return Case(*whens, default=code(ELIGIBLE_CODE), output_field=field)


def candidate_queryset(task: Task, rules: EligibilityRules) -> QuerySet[Entity, Any]:
    """(uscc, grade with U for ungraded, reason, draw_block, id) of every entity matching the task's filters."""
    base = _filters_without_status(task)
    if task.region_prefixes:  # without prefixes the filters already use the whole jurisdiction
        base &= Q(region__code__startswith=task.department.jurisdiction_prefix)
    qs: Any = Entity.objects.filter(base).order_by()
    if connection.vendor == "postgresql":
        # The stored draw row (uscc, grade, block, id: entities migration 0004), the reason as one byte, and
        # the row's physical address, to split the read by block ranges.
        table = connection.ops.quote_name(Entity._meta.db_table)  # from model metadata, not from input
        qs = qs.annotate(row=RawSQL(f"{table}.draw_row", ()), r=reason_case(rules, binary=True),  # noqa: S611
                         tid=RawSQL(f"{table}.ctid", ()))  # noqa: S611
        return qs.values_list("row", "r", "tid")
    qs = qs.annotate(g=Coalesce("credit_grade", Value(engine.UNGRADED), output_field=CharField()), r=reason_case(rules))
    return qs.values_list("uscc", "g", "r", "draw_block", "id")


def _inner_sql(qs: QuerySet[Any, Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def _aggregate(conn: Any, inner: str, params: tuple[Any, ...], where: str) -> np.ndarray:
    """One block range of candidates as ONE bytea of fixed 44-byte rows (_PG_ROW), fetched in binary.

    The parameters are merged client-side (as Django does) with ``mogrify``; the merged statement then
    runs on a plain cursor, because psycopg returns binary results only there.
    """
    import psycopg

    sql = psycopg.ClientCursor(conn).mogrify(_PG_AGG.replace("{inner}", inner).replace("{where}", where), params)
    with psycopg.Cursor(conn) as cursor:
        cursor.execute(sql, binary=True)
        row = cursor.fetchone()
    if row is None:
        raise engine.PopulationInvalid("读取候选主体失败")
    count, data = row
    data = bytes(data or b"")
    if len(data) != count * _PG_ROW.itemsize:
        raise engine.PopulationInvalid("读取候选主体时行宽不一致（统一社会信用代码须为 18 位，信用等级 1 位）")
    return np.frombuffer(data, dtype=_PG_ROW)


def _tid_ranges(pages: int, parts: int) -> list[str]:
    bounds = [pages * i // parts for i in range(parts)]
    out = []
    for i, lo in enumerate(bounds):
        cond = f" WHERE t.tid >= '({lo},0)'::tid"
        if i + 1 < parts:
            cond += f" AND t.tid < '({bounds[i + 1]},0)'::tid"
        out.append(cond)
    return out


def _read_postgresql(qs: QuerySet[Any, Any]) -> dict[str, np.ndarray]:
    """The candidates aggregated server-side into one bytea per block range (string_agg), read in binary.

    Not ``COPY … TO STDOUT``: PostgreSQL sends COPY OUT as one message per row and psycopg hands each to
    Python, ~3–7 µs a row, seconds for 10⁶; one bytea per range costs nothing on the client. A large table
    is read by several connections at once, all under the snapshot this transaction exports, so that
    together they see one consistent state. The table is cut into twice as many block (ctid) ranges as
    connections, which take them from one queue: a connection slowed by other work on the machine takes
    fewer. Each row is the entity's stored `draw_row` and one reason byte: building the row in the query
    (casts and concatenations) was about a quarter of the server's time.

    The entity id stays in the row (~70 ms of the read at 10⁶): looking the selected ids up by credit code
    at execution instead cost ~0.3 s for 54k codes on PostgreSQL 15, even from a covering index.
    """
    import psycopg

    inner, params = _inner_sql(qs)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [Entity._meta.db_table])
        pages = int(cur.fetchone()[0]) + 1
    workers = DRAW_READ_WORKERS if pages >= DRAW_PARALLEL_READ_PAGES and getattr(connection, "pg_version", 0) >= 140000 else 1
    # A snapshot can be exported only from a top-level transaction, not from inside a savepoint.
    if connection.in_atomic_block and connection.savepoint_ids:
        workers = 1
    # At most ~64k pages (~1.8 million rows, ~80 MB) per aggregated value: far below PostgreSQL's 1 GB limit.
    ranges = _tid_ranges(pages, max(2 * workers, -(-pages // 65536))) if workers > 1 or pages > 65536 else [""]
    parts: list[np.ndarray | BaseException | None] = [None] * len(ranges)
    if workers <= 1:
        connection.ensure_connection()
        for i, where in enumerate(ranges):
            parts[i] = _aggregate(connection.connection, inner, params, where)
    else:
        conninfo = {k: v for k, v in connection.get_connection_params().items()
                    if k not in ("cursor_factory", "context", "prepare_threshold")}
        todo = list(range(len(ranges)))
        lock = threading.Lock()

        def take() -> int | None:
            with lock:
                return todo.pop(0) if todo else None

        def work(snapshot: str | None) -> None:
            try:
                if snapshot is None:  # the main thread, inside the exporting transaction
                    while (i := take()) is not None:
                        parts[i] = _aggregate(connection.connection, inner, params, ranges[i])
                    return
                with psycopg.connect(**conninfo, autocommit=True) as conn:
                    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                    with psycopg.ClientCursor(conn) as wcur:
                        wcur.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                    while (i := take()) is not None:
                        parts[i] = _aggregate(conn, inner, params, ranges[i])
                    conn.execute("COMMIT")
            except BaseException as exc:  # re-raised in the caller's thread
                parts.append(exc)

        with transaction.atomic(savepoint=False):
            with connection.cursor() as cur:
                cur.execute("SELECT pg_export_snapshot()")
                snapshot = cur.fetchone()[0]
            threads = [threading.Thread(target=work, args=(snapshot,)) for _ in range(workers - 1)]
            for t in threads:
                t.start()
            work(None)
            for t in threads:
                t.join()
    for part in parts:
        if isinstance(part, BaseException):
            raise part
    rows = np.concatenate([p for p in parts if isinstance(p, np.ndarray)]) if ranges else np.empty(0, _PG_ROW)
    return {"uscc": rows["uscc"], "grade": rows["grade"], "reason": rows["reason"],
            "block": rows["block"], "id": rows["id"]}


def _read_sqlite(qs: QuerySet[Any, Any]) -> dict[str, np.ndarray]:
    """One row of two aggregates: fixed-width text rows (uscc, grade, reason, hex block) and the ids as
    comma-separated decimals, both over the same scan in the same order."""
    inner, params = _inner_sql(qs)
    sql = _LITE_CONCAT.replace("{inner}", inner)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        n, fixed, text, id_text = cur.fetchone()
    if not n:
        return _empty()
    if fixed != n or len(text) != n * _LITE_WIDTH:
        raise engine.PopulationInvalid("读取候选主体时行宽不一致（统一社会信用代码须为 18 位）")
    rows = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(n, _LITE_WIDTH)
    nibbles = _HEX[rows[:, 20:52]]
    block = (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]
    ids = np.fromstring(id_text, dtype=np.int64, sep=",")
    if len(ids) != n:
        raise engine.PopulationInvalid("读取候选主体的编号时行数不一致")
    return {"uscc": np.ascontiguousarray(rows[:, :18]).view("S18").ravel(),
            "grade": np.ascontiguousarray(rows[:, 18:19]).view("S1").ravel(),
            "reason": np.ascontiguousarray(rows[:, 19:20]).view("S1").ravel(),
            "block": np.ascontiguousarray(block), "id": ids}


def _empty() -> dict[str, np.ndarray]:
    return {"uscc": np.empty(0, "S18"), "grade": np.empty(0, "S1"), "reason": np.empty(0, "S1"),
            "block": np.empty((0, 16), np.uint8), "id": np.empty(0, np.int64)}


def read_candidates(qs: QuerySet[Any, Any]) -> dict[str, np.ndarray]:
    """The candidate columns as numpy arrays, in one bulk read."""
    if connection.vendor == "postgresql":
        return _read_postgresql(qs)
    return _read_sqlite(qs)


_CODE = np.full(256, 255, dtype=np.uint8)  # uscc character -> its place in the (sorted) charset
_CODE[np.frombuffer(engine.USCC_CHARSET.encode(), dtype=np.uint8)] = np.arange(31, dtype=np.uint8)


def _sort_keys(codes: NDArray[np.uint8], grades: NDArray[np.uint8], hi: NDArray[np.uint64],
               lo: NDArray[np.uint64]) -> None:
    """Two integer keys whose lexicographic order is the (grade, uscc) byte order (see canonical_order),
    written into `hi` and `lo` (slices of larger arrays, filled by several threads at once)."""
    five = np.uint64(5)
    hi[:] = grades
    for k in range(11):
        hi <<= five
        hi |= codes[:, k]
    lo[:] = codes[:, 11]
    for k in range(12, 18):
        lo <<= five
        lo |= codes[:, k]


def _keys(usccs: NDArray[np.bytes_], grades: NDArray[np.uint8], threads: ThreadPoolExecutor | None
          ) -> tuple[NDArray[np.uint64], NDArray[np.uint64]] | None:
    """The sort keys of every row (on two threads when given: numpy's gathers and shifts release the GIL),
    or None when some code holds a character outside the uscc charset."""
    n = len(usccs)
    raw = np.ascontiguousarray(usccs).view(np.uint8).reshape(n, 18)
    hi, lo = np.empty(n, dtype=np.uint64), np.empty(n, dtype=np.uint64)

    def part(lo_row: int, hi_row: int) -> bool:
        codes = _CODE[raw[lo_row:hi_row]]
        if len(codes) and int(codes.max()) == 255:
            return False
        _sort_keys(codes, grades[lo_row:hi_row], hi[lo_row:hi_row], lo[lo_row:hi_row])
        return True

    if threads is None:
        ok = part(0, n)
    else:
        half = n // 2
        first = threads.submit(part, 0, half)
        ok = part(half, n)
        ok = first.result() and ok
    return (hi, lo) if ok else None


def _order_by_keys(hi: NDArray[np.uint64], lo: NDArray[np.uint64]) -> NDArray[np.intp]:
    """Rows ordered by (hi, lo): sort by hi, then number the runs of equal hi and sort once more by
    (run number, lo) — an array already ordered but for the short runs, which a stable (run-aware) sort
    puts in order in close to linear time."""
    n = len(hi)
    if n == 0:
        return np.empty(0, dtype=np.intp)
    by_hi = np.argsort(hi)
    sorted_hi = hi[by_hi]
    key = np.empty(n, dtype=np.uint64)
    key[0] = 0
    np.not_equal(sorted_hi[1:], sorted_hi[:-1], out=key[1:], casting="unsafe")
    np.cumsum(key, out=key)
    key <<= np.uint64(35)
    key |= lo[by_hi]
    return by_hi[np.argsort(key, kind="stable")]


def canonical_order(usccs: NDArray[np.bytes_], grades: NDArray[Any], *, parallel_rows: int | None = None) -> NDArray[np.intp]:
    """Row order by (grade, uscc) as byte strings, exactly, from integer keys (sorting strings is far slower).

    Each uscc character is 5 bits (its rank in the sorted charset, so the order is kept): the grade byte and
    characters 0–10 make a 63-bit key, characters 11–17 a 35-bit key; ties of the first are ranked and
    combined with the second into one key of at most 20 + 35 bits. Large inputs are split by the value of
    the first key into two halves (no run of equal keys crosses the split) sorted on two threads at once:
    numpy's sorts release the GIL.
    """
    n = len(usccs)
    if n == 0:
        return np.empty(0, dtype=np.intp)
    grade_codes = np.ascontiguousarray(grades).view(np.uint8)
    if n < (DRAW_PARALLEL_SORT_ROWS if parallel_rows is None else parallel_rows):
        keys = _keys(usccs, grade_codes, None)
        if keys is None:  # not a uscc: let the engine's validation name it, after a plain sort
            return np.lexsort((usccs, grade_codes))
        return _order_by_keys(*keys)
    with ThreadPoolExecutor(max_workers=1) as threads:  # the second thread; the caller's is the first
        keys = _keys(usccs, grade_codes, threads)
        if keys is None:
            return np.lexsort((usccs, grade_codes))
        hi, lo = keys
        sample = np.sort(hi[:: max(1, n // 4096)])
        pivot = sample[len(sample) // 2]
        low = np.flatnonzero(hi < pivot)
        high = np.flatnonzero(hi >= pivot)
        first = threads.submit(lambda: low[_order_by_keys(hi[low], lo[low])])
        second = high[_order_by_keys(hi[high], lo[high])]
        return np.concatenate([first.result(), second])


def _as_void(blocks: np.ndarray) -> np.ndarray:
    """(n, 16) bytes as n 16-byte units: gathering these is one copy per row instead of sixteen."""
    if blocks.dtype == np.dtype("V16"):
        return blocks
    return np.ascontiguousarray(blocks).view("V16").ravel()


def _take_codes(usccs: NDArray[np.bytes_], rows: NDArray[np.intp]) -> NDArray[np.bytes_]:
    """usccs[rows], gathered as 18-byte rows of a 2-D byte array (numpy copies an S18 element at a time)."""
    raw = np.ascontiguousarray(usccs).view(np.uint8).reshape(len(usccs), 18)
    return np.take(raw, rows, axis=0).view("S18").ravel()


def _grade_list(codes: NDArray[np.uint8]) -> list[str]:
    """The grade of every row (rows sorted by grade) as the list of strings the engine takes."""
    counts = np.bincount(codes, minlength=256)
    out: list[str] = []
    for code in np.flatnonzero(counts).tolist():
        out.extend([chr(code)] * int(counts[code]))
    return out


def build_candidates(columns: dict[str, np.ndarray]) -> Candidates:
    """Count exclusions by reason, keep the eligible rows in canonical order, build the engine population."""
    reasons = np.ascontiguousarray(columns["reason"]).view(np.uint8)
    counts = np.bincount(reasons, minlength=256)
    exclusions = {str(reason): 0 for reason in ExclusionReason}
    for code, reason in REASON_CODES.items():
        exclusions[str(reason)] = int(counts[ord(code)])
    keep = np.flatnonzero(reasons == ord(ELIGIBLE_CODE))
    grade_col = np.ascontiguousarray(columns["grade"][keep]).view(np.uint8)
    # Each column made contiguous first: gathering from the strided fields of the PostgreSQL record array
    # goes element by element through numpy's generic copy, four times slower than the copy plus a gather.
    all_usccs = np.ascontiguousarray(columns["uscc"])
    order = keep[canonical_order(_take_codes(all_usccs, keep), grade_col)]
    usccs = _take_codes(all_usccs, order)
    blocks = np.ascontiguousarray(_as_void(columns["block"]))[order].view(np.uint8).reshape(-1, 16)
    ids = np.ascontiguousarray(columns["id"])[order].astype(np.int64)
    per_grade = np.bincount(grade_col, minlength=256)
    grade_counts = [(chr(code), int(per_grade[code])) for code in np.flatnonzero(per_grade).tolist()]
    # Rows come from the entity table, where the credit code is unique (a database constraint): no code can
    # be in two grades. from_sorted still checks the canonical order inside each grade.
    population = engine.Population.from_sorted(usccs, grade_counts, blocks=blocks, codes_unique=True)
    return Candidates(population, ids, len(reasons), exclusions)


def eligible_population(task: Task, rules: EligibilityRules, progress: ProgressFn | None = None) -> Candidates:
    """Read, count and freeze the eligible population of a task (timings of each stage kept for the bench)."""
    t0 = time.perf_counter()
    columns = read_candidates(candidate_queryset(task, rules))
    t1 = time.perf_counter()
    if progress is not None:
        progress("read")
    candidates = build_candidates(columns)
    candidates.timings = {"read": t1 - t0, "build": time.perf_counter() - t1}
    return candidates


# ---------------------------------------------------------------- the frozen population's internal index
# The published snapshot CSV holds (uscc, grade) in canonical order; the internal index beside it holds, row
# for row, the entity id and the ticket block: 8 + 16 bytes per row after a 16-byte header.

_INDEX_MAGIC = b"JGDRAWIDX1\0\0"


def index_bytes(candidates: Candidates) -> bytes:
    """The header, the ids (little-endian int64) and the blocks, written into one buffer (one copy each)."""
    n = len(candidates.ids)
    head = len(_INDEX_MAGIC) + 4
    out = np.empty(head + 24 * n, dtype=np.uint8)
    out[:head] = np.frombuffer(_INDEX_MAGIC + n.to_bytes(4, "little"), dtype=np.uint8)
    out[head : head + 8 * n].view("<i8")[:] = candidates.ids
    out[head + 8 * n :].reshape(n, 16)[:] = candidates.population.blocks
    return out.tobytes()


def parse_snapshot(csv_bytes: bytes) -> tuple[NDArray[np.bytes_], list[str]]:
    """usccs and grades of a canonical snapshot whose grades are one letter (fixed 21-byte rows)."""
    body = np.frombuffer(csv_bytes, dtype=np.uint8)[len(engine.SNAPSHOT_HEADER):]
    if len(body) % 21 or (len(body) and not (bool((body[18::21] == ord(",")).all())
                                             and bool((body[20::21] == ord("\n")).all()))):
        pop = engine.Population.from_csv(csv_bytes)  # general (slower) path: any grade token
        return pop.usccs, [g for s in pop.slices for g in [s.grade] * s.size]
    rows = body.reshape(-1, 21)
    return np.ascontiguousarray(rows[:, :18]).view("S18").ravel(), _grade_list(np.ascontiguousarray(rows[:, 19]))


def population_from_files(csv_bytes: bytes, index: bytes) -> tuple[engine.Population, NDArray[np.int64]]:
    """The frozen population (with its stored blocks) and its entity ids, from the snapshot and the index."""
    if not index.startswith(_INDEX_MAGIC):
        raise engine.PopulationInvalid("快照索引文件格式不符")
    n = int.from_bytes(index[len(_INDEX_MAGIC) : len(_INDEX_MAGIC) + 4], "little")
    off = len(_INDEX_MAGIC) + 4
    ids = np.frombuffer(index, dtype="<i8", count=n, offset=off).astype(np.int64)
    blocks = np.frombuffer(index, dtype=np.uint8, count=16 * n, offset=off + 8 * n).reshape(n, 16)
    usccs, grades = parse_snapshot(csv_bytes)
    if len(usccs) != n:
        raise engine.PopulationInvalid("快照与索引文件行数不一致")
    population = engine.Population.from_columns(usccs, grades, blocks=np.ascontiguousarray(blocks))
    if population.usccs is not usccs and not np.array_equal(population.usccs, usccs):
        raise engine.PopulationInvalid("快照不是规范顺序")
    return population, ids
