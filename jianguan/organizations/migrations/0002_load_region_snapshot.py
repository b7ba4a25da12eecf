"""Load the shipped region snapshot (NBS 2022-10-31) and the special codes 100000 and 990000."""

from django.db import migrations


def load(apps, schema_editor):
    from jianguan.organizations.regions import load_regions

    load_regions(apps.get_model("organizations", "Region"))


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
