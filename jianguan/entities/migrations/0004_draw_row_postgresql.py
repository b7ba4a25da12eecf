"""PostgreSQL only: a stored generated column `draw_row` holding each entity's fixed 43-byte draw row.

    uscc (18 ASCII bytes) || credit grade or 'U' (1) || draw_block (16) || id (8, big-endian)

The draw reads a million of these per second and core (draws/population.py): computing them at read time
was a quarter of the read's CPU. PostgreSQL keeps the column up to date on every insert and update (COPY
included), so no application code writes it, and the model does not declare it. SQLite has no such
column; its draw read builds the rows in the query. Adding the column rewrites the table once (about 20 s
per million entities).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

COLUMN_SQL = (
    "ALTER TABLE entities_entity ADD COLUMN draw_row bytea GENERATED ALWAYS AS "
    "((uscc::text || coalesce(credit_grade, 'U'))::bytea || draw_block || int8send(id)) STORED"
)


def add(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMN_SQL)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE entities_entity DROP COLUMN draw_row")


class Migration(migrations.Migration):
    dependencies = [("entities", "0003_fewer_indexes_for_bulk_writes")]

    operations = [migrations.RunPython(add, drop, elidable=False)]
