"""SQLite with PostgreSQL's integer ranges.

Django's SQLite backend lets every integer field hold 64 bits, because SQLite itself does not check.
The same field on PostgreSQL is a ``smallint`` or ``integer``. With the stock backend a value such as
40000 in a ``PositiveSmallIntegerField`` is accepted on the embedded database and refused on the
production one, and the OpenAPI schema (which takes the bounds from the field validators) differs
between the two. This backend gives the model validators, forms, serializers and the schema the
standard ranges on both databases.
"""

from __future__ import annotations

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def integer_field_range(self, internal_type: str) -> tuple[int, int]:
        return BaseDatabaseOperations.integer_field_range(self, internal_type)  # type: ignore[return-value]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
