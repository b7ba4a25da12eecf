"""One name-search index instead of two (PostgreSQL): the bigram index serves every fragment.

A name contains a fragment only if it contains every bigram of the fragment, so
``disclosure_bigrams(name) @> disclosure_bigrams(fragment)`` through the bigram GIN index of 0003 finds
a superset of the matches for fragments of any length ≥ 2, and the ``ILIKE`` beside it keeps the exact
ones. The trigram index of 0002 answered only fragments of three characters or more, and maintaining
both indexes was about 40 % of the database's work when importing entities (docs/performance.md).

``disclosure_bigrams`` is also rewritten as one expression (which PostgreSQL inlines: no function
call per row) that lower-cases the name once and pairs each character with the next by one
``regexp_replace`` — about 2.8 µs a name instead of 12.6 µs at 10⁵ names, and the import's database work
about a third lighter. The results are the same for every name; a name containing the separator
character chr(1) takes the exact per-character path (``disclosure_bigrams_exact``, the old definition),
so the index built with the old definition stays valid.
"""

from django.db import migrations

TRIGRAM_INDEX = "disclosure_entity_name_trgm"
EXACT = """
CREATE OR REPLACE FUNCTION disclosure_bigrams_exact(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT coalesce(array_agg(substr(lower($1), i, 2)), '{}'::text[])
   FROM generate_series(1, char_length($1) - 1) AS i $$
"""
FUNCTION = r"""
CREATE OR REPLACE FUNCTION disclosure_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN strpos($1, chr(1)) = 0
   THEN (string_to_array(regexp_replace(lower($1), '(.)', '\1' || chr(1) || '\1', 'g'), chr(1)))[2:char_length($1)]
   ELSE disclosure_bigrams_exact($1) END $$
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
    schema_editor.execute(EXACT)
    schema_editor.execute(FUNCTION)
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_FUNCTION)
    schema_editor.execute("DROP FUNCTION IF EXISTS disclosure_bigrams_exact(text)")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON entities_entity USING gin (name gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0004_line_has_reviewed_objection")]

    operations = [migrations.RunPython(forwards, backwards)]
