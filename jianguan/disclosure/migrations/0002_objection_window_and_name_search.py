"""The national default objection window, and a trigram index for the portal's name search.

The objection window defaults to 15 working days after publication (configurable per jurisdiction in
ObjectionWindowRule). The trigram index serves ``name ILIKE '%fragment%'`` on the entity directory at
10⁶ rows; it needs PostgreSQL's pg_trgm extension, so it is created only on PostgreSQL (SQLite has no
equivalent and scans). CONCURRENTLY is not used: the migration runs in a transaction.
"""

from django.db import migrations

INDEX = "disclosure_entity_name_trgm"


def seed_window(apps, schema_editor):
    ObjectionWindowRule = apps.get_model("disclosure", "ObjectionWindowRule")
    ObjectionWindowRule.objects.update_or_create(
        region_prefix="",
        defaults={"working_days": 15, "source": "公示之日起 15 个工作日内可提出异议（平台默认，可按辖区配置）"},
    )


def unseed_window(apps, schema_editor):
    apps.get_model("disclosure", "ObjectionWindowRule").objects.filter(region_prefix="").delete()


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON entities_entity USING gin (name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_publications_objections_cases"),
        ("entities", "0003_fewer_indexes_for_bulk_writes"),
    ]

    operations = [
        migrations.RunPython(seed_window, unseed_window),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
