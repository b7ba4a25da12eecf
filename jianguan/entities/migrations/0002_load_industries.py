"""Load GB/T 4754-2017 sections (门类) and divisions (大类) from the shipped CSV."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "gbt4754_2017.csv"


def load(apps, schema_editor):
    Industry = apps.get_model("entities", "Industry")
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    existing = set(Industry.objects.values_list("code", flat=True))
    Industry.objects.bulk_create(
        [
            Industry(code=r["code"], name=r["name"], section=r["section"], level=r["level"])
            for r in rows
            if r["code"] not in existing
        ]
    )


def unload(apps, schema_editor):
    apps.get_model("entities", "Industry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("entities", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
