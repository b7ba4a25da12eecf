"""Both databases give integer fields the same bounds (the embedded SQLite backend uses PostgreSQL's ranges)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from jianguan.inspections.models import Visit


@pytest.mark.django_db
def test_small_integer_fields_have_the_postgresql_range_on_every_database() -> None:
    field = Visit._meta.get_field("route_order")
    assert connection.ops.integer_field_range("PositiveSmallIntegerField") == (0, 32767)
    field.run_validators(32767)
    with pytest.raises(ValidationError):
        field.run_validators(32768)
