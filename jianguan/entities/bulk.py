"""Raw bulk inserts for the directory's big paths (import, seeding).

Django's bulk_create spends most of its time compiling SQL (about 60% of an import of new rows in a
profile); these paths already hold validated values, so they write rows as tuples: PostgreSQL through
COPY (psycopg), other databases through executemany. Values are adapted once per column, by field type.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


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


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows (tuples in `columns` order) into the model's table, inside the caller's transaction."""
    adapters = _adapters(model, columns)
    if any(adapters):
        pairs = list(enumerate(adapters))
        rows = (
            [a(v) if a is not None and v is not None else v for (_, a), v in zip(pairs, row, strict=True)]
            for row in rows
        )
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 - names from model metadata
        cur.executemany(sql, list(rows))


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
