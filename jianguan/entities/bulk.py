"""Raw bulk inserts for the directory's big paths (import, seeding).

Django's bulk_create spends most of its time compiling SQL (about 60% of an import of new rows in a
profile); these paths already hold validated values, so they write rows as tuples: PostgreSQL through
COPY (psycopg), other databases through executemany. Values are adapted once per column, by field type.

For the million-row import on PostgreSQL there is more: ids drawn from the sequence beforehand (no
read-back), rows formatted straight into COPY's text format, foreign keys checked per COPY rather than
all at commit, and a background writer so that the database's work on one batch overlaps the parsing
of the next.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

# One encoder for every row (json.dumps with options builds a new encoder on each call).
dumps_json = json.JSONEncoder(ensure_ascii=False).encode
_dumps = dumps_json


def _adapters(model: type[models.Model], columns: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    fields = {f.column: f for f in model._meta.concrete_fields}
    postgres = connection.vendor == "postgresql"
    out: list[Callable[[Any], Any] | None] = []
    for column in columns:
        field = fields[column]
        if isinstance(field, models.JSONField):
            out.append(_dumps)
        elif postgres:
            out.append(None)  # COPY adapts dates, datetimes, bytes and booleans itself
        elif isinstance(field, models.DateTimeField):
            # A batch shares one timestamp: adapt it once.
            out.append(functools.lru_cache(maxsize=8)(connection.ops.adapt_datetimefield_value))
        elif isinstance(field, models.DateField):
            out.append(connection.ops.adapt_datefield_value)
        elif isinstance(field, models.BooleanField):
            out.append(int)
        else:
            out.append(None)
    return out


@dataclass(frozen=True)
class Insert:
    """A prepared insert into one table: the statement and the per-column adapters."""

    sql: str
    adapters: tuple[Callable[[Any], Any] | None, ...]
    copy: bool  # PostgreSQL COPY; otherwise executemany


def prepare_insert(model: type[models.Model], columns: Sequence[str]) -> Insert:
    adapters = tuple(_adapters(model, columns))
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        return Insert(f"COPY {table} ({cols}) FROM STDIN", adapters, True)
    marks = ", ".join(["%s"] * len(columns))
    return Insert(f"INSERT INTO {table} ({cols}) VALUES ({marks})", adapters, False)  # noqa: S608 - model names


def run_insert(insert: Insert, rows: Iterable[Sequence[Any]]) -> None:
    """Write rows (tuples) with a prepared insert, inside the caller's transaction."""
    adapters = insert.adapters
    if any(adapters):
        rows = (
            [a(v) if a is not None and v is not None else v for a, v in zip(adapters, row, strict=True)]
            for row in rows
        )
    with connection.cursor() as cur:
        if insert.copy:
            with cur.cursor.copy(insert.sql) as copy:  # the psycopg cursor under Django's wrapper
                for row in rows:
                    copy.write_row(row)
            return
        cur.executemany(insert.sql, list(rows))


# COPY's text format: backslash, tab, newline and carriage return are escaped; NULL is \N.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_NULL = "\\N"


def copy_text(value: str) -> str:
    """A text value in COPY's text format (most values need no escaping: checked first, in C)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def run_copy_text(insert: Insert, lines: list[str], raw: Any = None) -> None:
    """PostgreSQL: write rows already in COPY's text format (one per line, newline-terminated). `raw`: the
    psycopg connection under Django's, for a worker thread (which must not touch Django's thread-local
    connection)."""
    if not lines:
        return
    if raw is not None:
        with raw.cursor() as cur, cur.copy(insert.sql) as copy:
            copy.write("".join(lines))
        return
    with connection.cursor() as cur, cur.cursor.copy(insert.sql) as copy:
        copy.write("".join(lines))


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows (tuples in `columns` order) into the model's table, inside the caller's transaction."""
    run_insert(prepare_insert(model, columns), rows)


class BackgroundWriter:
    """PostgreSQL: runs write jobs on one worker thread, on the caller's connection and transaction.

    The import's Python work (parsing, checking, building rows) and the database's work (inserting,
    indexing, checking foreign keys) then overlap instead of taking turns: while the server takes in
    one batch's COPY, the caller parses the next. A job gets the psycopg connection; the caller must
    call wait() before it uses the connection itself (psycopg does not lock a connection during COPY).
    A job's database error is raised by the next wait(), as Django's exception.
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jianguan-copy")
        self.pending: Future[None] | None = None

    def submit(self, job: Callable[[Any], None]) -> None:
        self.wait()
        self.pending = self.pool.submit(job, self.raw)

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            with connection.wrap_database_errors:
                pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown()


def allocate_ids(model: type[models.Model], count: int) -> list[int] | None:
    """PostgreSQL: `count` new primary keys drawn from the table's sequence, so that rows can be COPYed
    with their ids and no query has to read them back. None elsewhere (the caller reads the ids back)."""
    if connection.vendor != "postgresql" or count <= 0:
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        (sequence,) = cur.fetchone()
        cur.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [pk for (pk,) in cur.fetchall()]


def foreign_key_constraints(models_: Sequence[type[models.Model]]) -> list[str]:
    """Names of the foreign-key constraints on these models' tables (PostgreSQL)."""
    names: list[str] = []
    with connection.cursor() as cur:
        for model in models_:
            constraints = connection.introspection.get_constraints(cur, model._meta.db_table)
            names.extend(sorted(name for name, info in constraints.items() if info["foreign_key"]))
    return names


@contextmanager
def foreign_keys_checked_per_statement(models_: Sequence[type[models.Model]]) -> Iterator[None]:
    """Check these tables' foreign keys at the end of each statement instead of at commit (PostgreSQL).

    Django declares foreign keys DEFERRABLE INITIALLY DEFERRED: a million-row import would queue
    millions of checks for the commit, when the rows they probe have long left the buffer cache. Checked
    per COPY, they run while those rows are hot and the queue stays small. The constraints go back to
    deferred at the end; if the block fails, the rollback (of the transaction or savepoint) undoes it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    names = ", ".join(connection.ops.quote_name(n) for n in foreign_key_constraints(models_))
    if not names:
        yield
        return
    with connection.cursor() as cur:
        cur.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    yield
    if not connection.needs_rollback:
        with connection.cursor() as cur:
            cur.execute(f"SET CONSTRAINTS {names} DEFERRED")


def ids_by_uscc(usccs: Sequence[str]) -> dict[str, int]:
    """{uscc: id} of the existing entities among these codes, in one query.

    On PostgreSQL the codes travel as one array parameter (= ANY): a 2,000-item IN list costs more to
    build and parse than the lookup itself.
    """
    from jianguan.entities.models import Entity

    if not usccs:
        return {}
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Entity._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(f"SELECT uscc, id FROM {table} WHERE uscc = ANY(%s)", [list(usccs)])  # noqa: S608
            return dict(cur.fetchall())
    return dict(Entity.objects.filter(uscc__in=list(usccs)).values_list("uscc", "pk"))
