#!/usr/bin/env python3
"""Verify a JG-DRAW-1 record without Jianguan (spec: docs/draw-spec.md). Python stdlib + `cryptography`.

  verify_draw.py RECORD.json SNAPSHOT.csv     a draw: prints OK (exit 0) or the FIRST mismatch (exit 1)
  verify_draw.py JOINT.json                   a joint round (汇总取重) and its teams
  verify_draw.py RECORD.json [SNAPSHOT.csv] --entity USCC [--grade G]   was this entity drawn? shows the check
"""

import argparse
import hashlib
import json
import re
import sys
from fractions import Fraction
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

CIPHERS = {"JG-DRAW-1": algorithms.AES, "JG-DRAW-1-SM4": algorithms.SM4}
USCC, GRADE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}"), re.compile(r"[A-Z][A-Z0-9]{0,7}")
RATIO = re.compile(r"(?:0|[1-9][0-9]{0,2})(?:\.[0-9]{0,5}[1-9])?")


class Mismatch(Exception):
    pass


def cj(obj: Any) -> bytes:  # canonical JSON, spec §2
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def block(text: str) -> bytes:  # spec §5
    return hashlib.sha256(text.encode()).digest()[:16]


def tickets(alg: str, key: bytes, blocks: list[bytes]) -> list[int]:  # E(key, block) as 128-bit big-endian integers, one ECB pass
    enc = Cipher(CIPHERS[alg](key), modes.ECB()).encryptor()
    ct = enc.update(b"".join(blocks)) + enc.finalize()
    return [int.from_bytes(ct[i : i + 16], "big") for i in range(0, len(ct), 16)]


def expect(what: str, recorded: Any, recomputed: Any) -> None:
    if recorded != recomputed:
        raise Mismatch(f"{what}: record has {recorded!r}, recomputed {recomputed!r}")


def expect_list(what: str, recorded: list[Any], recomputed: list[Any]) -> None:
    for i, (r, c) in enumerate(zip(recorded, recomputed, strict=False)):
        expect(f"{what}[{i}]", r, c)
    expect(f"number of {what}", len(recorded), len(recomputed))


def read_snapshot(path: str, alg: str, published: str) -> list[tuple[str, ...]]:  # spec §3: hash first, then the canonical form
    with open(path, "rb") as f:
        data = f.read()
    h = hashes.Hash(hashes.SM3() if alg == "sm3" else hashes.SHA256())
    h.update(data)
    expect("announcement.snapshot.hash", published, h.finalize().hex())
    if not data.startswith(b"uscc,grade\n") or not data.endswith(b"\n") or b"\r" in data:
        raise Mismatch("snapshot is not canonical: header `uscc,grade` and LF line endings required")
    rows = [tuple(line.split(",")) for line in data.decode()[11:].split("\n")[:-1]]
    for i, row in enumerate(rows):
        if len(row) != 2 or not USCC.fullmatch(row[0]) or not GRADE.fullmatch(row[1]):
            raise Mismatch(f"snapshot row {i + 2} is malformed: {','.join(row)!r}")
        if i and (row[1], row[0]) <= (rows[i - 1][1], rows[i - 1][0]):
            raise Mismatch(f"snapshot row {i + 2} is out of order or repeated: {','.join(row)!r}")
    if len({u for u, _ in rows}) != len(rows):
        raise Mismatch("snapshot lists a uscc under two grades")
    return rows


def check_seed(rec: dict[str, Any], ann: dict[str, Any], frozen_hash: str) -> dict[str, bytes]:  # spec §4: commitments, ceremony rules, keys
    sm = rec["seed_material"]
    for name, want in [("algorithm", ann["algorithm"]), ("task_id", ann["task_id"]),
                       ("params_hash", ann["params_hash"]), ("snapshot_hash", frozen_hash)]:
        expect(f"seed_material.{name}", sm[name], want)
    parties = [r["party"] for r in sm["reveals"]]
    if parties != sorted(set(parties)) or not all(parties):
        raise Mismatch("seed_material.reveals must be sorted by party name, without repeats")
    expect("announcement.commitments", ann["commitments"],
           [{"commitment": r["commitment"], "party": r["party"]} for r in sm["reveals"]])
    for r in sm["reveals"]:
        if not r["value"] or not re.fullmatch("[0-9a-f]{32}", r["salt"]) \
                or sha((r["value"] + r["salt"]).encode()) != r["commitment"]:
            raise Mismatch(f"reveal of party {r['party']!r} does not match its commitment")
    dice = sm["dice"]
    if dice is not None and (not re.fullmatch("[0-9]{20,}", dice["digits"]) or not all(dice["witnesses"])
                             or not dice["witnesses"] or dice["witnesses"] != sorted(set(dice["witnesses"]))):
        raise Mismatch("seed_material.dice needs at least 20 digits and sorted, distinct witness names")
    if len(parties) < 2 and dice is None:
        raise Mismatch("seed material needs reveals from two parties or a witnessed dice roll")
    keys = {name: hashlib.sha256(label + cj(sm)).digest()[:16]
            for name, label in [("k_draw", b"JG-DRAW-1/draw"), ("k_assign", b"JG-DRAW-1/assign")]}
    for name in rec["keys"]:
        expect(f"keys.{name}", rec["keys"][name], keys[name].hex())
    return keys


