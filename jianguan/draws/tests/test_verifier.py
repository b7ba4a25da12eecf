"""tools/verify_draw.py, run as a subprocess: confirms the committed vectors, rejects any alteration."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from jianguan.draws import engine
from jianguan.draws.engine import DrawParams, Population
from jianguan.draws.tests.helpers import seed_for
from jianguan.draws.tests.vectors import VECTOR_DIR, build_vectors, medium_draw, population_rows

ROOT = Path(__file__).resolve().parents[3]
VERIFIER = ROOT / "tools" / "verify_draw.py"
DRAWS = ["small", "small_sm4", "medium"]


def verify(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VERIFIER), *map(str, args)], capture_output=True, text=True, check=False, cwd=ROOT
    )


def load(name: str) -> dict[str, Any]:
    return json.loads((VECTOR_DIR / f"{name}_record.json").read_text(encoding="utf-8"))


def write(tmp_path: Path, record: dict[str, Any]) -> Path:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot(name: str) -> Path:
    return VECTOR_DIR / f"{name}_snapshot.csv"


def test_committed_vectors_are_what_the_engine_builds_today() -> None:
    for name, data in build_vectors().items():
        assert (VECTOR_DIR / name).read_bytes() == data, f"{name} is stale: python -m jianguan.draws.tests.vectors"


def test_committed_vectors_stay_small() -> None:
    assert sum(p.stat().st_size for p in VECTOR_DIR.iterdir()) < 500_000


@pytest.mark.parametrize("name", DRAWS)
def test_verifier_confirms_the_committed_draw(name: str) -> None:
    result = verify(VECTOR_DIR / f"{name}_record.json", snapshot(name))
    assert (result.returncode, result.stdout.strip().splitlines()[-1]) == (0, "OK"), result.stdout + result.stderr


def test_verifier_confirms_the_committed_joint_round() -> None:
    result = verify(VECTOR_DIR / "joint_record.json")
    assert (result.returncode, result.stdout.strip()) == (0, "OK"), result.stdout + result.stderr


def test_verifier_rejects_a_record_with_one_selected_entity_replaced(tmp_path: Path) -> None:
    record = load("medium")
    chosen = {s["uscc"] for s in record["selected"]}
    outsider = next(line.split(",")[0] for line in snapshot("medium").read_text().splitlines()[1:]
                    if line.split(",")[0] not in chosen and line.endswith(",C"))
    record["selected"][40]["uscc"] = outsider
    result = verify(write(tmp_path, record), snapshot("medium"))
    assert result.returncode == 1
    assert result.stdout.startswith("MISMATCH: selected[40]") and outsider in result.stdout


def test_verifier_rejects_a_record_with_one_revealed_value_altered(tmp_path: Path) -> None:
    record = load("medium")
    record["seed_material"]["reveals"][1]["value"] += "0"
    party = record["seed_material"]["reveals"][1]["party"]
    result = verify(write(tmp_path, record), snapshot("medium"))
    assert result.returncode == 1
    assert "MISMATCH: reveal of party" in result.stdout and party in result.stdout


def test_verifier_rejects_a_record_with_one_dice_digit_altered(tmp_path: Path) -> None:
    record = load("medium")
    digits = record["seed_material"]["dice"]["digits"]
    record["seed_material"]["dice"]["digits"] = ("1" if digits[0] != "1" else "2") + digits[1:]
    result = verify(write(tmp_path, record), snapshot("medium"))
    assert result.returncode == 1 and result.stdout.startswith("MISMATCH: keys.")


def test_verifier_rejects_altered_seed_even_when_the_keys_are_recomputed_to_match(tmp_path: Path) -> None:
    record = load("medium")
    record["seed_material"]["beacon"]["value"] = "00" + record["seed_material"]["beacon"]["value"][2:]
    raw = engine.canonical_json(record["seed_material"])
    record["keys"] = {"k_assign": hashlib.sha256(b"JG-DRAW-1/assign" + raw).digest()[:16].hex(),
                      "k_draw": hashlib.sha256(b"JG-DRAW-1/draw" + raw).digest()[:16].hex()}
    result = verify(write(tmp_path, record), snapshot("medium"))
    assert result.returncode == 1 and result.stdout.startswith("MISMATCH: selected[0]")


def test_verifier_rejects_a_snapshot_with_one_row_altered(tmp_path: Path) -> None:
    lines = snapshot("medium").read_text().splitlines(keepends=True)
    lines[500] = lines[500].replace(",A", ",B")  # regrade one entity; order is still valid at row 501
    altered = tmp_path / "snapshot.csv"
    altered.write_text("".join(lines))
    result = verify(VECTOR_DIR / "medium_record.json", altered)
    assert result.returncode == 1 and result.stdout.startswith("MISMATCH: announcement.snapshot.hash")


def test_verifier_rejects_a_record_with_one_team_member_swapped(tmp_path: Path) -> None:
    record = load("medium")
    team = record["teams"]["assignments"][7]["inspectors"]
    team[0] = next(i["id"] for i in record["teams"]["inspectors"] if i["id"] not in team)
    result = verify(write(tmp_path, record), snapshot("medium"))
    assert result.returncode == 1 and result.stdout.startswith("MISMATCH: teams.assignments[7]")


def test_verifier_rejects_a_ratio_changed_after_publication(tmp_path: Path) -> None:
    record = load("small")
    record["announcement"]["params"]["ratios_pct"]["A"] = "20"
    result = verify(write(tmp_path, record), snapshot("small"))
    assert result.returncode == 1 and result.stdout.startswith("MISMATCH: announcement.params_hash")


def test_verifier_rejects_a_joint_round_that_overstates_the_visits_saved(tmp_path: Path) -> None:
    record = load("joint")
    record["announcement"]["merge"]["visits_saved"] += 1
    result = verify(write(tmp_path, record))
    assert result.returncode == 1 and result.stdout.startswith("MISMATCH: merge counts")


def test_verifier_skips_teams_only_when_the_recusal_list_is_confidential(tmp_path: Path) -> None:
    record = load("medium")
    record["teams"]["recusals"] = None
    result = verify(write(tmp_path, record), snapshot("medium"))
    assert result.returncode == 0 and "confidential" in result.stdout


def test_entity_check_shows_a_selected_entity_and_its_ticket() -> None:
    record = load("small")
    entity = record["selected"][0]
    result = verify(VECTOR_DIR / "small_record.json", snapshot("small"), "--entity", entity["uscc"])
    assert result.returncode == 0
    assert f"ticket = {entity['ticket']}" in result.stdout and "SELECTED (ticket <= cutoff)" in result.stdout


def test_entity_check_of_an_entity_not_drawn_needs_only_its_grade() -> None:
    record = load("small")
    chosen = {s["uscc"] for s in record["selected"]}
    uscc, grade = next(line.split(",") for line in snapshot("small").read_text().splitlines()[1:]
                       if line.split(",")[0] not in chosen)
    result = verify(VECTOR_DIR / "small_record.json", "--entity", uscc, "--grade", grade)
    assert result.returncode == 0 and "NOT SELECTED" in result.stdout


def test_entity_check_fails_when_the_record_lists_the_entity_wrongly(tmp_path: Path) -> None:
    record = load("small")
    dropped = record["selected"].pop(0)
    result = verify(write(tmp_path, record), snapshot("small"), "--entity", dropped["uscc"])
    assert result.returncode == 1 and "MISMATCH: presence" in result.stdout


def test_handcheck_values_follow_the_spec() -> None:
    h = json.loads((VECTOR_DIR / "handcheck.json").read_text(encoding="utf-8"))
    t, r = h["ticket_example"], h["rank_example"]
    assert t["block"] == hashlib.sha256(t["uscc"].encode()).hexdigest()[:32]
    assert t["k_draw"] == hashlib.sha256(b"JG-DRAW-1/draw" + t["seed_material_json"].encode()).hexdigest()[:32]
    assert t["k_draw"] == load("small")["keys"]["k_draw"]
    assert t["ticket"] == engine.ecb_encrypt(engine.ALGORITHM, bytes.fromhex(t["k_draw"]), bytes.fromhex(t["block"])).hex()
    assert t["ticket"] == next(s["ticket"] for s in load("small")["selected"] if s["uscc"] == t["uscc"])
    medium = load("medium")
    assert r["k_assign"] == medium["keys"]["k_assign"]
    assert r["inspector_id"] == medium["teams"]["assignments"][0]["inspectors"][0]
    xor = bytes(a ^ b for a, b in zip(bytes.fromhex(r["uscc_block"]), bytes.fromhex(r["inspector_block"]), strict=True))
    assert xor.hex() == r["pair_block"]
    c = h["commitment"]
    assert c["commitment"] == hashlib.sha256((c["value"] + c["salt"]).encode()).hexdigest()


def openssl_ecb(key_hex: str, data: bytes) -> str:
    return subprocess.run(
        ["openssl", "enc", "-aes-128-ecb", "-nopad", "-K", key_hex], input=data, capture_output=True, check=True
    ).stdout.hex()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_openssl_reproduces_the_handcheck_ticket_and_rank() -> None:
    h = json.loads((VECTOR_DIR / "handcheck.json").read_text(encoding="utf-8"))
    t, r = h["ticket_example"], h["rank_example"]
    assert openssl_ecb(t["k_draw"], bytes.fromhex(t["block"])) == t["ticket"]
    assert openssl_ecb(r["k_assign"], bytes.fromhex(r["pair_block"])) == r["rank_ticket"]


def test_verifier_confirms_a_full_coverage_draw(tmp_path: Path) -> None:
    population = Population.from_rows(population_rows({"A": 4, "U": 3}))
    params = DrawParams(full_coverage=True)
    result = engine.draw(population, params, seed_for(params, population))
    (tmp_path / "snapshot.csv").write_bytes(population.snapshot_csv())
    outcome = verify(write(tmp_path, result.to_record()), tmp_path / "snapshot.csv")
    assert (outcome.returncode, outcome.stdout.strip()) == (0, "OK"), outcome.stdout


def test_verifier_confirms_a_draw_with_an_empty_grade_and_an_empty_quota(tmp_path: Path) -> None:
    population = Population.from_rows(population_rows({"A": 30, "B": 5}))
    params = DrawParams({"A": "0", "B": "20", "D": "20"})
    result = engine.draw(population, params, seed_for(params, population))
    (tmp_path / "snapshot.csv").write_bytes(population.snapshot_csv())
    outcome = verify(write(tmp_path, result.to_record()), tmp_path / "snapshot.csv")
    assert (outcome.returncode, outcome.stdout.strip()) == (0, "OK"), outcome.stdout
    assert [(g.grade, g.quota, g.cutoff is None) for g in result.grades] == [("A", 0, True), ("B", 1, False),
                                                                             ("D", 0, True)]


def test_announcement_published_before_the_ceremony_is_the_one_in_the_record() -> None:
    result, population = medium_draw()
    commitments = result.seed_material.commitments_json()
    announced = engine.announce(result.seed_material.task_id, population, result.params, commitments)
    assert announced == result.to_record()["announcement"]


def test_confidential_recusals_need_a_salt_and_leave_only_their_hash() -> None:
    result, _ = medium_draw()
    assert result.pool is not None
    record = result.to_record(confidential_recusals=True)
    assert record["teams"]["recusals"] is None
    assert record["announcement"]["params"]["team"]["recusals_hash"] == result.pool.recusals_hash()
    unsalted = replace(result, pool=replace(result.pool, recusals_salt=""))
    with pytest.raises(engine.ParamsInvalid, match="盐值"):
        unsalted.to_record(confidential_recusals=True)
