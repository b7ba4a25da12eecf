"""A bigram index for two-character name fragments on PostgreSQL.

Chinese names are searched by short fragments (恒达, 超市). The trigram index of 0002 cannot serve
``LIKE '%恒达%'`` (a two-character pattern has no trigram), so such a search would read the whole
directory (≈0.7 s at 10⁶ entities). A GIN index over the name's character bigrams answers it exactly:
``disclosure_bigrams(name) @> ARRAY['恒达']``. Lower-cased, so that Latin letters match regardless of
case, like the ILIKE of longer fragments. PostgreSQL only; SQLite scans.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION disclosure_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT coalesce(array_agg(substr(lower($1), i, 2)), '{}'::text[])
   FROM generate_series(1, char_length($1) - 1) AS i $$
"""
INDEX = "disclosure_entity_name_bigram"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON entities_entity USING gin (disclosure_bigrams(name))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS disclosure_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0002_objection_window_and_name_search")]

    operations = [migrations.RunPython(forwards, backwards)]
