"""The committed OpenAPI schema must match the code; regenerate with `make schema`."""

from pathlib import Path

import pytest
from django.core.management import call_command

SCHEMA = Path(__file__).resolve().parents[3] / "openapi" / "schema.yaml"


@pytest.mark.django_db
def test_committed_openapi_schema_matches_the_code(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--lang", "zh-hans", "--file", str(out), "--validate")
    assert SCHEMA.exists(), "openapi/schema.yaml is missing: run `make schema`"
    assert out.read_text(encoding="utf-8") == SCHEMA.read_text(encoding="utf-8"), (
        "openapi/schema.yaml is stale: run `make schema` and commit it"
    )


def test_schema_and_docs_are_served(client, db) -> None:  # type: ignore[no-untyped-def]
    from jianguan.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