def check_teams(rec: dict[str, Any], alg: str, key: bytes, rules: dict[str, Any], visits: list[Any]) -> str | None:
    # spec §7; visits: [(uscc, {department: [domains]})] in staffing order
    teams, cap, fill_to = rec["teams"], rules["workload_cap"], rules["min_team"]
    expect("params.team.inspectors_hash", rules["inspectors_hash"], sha(cj(teams["inspectors"])))
    if teams["recusals"] is None:
        return "note: the recusal list is confidential (only its hash is published); teams were not recomputed"
    expect("params.team.recusals_hash", rules["recusals_hash"], sha(cj(teams["recusals"])))
    recused, load, want = {tuple(p) for p in teams["recusals"]["pairs"]}, dict[str, int](), []
    for uscc, need in visits:
        cands = [i for i in teams["inspectors"]
                 if i["department"] in need and set(need[i["department"]]) <= set(i["domains"])]
        pairs = [bytes(a ^ b for a, b in zip(block(uscc), block(i["id"]), strict=True)) for i in cands]
        firsts, team, fill = set[str](), list[str](), max(0, fill_to - len(need))
        for _, _, ins in sorted(zip(tickets(alg, key, pairs), (i["id"] for i in cands), cands, strict=True)):
            if (ins["id"], uscc) in recused or (cap is not None and load.get(ins["id"], 0) >= cap):
                continue
            if ins["department"] in firsts and len(team) - len(firsts) >= fill:
                continue
            firsts.add(ins["department"])
            team.append(ins["id"])
            if len(firsts) == len(need) and len(team) - len(firsts) >= fill:
                break
        if len(firsts) < len(need) or len(team) - len(firsts) < fill:
            raise Mismatch(f"the team rules cannot be met for {uscc}, yet the record shows a team")
        for i in team:
            load[i] = load.get(i, 0) + 1
        want.append((uscc, team))
    expect_list("teams.assignments", [(a["uscc"], a["inspectors"]) for a in teams["assignments"]], want)
    return None


