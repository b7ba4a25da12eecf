"""Loading the shipped region snapshot (NBS statistical division codes as of 2022-10-31)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data" / "regions"
SNAPSHOT_DATE = dt.date(2022, 10, 31)
SOURCE = "国家统计局统计用区划代码 2022-10-31"


def snapshot_rows() -> list[dict[str, Any]]:
    """Every region of the snapshot as dicts, parents before children, plus the special codes."""
    from jianguan.organizations.models import SPECIAL_REGION_CODES

    rows: list[dict[str, Any]] = []
    with open(DATA_DIR / "provinces.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.append({"code": f"{r['code']}0000", "name": r["name"], "level": 1, "parent_id": None})
    with open(DATA_DIR / "cities.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.append({"code": f"{r['code']}00", "name": r["name"], "level": 2, "parent_id": f"{r['provinceCode']}0000"})
    with open(DATA_DIR / "areas.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["code"] == f"{r['cityCode']}00":
                # Prefecture-level cities without districts (东莞, 中山, 儋州) list themselves again
                # as an area; the city row already stands for them.
                continue
            rows.append({"code": r["code"], "name": r["name"], "level": 3, "parent_id": f"{r['cityCode']}00"})
    for code, name in SPECIAL_REGION_CODES.items():
        rows.append({"code": code, "name": name, "level": 0, "parent_id": None, "is_special": True})
    return rows


def load_regions(region_model: Any) -> int:
    """Insert regions missing from the table; existing codes are left as they are."""
    existing = set(region_model.objects.values_list("code", flat=True))
    new = [
        region_model(valid_from=SNAPSHOT_DATE, source=SOURCE, **row)
        for row in snapshot_rows()
        if row["code"] not in existing
    ]
    # Parents first: provinces, then cities, then counties, in separate batches.
    for level in (0, 1, 2, 3):
        region_model.objects.bulk_create([r for r in new if r.level == level], batch_size=1000)
    return len(new)
