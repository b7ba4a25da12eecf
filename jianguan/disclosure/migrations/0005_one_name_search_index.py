"""One name-search index instead of two (PostgreSQL): the bigram index serves every fragment.

A name contains a fragment only if it contains every bigram of the fragment, so
``disclosure_bigrams(name) @> disclosure_bigrams(fragment)`` through the bigram GIN index of 0003 finds
a superset of the matches for fragments of any length ≥ 2, and the ``ILIKE`` beside it keeps the exact
ones. The trigram index of 0002 answered only fragments of three characters or more, and maintaining
both indexes was about 40 % of the database's work when importing entities (docs/performance.md).

``disclosure_bigrams`` is also rewritten to lower-case the name once instead of once per character
(same results, so the index built with the old definition stays valid).
"""

from django.db import migrations

TRIGRAM_INDEX = "disclosure_entity_name_trgm"
FUNCTION = """
CREATE OR REPLACE FUNCTION disclosure_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT coalesce(array_agg(substr(s.l, i, 2)), '{}'::text[])
   FROM (SELECT lower($1) AS l) AS s, generate_series(1, char_length($1) - 1) AS i $$
"""
OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION disclosure_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT coalesce(array_agg(substr(lower($1), i, 2)), '{}'::text[])
   FROM generate_series(1, char_length($1) - 1) AS i $$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_FUNCTION)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON entities_entity USING gin (name gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0004_line_has_reviewed_objection")]

    operations = [migrations.RunPython(forwards, backwards)]