def quota(params: dict[str, Any], grade: str, n: int) -> int:  # spec §6: ceil(ratio × N / 100), exact
    if params["full_coverage"]:
        return n
    r = params["ratios_pct"][grade]
    if not RATIO.fullmatch(r) or Fraction(r) > 100:
        raise Mismatch(f"params.ratios_pct[{grade!r}] is not a canonical decimal string in 0..100")
    return -((-Fraction(r).numerator * n) // (Fraction(r).denominator * 100))


def verify_joint(rec: dict[str, Any], ann: dict[str, Any], params: dict[str, Any], alg: str) -> list[str | None]:  # spec §8
    merge, drawn = ann["merge"], dict[str, list[Any]]()
    for dep in merge["inputs"]:
        for u in dep["selected"]:
            drawn.setdefault(u, []).append(dep)
    visits = [{"departments": sorted(d["department"] for d in drawn[u]), "uscc": u,
               "items": sorted({i for d in drawn[u] for i in d["items"]})} for u in sorted(drawn)]
    expect_list("merge.visits", merge["visits"], visits)
    before = sum(len(d["selected"]) for d in merge["inputs"])
    expect("merge counts", [merge["visits_before"], merge["visits_after"], merge["visits_saved"]],
           [before, len(visits), before - len(visits)])
    expect("announcement.merge_hash", ann["merge_hash"], sha(cj(merge)))
    key = check_seed(rec, ann, ann["merge_hash"])["k_assign"]
    order = sorted(zip(tickets(alg, key, [block(u) for u in drawn]), drawn, strict=True))
    expect_list("order tickets", [(a["order_ticket"], a["uscc"]) for a in rec["teams"]["assignments"]],
                [(f"{t:032x}", u) for t, u in order])
    need = {d["department"]: sorted({x for i in d["items"] for x in params["item_domains"][i]})
            for d in merge["inputs"]}
    plan = [(u, {d["department"]: need[d["department"]] for d in drawn[u]}) for _, u in order]
    return [check_teams(rec, alg, key, params["team"], plan)]


def verify(rec: dict[str, Any], snapshot_path: str | None, entity: str | None = None,
           grade: str | None = None) -> list[str | None]:
    ann = rec["announcement"]
    params, alg = ann["params"], ann["algorithm"]
    expect("format", rec["format"], "JG-DRAW-1/record")
    expect("announcement.params_hash", ann["params_hash"], sha(cj(params)))
    if alg not in CIPHERS or params["algorithm"] != alg or rec["kind"] not in ("draw", "joint"):
        raise Mismatch(f"unknown or inconsistent algorithm id {alg!r} or record kind {rec['kind']!r}")
    if rec["kind"] == "joint":
        return verify_joint(rec, ann, params, alg)
    expect("params.rounding", params["rounding"], "ceil")
    snap, rows = ann["snapshot"], None
    keys = check_seed(rec, ann, snap["hash"])
    if snapshot_path:
        rows = read_snapshot(snapshot_path, params["snapshot_hash_algorithm"], snap["hash"])
        expect("announcement.snapshot.rows", snap["rows"], len(rows))
    if entity:  # self-check (spec §6): the entity's ticket under K_draw against its grade's cutoff
        grade = grade or next((g for u, g in rows or [] if u == entity), None) or next(
            (s["grade"] for s in rec["selected"] if s["uscc"] == entity), None)
        if grade is None:
            raise Mismatch(f"{entity} is not in the snapshot; pass --grade to check it anyway")
        t = tickets(alg, keys["k_draw"], [block(entity)])[0]
        cutoff = next(g["cutoff"] for g in rec["grades"] if g["grade"] == grade)
        chosen = cutoff is not None and t <= int(cutoff, 16)
        print(f"uscc {entity}, grade {grade}\nblock  = SHA-256(uscc)[:16] = {block(entity).hex()}\n"
              f"K_draw = {keys['k_draw'].hex()}\nticket = {t:032x}\ncutoff = {cutoff}\n"
              + ("SELECTED (ticket <= cutoff)" if chosen else "NOT SELECTED (ticket > cutoff)"))
        expect(f"presence of {entity} in selected", any(s["uscc"] == entity for s in rec["selected"]), chosen)
        return []
    if rows is None:
        raise Mismatch("the snapshot CSV is needed to verify the whole draw")
    by_grade: dict[str, list[str]] = {}
    for u, g in rows:
        by_grade.setdefault(g, []).append(u)
    names = sorted(set(by_grade) | set(params["ratios_pct"]))
    expect("announcement.snapshot.counts", snap["counts"], {g: len(by_grade.get(g, [])) for g in names})
    expect("announcement.quotas", ann["quotas"], {g: quota(params, g, len(by_grade.get(g, []))) for g in names})
    selected, grades = [], []
    for g in names:  # spec §6: the n_g smallest (ticket, uscc) of each grade
        us = by_grade.get(g, [])
        ranked = sorted(zip(tickets(alg, keys["k_draw"], [block(u) for u in us]), us, strict=True))
        ranked = ranked[: quota(params, g, len(us))]
        selected += [{"grade": g, "ticket": f"{t:032x}", "uscc": u} for t, u in ranked]
        grades.append({"cutoff": f"{ranked[-1][0]:032x}" if ranked else None, "grade": g, "population": len(us),
                       "quota": len(ranked), "ratio_pct": params["ratios_pct"].get(g)})
    expect_list("selected", rec["selected"], selected)
    expect_list("grades", rec["grades"], grades)
    if params["team"] is None:
        expect("teams", rec["teams"], None)
        return []
    need = params["team"]["requirements"]
    return [check_teams(rec, alg, keys["k_assign"], params["team"], [(s["uscc"], need) for s in selected])]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("record")
    ap.add_argument("snapshot", nargs="?")
    ap.add_argument("--entity", help="check one entity by its uscc")
    ap.add_argument("--grade", help="the entity's grade, when no snapshot is given")
    args = ap.parse_args(argv)
    try:
        with open(args.record, encoding="utf-8") as f:
            notes = verify(json.load(f), args.snapshot, args.entity, args.grade)
    except Mismatch as e:
        print(f"MISMATCH: {e}")
        return 1
    except (KeyError, TypeError, ValueError, StopIteration) as e:
        print(f"MISMATCH: malformed record ({type(e).__name__}: {e})")
        return 1
    for note in filter(None, notes):
        print(note)
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
