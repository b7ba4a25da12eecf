"""JG-DRAW-1: the pure, verifiable double-random draw kernel (双随机抽取内核).

A draw is a pure function of (frozen population, published parameters, witnessed seed material):
no Django, no database, no clock and no unseeded randomness. Every byte format used here is
specified in docs/draw-spec.md, and tools/verify_draw.py re-implements it independently with the
standard library and `cryptography` only. Keep the three in step.

Rules implemented (sources in docs/draw-spec.md): credit-differentiated ratios per grade [001][003],
n_g = ceil(ratio × N_g / 100) computed exactly, the n_g smallest keyed tickets per grade, teams of
at least two qualified, non-recused inspectors under a workload cap, one from each department of a
joint visit [001]. Exclusions (drawn twice this year, inspected by an upper level …) are applied by
the database before the population reaches this module.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final, NamedTuple

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, CipherAlgorithm, algorithms, modes
from numpy.typing import NDArray

ALGORITHM: Final = "JG-DRAW-1"
ALGORITHM_SM4: Final = "JG-DRAW-1-SM4"
ALGORITHMS: Final = (ALGORITHM, ALGORITHM_SM4)
RECORD_FORMAT: Final = "JG-DRAW-1/record"
LABEL_DRAW: Final = b"JG-DRAW-1/draw"
LABEL_ASSIGN: Final = b"JG-DRAW-1/assign"
SNAPSHOT_HEADER: Final = b"uscc,grade\n"
SNAPSHOT_HASH_ALGORITHMS: Final = ("sha256", "sm3")
UNGRADED: Final = "U"  # 未评级: the grade token of an entity without a credit risk grade
ROUNDING: Final = "ceil"
MIN_DICE_DIGITS: Final = 20  # 20 decimal digits ≈ 66 bits, as in election-audit dice ceremonies
DEFAULT_MIN_TEAM: Final = 2  # [law] at least two inspectors on site

USCC_CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 (no I, O, S, V, Z)
USCC_RE: Final = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_GRADE_RE: Final = re.compile(r"[A-Z][A-Z0-9]{0,7}")
_RATIO_RE: Final = re.compile(r"(?:0|[1-9][0-9]{0,2})(?:\.[0-9]{0,5}[1-9])?")
_HEX64_RE: Final = re.compile(r"[0-9a-f]{64}")
_SALT_RE: Final = re.compile(r"[0-9a-f]{32}")
_DIGITS_RE: Final = re.compile(r"[0-9]+")
_USCC_LUT: Final = np.zeros(256, dtype=bool)
_USCC_LUT[np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)] = True

U8 = NDArray[np.uint8]
U64 = NDArray[np.uint64]
Idx = NDArray[np.intp]


# --------------------------------------------------------------------------- errors


class DrawError(ValueError):
    """A draw cannot run with these inputs; the message says which input and which rule."""

    code = "draw_invalid"


class PopulationInvalid(DrawError):
    code = "population_invalid"


class ParamsInvalid(DrawError):
    code = "params_invalid"


class SeedInvalid(DrawError):
    code = "seed_invalid"


class RevealMismatch(SeedInvalid):
    """A revealed value does not match the commitment its party published first."""

    code = "reveal_mismatch"

    def __init__(self, party: str, commitment: str, computed: str) -> None:
        self.party = party
        super().__init__(
            f"参与方「{party}」揭示的值与其事先公布的承诺不符"
            f"（承诺 {commitment}，按揭示值计算为 {computed}）"
        )


class TeamRuleUnsatisfiable(DrawError):
    """The inspector rules cannot be met for one visit; nothing is assigned silently."""

    code = "team_rule_unsatisfiable"

    def __init__(
        self,
        uscc: str,
        reason: str,
        message: str,
        department: str | None = None,
        missing_domains: tuple[str, ...] = (),
    ) -> None:
        self.uscc, self.reason, self.department, self.missing_domains = uscc, reason, department, missing_domains
        super().__init__(f"检查对象 {uscc} 无法组成检查组：{message}")


# --------------------------------------------------------------------------- hashing and canonical forms


def _reject_floats(obj: object) -> None:
    stack = [obj]
    while stack:
        x = stack.pop()
        kind = type(x)
        if kind is str or kind is int or kind is bool or x is None:
            continue
        if kind is dict:
            assert isinstance(x, dict)
            if any(type(k) is not str for k in x):
                raise TypeError("canonical JSON keys must be strings")
            stack.extend(x.values())
        elif kind is list or kind is tuple:
            assert isinstance(x, list | tuple)
            stack.extend(x)
        elif isinstance(x, float):
            raise TypeError(f"canonical JSON forbids floats (found {x!r}); use decimal strings")
        # anything else is left to json.dumps, which rejects types it cannot encode


def canonical_json(obj: object) -> bytes:
    """Sorted keys, no whitespace, UTF-8 without escaping non-ASCII, no floats (docs/draw-spec.md §2)."""
    _reject_floats(obj)
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot_hash(csv_bytes: bytes, algorithm: str = "sha256") -> str:
    """Lower-case hex digest of the canonical snapshot CSV, SHA-256 or SM3 (GB/T 32905)."""
    if algorithm == "sha256":
        return hashlib.sha256(csv_bytes).hexdigest()
    if algorithm == "sm3":
        h = hashes.Hash(hashes.SM3())
        h.update(csv_bytes)
        return h.finalize().hex()
    raise ParamsInvalid(f"快照哈希算法 {algorithm!r} 不受支持（可选 sha256、sm3）")


def id_block(text: str) -> bytes:
    """First 16 bytes of SHA-256 of the UTF-8 text: the ticket block of a uscc or an inspector id."""
    return hashlib.sha256(text.encode()).digest()[:16]


def compute_blocks(usccs: Sequence[str] | NDArray[np.bytes_]) -> U8:
    """Blocks for many usccs at once, as an (n, 16) uint8 array; store them to skip this step later."""
    sha = hashlib.sha256
    if isinstance(usccs, np.ndarray):
        raw = b"".join([sha(u).digest()[:16] for u in usccs.tolist()])
    else:
        raw = b"".join([sha(u.encode()).digest()[:16] for u in usccs])
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16)


def derive_key(label: bytes, seed_bytes: bytes) -> bytes:
    """K = first 16 bytes of SHA-256(label || canonical seed material)."""
    return hashlib.sha256(label + seed_bytes).digest()[:16]


def _cipher(algorithm: str, key: bytes) -> CipherAlgorithm:
    if algorithm == ALGORITHM:
        return algorithms.AES(key)
    if algorithm == ALGORITHM_SM4:
        return algorithms.SM4(key)
    raise ParamsInvalid(f"算法标识 {algorithm!r} 不受支持（可选 {'、'.join(ALGORITHMS)}）")


def ecb_encrypt(algorithm: str, key: bytes, data: bytes | memoryview) -> bytes:
    """One ECB pass over concatenated 16-byte blocks (AES-128, or SM4 for JG-DRAW-1-SM4)."""
    encryptor = Cipher(_cipher(algorithm, key), modes.ECB()).encryptor()  # noqa: S305 - ECB of unique blocks is a keyed PRP
    return encryptor.update(data) + encryptor.finalize()


def encrypt_tickets(algorithm: str, key: bytes, blocks: U8) -> tuple[U64, U64]:
    """Tickets of all blocks as (high, low) 64-bit halves of the big-endian 128-bit integer."""
    data = np.ascontiguousarray(blocks).reshape(-1)
    if len(data) == 0:
        empty = np.empty(0, dtype=np.uint64)
        return empty, empty.copy()
    out = np.empty(len(data) + 16, dtype=np.uint8)  # update_into a preallocated buffer: no copies
    encryptor = Cipher(_cipher(algorithm, key), modes.ECB()).encryptor()  # noqa: S305 - see ecb_encrypt
    encryptor.update_into(data.data, out.data)
    encryptor.finalize()
    words = out[: len(data)].view(">u8").reshape(-1, 2)
    return words[:, 0].astype(np.uint64), words[:, 1].astype(np.uint64)


def ticket_of(algorithm: str, key: bytes, uscc: str) -> int:
    """The ticket of one entity, for self-checks: E(K_draw, block(uscc)) as a big-endian integer."""
    return int.from_bytes(ecb_encrypt(algorithm, key, id_block(uscc)), "big")


def ticket_hex(ticket: int) -> str:
    return f"{ticket:032x}"


def commitment(value: str, salt: str) -> str:
    """Commit-then-reveal: hex SHA-256 of UTF-8(value || salt); salt is 32 lower-case hex characters."""
    if not _SALT_RE.fullmatch(salt):
        raise SeedInvalid(f"盐值 {salt!r} 须为 32 位小写十六进制字符")
    return sha256_hex((value + salt).encode())


def check_reveal(party: str, value: str, salt: str, published: str) -> None:
    """Raise RevealMismatch naming the party when its reveal does not open its commitment."""
    computed = commitment(value, salt)
    if computed != published:
        raise RevealMismatch(party, published, computed)


# --------------------------------------------------------------------------- population


@dataclass(frozen=True)
class GradeSlice:
    """Rows [start, stop) of the canonical population hold the entities of one credit grade."""

    grade: str
    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start


def _bad_uscc_message(index: int, value: object) -> str:
    return f"第 {index + 1} 行统一社会信用代码 {value!r} 不合规（须为 18 位 GB 32100 字符）"


class Population:
    """The frozen eligible population in canonical order (grade, then uscc), with its ticket blocks."""

    __slots__ = ("_blocks", "_csv", "_hashes", "slices", "usccs")

    def __init__(self, usccs: NDArray[np.bytes_], slices: tuple[GradeSlice, ...], blocks: U8 | None) -> None:
        # Use from_rows / from_columns / from_sorted / from_csv: they validate and canonicalise.
        self.usccs = usccs
        self.slices = slices
        self._blocks = blocks
        self._csv: bytes | None = None
        self._hashes: dict[str, str] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]], *, blocks: bytes | U8 | None = None) -> Population:
        rows = list(rows)
        return cls.from_columns([r[0] for r in rows], [r[1] for r in rows], blocks=blocks)

    @classmethod
    def from_columns(
        cls,
        usccs: Sequence[str] | NDArray[np.bytes_],
        grades: Sequence[str],
        *,
        blocks: bytes | U8 | None = None,
    ) -> Population:
        """Validate and canonicalise; `blocks` (n×16, aligned with the input order) skip hashing."""
        n = len(usccs)
        grade_list = list(grades)
        if len(grade_list) != n:
            raise PopulationInvalid("统一社会信用代码与信用等级的行数不一致")
        for g in set(grade_list):
            if not isinstance(g, str) or not _GRADE_RE.fullmatch(g):
                raise PopulationInvalid(
                    f"第 {grade_list.index(g) + 1} 行信用等级 {g!r} 不合规"
                    f"（须为大写字母开头、至多 8 位的大写字母或数字；未评级用 {UNGRADED}）"
                )
        arr = _uscc_array(usccs)
        order: Idx | None = None
        slices = _sorted_slices(grade_list)
        if slices is None or not all(_strictly_ascending(arr[s.start : s.stop]) for s in slices):
            distinct = sorted(set(grade_list))
            order = np.lexsort((arr, _grade_codes(grade_list, distinct))) if n else np.empty(0, dtype=np.intp)
            arr = arr[order]
            grade_list = [grade_list[i] for i in order.tolist()]
            slices = _sorted_slices(grade_list)
            assert slices is not None
        _reject_duplicates(arr, slices)
        block_arr = None
        if blocks is not None:
            block_arr = _block_array(blocks, n)
            if order is not None:
                block_arr = np.ascontiguousarray(block_arr[order])
            _spot_check_blocks(arr, block_arr)
        return cls(arr, slices, block_arr)

    @classmethod
    def from_sorted(
        cls,
        usccs: NDArray[np.bytes_],
        grade_counts: Sequence[tuple[str, int]],
        *,
        blocks: U8 | None = None,
        codes_unique: bool = False,
    ) -> Population:
        """Rows already in canonical order: `grade_counts` gives each grade's run length, in grade order.

        Validated, not re-sorted: the codes must be strictly ascending inside each grade (so no duplicate
        within a grade). `codes_unique=True` is the caller's guarantee that no code appears in two grades
        (the codes come from a column under a unique constraint); otherwise that is checked too.
        """
        arr = _uscc_array(usccs)
        slices, pos, previous = [], 0, None
        for grade, size in grade_counts:
            if not isinstance(grade, str) or not _GRADE_RE.fullmatch(grade):
                raise PopulationInvalid(
                    f"第 {pos + 1} 行信用等级 {grade!r} 不合规（须为大写字母开头、至多 8 位的大写字母或数字；未评级用 {UNGRADED}）"
                )
            if previous is not None and grade <= previous:
                raise PopulationInvalid("信用等级须按升序排列（规范顺序）")
            if size > 0:
                slices.append(GradeSlice(grade, pos, pos + size))
            pos, previous = pos + size, grade
        if pos != len(arr):
            raise PopulationInvalid("统一社会信用代码与信用等级的行数不一致")
        for sl in slices:
            part = arr[sl.start : sl.stop]
            if not _strictly_ascending(part):
                same = np.flatnonzero(part[1:] <= part[:-1])
                raise PopulationInvalid(f"统一社会信用代码 {part[same[0] + 1].decode()} 不在规范顺序（或重复出现）")
        if not codes_unique:
            _reject_duplicates(arr, tuple(slices))
        block_arr = None
        if blocks is not None:
            block_arr = _block_array(blocks, len(arr))
            _spot_check_blocks(arr, block_arr)
        return cls(arr, tuple(slices), block_arr)

    @classmethod
    def from_csv(cls, data: bytes, *, blocks: bytes | U8 | None = None) -> Population:
        """Parse a canonical snapshot CSV (e.g. from PostgreSQL COPY); non-canonical input is rejected."""
        if not data.startswith(SNAPSHOT_HEADER):
            raise PopulationInvalid("快照 CSV 须以表头 uscc,grade 和换行 LF 开始")
        if b"\r" in data:
            raise PopulationInvalid("快照 CSV 须用 LF 换行，不得含 CR")
        body = data[len(SNAPSHOT_HEADER) :]
        if body and not body.endswith(b"\n"):
            raise PopulationInvalid("快照 CSV 最后一行须以换行 LF 结束")
        usccs: list[str] = []
        grades: list[str] = []
        for i, line in enumerate(body.split(b"\n")[:-1]):
            uscc, sep, grade = line.decode("utf-8", "replace").partition(",")
            if not sep:
                raise PopulationInvalid(f"快照 CSV 第 {i + 2} 行缺少逗号")
            usccs.append(uscc)
            grades.append(grade)
        population = cls.from_columns(usccs, grades, blocks=blocks)
        if population.snapshot_csv() != data:
            raise PopulationInvalid("快照 CSV 不是规范形式（须按等级、再按代码升序，无重复，无 BOM，LF 换行）")
        return population

    def __len__(self) -> int:
        return len(self.usccs)

    @property
    def blocks(self) -> U8:
        if self._blocks is None:
            self._blocks = compute_blocks(self.usccs)
        return self._blocks

    def counts(self) -> dict[str, int]:
        return {s.grade: s.size for s in self.slices}

    def rows(self) -> Iterable[tuple[str, str]]:
        for s in self.slices:
            for u in self.usccs[s.start : s.stop].tolist():
                yield u.decode(), s.grade

    def snapshot_csv(self) -> bytes:
        """Canonical CSV: header `uscc,grade`, rows sorted by grade then uscc, LF, UTF-8 without BOM.

        Built once and kept (the population is immutable): freezing hashes and stores it, the draw checks it.
        """
        if self._csv is None:
            self._csv = self._build_csv()
        return self._csv

    def _build_csv(self) -> bytes:
        parts = [SNAPSHOT_HEADER]
        for s in self.slices:
            suffix = np.frombuffer(f",{s.grade}\n".encode(), dtype=np.uint8)
            out = np.empty((s.size, 18 + len(suffix)), dtype=np.uint8)
            out[:, :18] = self.usccs[s.start : s.stop].view(np.uint8).reshape(-1, 18)
            out[:, 18:] = suffix
            parts.append(out.tobytes())
        return b"".join(parts)

    def snapshot_hash(self, algorithm: str = "sha256") -> str:
        if algorithm not in self._hashes:
            self._hashes[algorithm] = snapshot_hash(self.snapshot_csv(), algorithm)
        return self._hashes[algorithm]


def _uscc_array(usccs: Sequence[str] | NDArray[np.bytes_]) -> NDArray[np.bytes_]:
    if isinstance(usccs, np.ndarray):
        if usccs.dtype != np.dtype("S18"):
            raise PopulationInvalid("统一社会信用代码数组的类型须为 S18")
        arr = np.ascontiguousarray(usccs)
    else:
        values = list(usccs)
        if set(map(type, values)) - {str} or set(map(len, values)) - {18}:
            bad = next(i for i, u in enumerate(values) if not isinstance(u, str) or len(u) != 18)
            raise PopulationInvalid(_bad_uscc_message(bad, values[bad]))
        try:
            arr = np.array(values, dtype="S18") if values else np.empty(0, dtype="S18")
        except UnicodeEncodeError:
            bad = next(i for i, u in enumerate(values) if not u.isascii())
            raise PopulationInvalid(_bad_uscc_message(bad, values[bad])) from None
    if arr.tobytes().translate(None, USCC_CHARSET.encode()):  # something outside the charset: find the row
        ok = _USCC_LUT[arr.view(np.uint8).reshape(-1, 18)].all(axis=1)
        bad = int(np.flatnonzero(~ok)[0])
        raise PopulationInvalid(_bad_uscc_message(bad, arr[bad].decode("ascii", "replace")))
    return arr


def _grade_codes(grade_list: list[str], distinct: list[str]) -> NDArray[np.int64]:
    code = {g: i for i, g in enumerate(distinct)}
    return np.fromiter((code[g] for g in grade_list), dtype=np.int64, count=len(grade_list))


def _sorted_slices(grade_list: list[str]) -> tuple[GradeSlice, ...] | None:
    """Grade slices if the list is already sorted by grade, else None (checked in C-speed passes)."""
    slices, pos = [], 0
    for g in sorted(set(grade_list)):
        stop = bisect.bisect_right(grade_list, g, lo=pos)
        if stop <= pos or grade_list[pos:stop].count(g) != stop - pos:
            return None
        slices.append(GradeSlice(g, pos, stop))
        pos = stop
    # contiguous runs of each grade, in grade order, covering every row: the list is sorted
    return tuple(slices) if pos == len(grade_list) else None


def _strictly_ascending(arr: NDArray[np.bytes_]) -> bool:
    return bool(np.all(arr[1:] > arr[:-1]))


def _reject_duplicates(arr: NDArray[np.bytes_], slices: tuple[GradeSlice, ...]) -> None:
    for s in slices:  # within a grade, sorted: duplicates are neighbours
        part = arr[s.start : s.stop]
        same = np.flatnonzero(part[1:] == part[:-1])
        if len(same):
            raise PopulationInvalid(f"统一社会信用代码 {part[same[0]].decode()} 重复出现")
    if len(slices) < 2:
        return
    # across grades: sort 64-bit fingerprints (fast), then confirm any equal pair on the codes themselves
    u8 = arr.view(np.uint8).reshape(-1, 18)
    w0, w1 = (np.ascontiguousarray(u8[:, i : i + 8]).view("<u8").ravel() for i in (0, 8))
    w2 = u8[:, 16].astype(np.uint64) << np.uint64(8) | u8[:, 17].astype(np.uint64)
    fp = (w0 * np.uint64(0x9E3779B97F4A7C15)) ^ (w1 * np.uint64(0xC2B2AE3D27D4EB4F)) ^ w2
    ordered = np.sort(fp)
    clash = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(clash):
        return
    starts = [s.start for s in slices]
    seen: dict[bytes, str] = {}
    for i in np.flatnonzero(np.isin(fp, clash)).tolist():
        grade = slices[bisect.bisect_right(starts, i) - 1].grade
        code = bytes(arr[i])
        if code in seen:
            raise PopulationInvalid(f"统一社会信用代码 {code.decode()} 同时出现在等级 {seen[code]} 和 {grade}")
        seen[code] = grade


def _block_array(blocks: bytes | U8, n: int) -> U8:
    arr = np.frombuffer(blocks, dtype=np.uint8) if isinstance(blocks, bytes | bytearray) else blocks
    if arr.dtype != np.uint8 or arr.size != 16 * n:
        raise PopulationInvalid(f"预计算分组须为 {n}×16 字节")
    return np.ascontiguousarray(arr.reshape(n, 16))


def _spot_check_blocks(arr: NDArray[np.bytes_], blocks: U8, samples: int = 64) -> None:
    """Catch a stale or misaligned stored block column cheaply; the verifier recomputes all of them."""
    if not len(arr):
        return
    for i in sorted(set(np.linspace(0, len(arr) - 1, num=min(samples, len(arr)), dtype=np.int64).tolist())):
        if hashlib.sha256(arr[i]).digest()[:16] != blocks[i].tobytes():
            raise PopulationInvalid(f"统一社会信用代码 {arr[i].decode()} 的预计算分组与 SHA-256 不符")


def canonical_snapshot_csv(rows: Iterable[tuple[str, str]]) -> bytes:
    """The canonical snapshot CSV of (uscc, grade) rows; ungraded entities use grade "U"."""
    return Population.from_rows(rows).snapshot_csv()


# --------------------------------------------------------------------------- parameters


def parse_ratio_pct(ratio: str) -> Fraction:
    """A ratio in percent as a canonical decimal string ("3", "12.5", "0.25", "100"): no floats."""
    if not isinstance(ratio, str) or not _RATIO_RE.fullmatch(ratio):
        raise ParamsInvalid(
            f"抽查比例 {ratio!r} 须写成规范的十进制字符串（如 \"3\"、\"12.5\"；无前导零、无末尾零、不用浮点数）"
        )
    value = Fraction(ratio)
    if value > 100:
        raise ParamsInvalid(f"抽查比例 {ratio}% 超过 100%")
    return value


def quota(ratio_pct: str, population: int) -> int:
    """n_g = ceil(ratio × N_g / 100), exact in integers; 0 when N_g is 0."""
    r = parse_ratio_pct(ratio_pct)
    return -((-r.numerator * population) // (r.denominator * 100))


@dataclass(frozen=True)
class Inspector:
    """An inspector from the directory: id, department and the domain codes they are qualified for."""

    inspector_id: str
    department: str
    domains: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        return {"department": self.department, "domains": sorted(self.domains), "id": self.inspector_id}


@dataclass(frozen=True)
class InspectorPool:
    """The inspectors a task may draw from, and recusals as (inspector id, uscc) pairs."""

    inspectors: tuple[Inspector, ...]
    recusals: frozenset[tuple[str, str]] = frozenset()
    recusals_salt: str = ""  # required (32 hex) when the recusal list is kept confidential

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.inspectors, key=lambda i: i.inspector_id))
        object.__setattr__(self, "inspectors", ordered)
        ids = [i.inspector_id for i in ordered]
        for a, b in itertools.pairwise(ids):
            if a == b:
                raise ParamsInvalid(f"检查人员 {a} 在名单中重复")
        for i in ordered:
            if not i.inspector_id or not i.department:
                raise ParamsInvalid("检查人员编号和所属部门不能为空")
        if len({id_block(i) for i in ids}) != len(ids):  # never happens; ranks would tie
            raise ParamsInvalid("检查人员编号的 SHA-256 分组发生碰撞")
        if self.recusals_salt and not _SALT_RE.fullmatch(self.recusals_salt):
            raise ParamsInvalid("回避名单盐值须为 32 位小写十六进制字符")

    def inspectors_json(self) -> list[dict[str, Any]]:
        return [i.to_json() for i in self.inspectors]

    def recusals_json(self) -> dict[str, Any]:
        return {"pairs": [list(p) for p in sorted(self.recusals)], "salt": self.recusals_salt}

    def inspectors_hash(self) -> str:
        return sha256_hex(canonical_json(self.inspectors_json()))

    def recusals_hash(self) -> str:
        return sha256_hex(canonical_json(self.recusals_json()))


def _requirements_json(requirements: Mapping[str, frozenset[str]]) -> dict[str, list[str]]:
    return {dept: sorted(domains) for dept, domains in sorted(requirements.items())}


@dataclass(frozen=True)
class TeamParams:
    """Published inspector rules: per-department required domains, team size, workload cap, pool hashes."""

    requirements: Mapping[str, frozenset[str]]
    inspectors_hash: str
    recusals_hash: str
    min_team: int = DEFAULT_MIN_TEAM
    workload_cap: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "requirements", {d: frozenset(v) for d, v in self.requirements.items()})
        check_team_rules(self.min_team, self.workload_cap)
        if not self.requirements:
            raise ParamsInvalid("检查组规则须至少包含一个部门")

    @classmethod
    def for_pool(
        cls,
        pool: InspectorPool,
        requirements: Mapping[str, Iterable[str]],
        *,
        min_team: int = DEFAULT_MIN_TEAM,
        workload_cap: int | None = None,
    ) -> TeamParams:
        return cls(
            {d: frozenset(v) for d, v in requirements.items()},
            pool.inspectors_hash(),
            pool.recusals_hash(),
            min_team,
            workload_cap,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "inspectors_hash": self.inspectors_hash,
            "min_team": self.min_team,
            "recusals_hash": self.recusals_hash,
            "requirements": _requirements_json(self.requirements),
            "workload_cap": self.workload_cap,
        }


def check_team_rules(min_team: int, workload_cap: int | None) -> None:
    if isinstance(min_team, bool) or not isinstance(min_team, int) or min_team < DEFAULT_MIN_TEAM:
        raise ParamsInvalid(f"检查组人数下限须为不小于 {DEFAULT_MIN_TEAM} 的整数（现为 {min_team!r}）")
    if workload_cap is not None and (
        isinstance(workload_cap, bool) or not isinstance(workload_cap, int) or workload_cap < 1
    ):
        raise ParamsInvalid(f"每名检查人员的任务上限须为正整数（现为 {workload_cap!r}）")


@dataclass(frozen=True)
class DrawParams:
    """Parameters published before any randomness exists; their hash enters the seed material."""

    ratios_pct: Mapping[str, str] = field(default_factory=dict)
    algorithm: str = ALGORITHM
    full_coverage: bool = False  # special key areas (特殊重点领域): everyone, no draw [000][003]
    snapshot_hash_algorithm: str = "sha256"
    team: TeamParams | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ratios_pct", dict(sorted(self.ratios_pct.items())))
        if self.algorithm not in ALGORITHMS:
            raise ParamsInvalid(f"算法标识 {self.algorithm!r} 不受支持（可选 {'、'.join(ALGORITHMS)}）")
        if self.snapshot_hash_algorithm not in SNAPSHOT_HASH_ALGORITHMS:
            raise ParamsInvalid(f"快照哈希算法 {self.snapshot_hash_algorithm!r} 不受支持（可选 sha256、sm3）")
        if self.full_coverage and self.ratios_pct:
            raise ParamsInvalid("全覆盖检查不设抽查比例")
        if not self.full_coverage and not self.ratios_pct:
            raise ParamsInvalid("须为每个信用等级设定抽查比例")
        for grade, ratio in self.ratios_pct.items():
            if not isinstance(grade, str) or not _GRADE_RE.fullmatch(grade):
                raise ParamsInvalid(f"信用等级 {grade!r} 不合规")
            parse_ratio_pct(ratio)

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "full_coverage": self.full_coverage,
            "ratios_pct": dict(self.ratios_pct),
            "rounding": ROUNDING,
            "snapshot_hash_algorithm": self.snapshot_hash_algorithm,
            "team": None if self.team is None else self.team.to_json(),
        }

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.to_json())

    def hash(self) -> str:
        return sha256_hex(self.canonical_bytes())

    def quota(self, grade: str, population: int) -> int:
        if self.full_coverage:
            return population
        if grade not in self.ratios_pct:
            raise ParamsInvalid(f"信用等级 {grade} 没有设定抽查比例")
        return quota(self.ratios_pct[grade], population)


# --------------------------------------------------------------------------- seed material


@dataclass(frozen=True)
class Reveal:
    """One party's commit-then-reveal contribution; `commitment` was published before the ceremony."""

    party: str
    value: str
    salt: str
    commitment: str

    def to_json(self) -> dict[str, str]:
        return {"commitment": self.commitment, "party": self.party, "salt": self.salt, "value": self.value}


@dataclass(frozen=True)
class DiceRoll:
    """Decimal digits rolled or drawn in public, with the names of the witnesses present."""

    digits: str
    witnesses: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"digits": self.digits, "witnesses": list(self.witnesses)}


@dataclass(frozen=True)
class Beacon:
    """An optional public randomness beacon round, named before it is produced."""

    source: str
    round: int
    value: str

    def to_json(self) -> dict[str, Any]:
        return {"round": self.round, "source": self.source, "value": self.value}


@dataclass(frozen=True)
class SeedMaterial:
    """Everything the keys are derived from; built only after the announcement, checked on creation."""

    algorithm: str
    task_id: str
    params_hash: str
    snapshot_hash: str
    reveals: tuple[Reveal, ...] = ()
    dice: DiceRoll | None = None
    beacon: Beacon | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "reveals", tuple(sorted(self.reveals, key=lambda r: r.party)))
        if self.dice is not None:
            witnesses = tuple(sorted(self.dice.witnesses))
            object.__setattr__(self, "dice", DiceRoll(self.dice.digits, witnesses))
        if self.algorithm not in ALGORITHMS:
            raise SeedInvalid(f"算法标识 {self.algorithm!r} 不受支持")
        if not self.task_id:
            raise SeedInvalid("种子材料缺少任务编号")
        for name in ("params_hash", "snapshot_hash"):
            if not _HEX64_RE.fullmatch(getattr(self, name)):
                raise SeedInvalid(f"种子材料的 {name} 须为 64 位小写十六进制")
        parties = [r.party for r in self.reveals]
        if len(set(parties)) != len(parties) or not all(parties):
            raise SeedInvalid("承诺揭示的参与方名称不能为空或重复")
        for r in self.reveals:
            if not r.value:
                raise SeedInvalid(f"参与方「{r.party}」的揭示值为空")
            check_reveal(r.party, r.value, r.salt, r.commitment)
        if self.dice is not None:
            if not _DIGITS_RE.fullmatch(self.dice.digits) or len(self.dice.digits) < MIN_DICE_DIGITS:
                raise SeedInvalid(f"摇号数字须为至少 {MIN_DICE_DIGITS} 位十进制数字")
            if not self.dice.witnesses or not all(self.dice.witnesses):
                raise SeedInvalid("摇号须记录见证人姓名")
            if len(set(self.dice.witnesses)) != len(self.dice.witnesses):
                raise SeedInvalid("见证人姓名重复")
        if len(self.reveals) < 2 and self.dice is None:
            raise SeedInvalid("种子须来自至少两方的承诺揭示值，或有见证人的摇号数字")
        if self.beacon is not None and (
            not self.beacon.source or not self.beacon.value or isinstance(self.beacon.round, bool)
            or not isinstance(self.beacon.round, int) or self.beacon.round < 0
        ):
            raise SeedInvalid("随机信标须有来源、非负整数轮次和取值")

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> SeedMaterial:
        dice, beacon = obj.get("dice"), obj.get("beacon")
        return cls(
            algorithm=obj["algorithm"],
            task_id=obj["task_id"],
            params_hash=obj["params_hash"],
            snapshot_hash=obj["snapshot_hash"],
            reveals=tuple(Reveal(r["party"], r["value"], r["salt"], r["commitment"]) for r in obj["reveals"]),
            dice=None if dice is None else DiceRoll(dice["digits"], tuple(dice["witnesses"])),
            beacon=None if beacon is None else Beacon(beacon["source"], beacon["round"], beacon["value"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "beacon": None if self.beacon is None else self.beacon.to_json(),
            "dice": None if self.dice is None else self.dice.to_json(),
            "params_hash": self.params_hash,
            "reveals": [r.to_json() for r in self.reveals],
            "snapshot_hash": self.snapshot_hash,
            "task_id": self.task_id,
        }

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.to_json())

    def k_draw(self) -> bytes:
        return derive_key(LABEL_DRAW, self.canonical_bytes())

    def k_assign(self) -> bytes:
        return derive_key(LABEL_ASSIGN, self.canonical_bytes())

    def commitments_json(self) -> list[dict[str, str]]:
        return [{"commitment": r.commitment, "party": r.party} for r in self.reveals]


# --------------------------------------------------------------------------- selection


def _exact_order(idx: Idx, hi: U64, lo: U64, usccs: NDArray[np.bytes_]) -> Idx:
    """Order indices by (ticket, uscc) exactly: lexsort on the 64-bit halves, uscc for full ties."""
    o = idx[np.lexsort((lo[idx], hi[idx]))]
    h, low = hi[o], lo[o]
    if np.any((h[1:] == h[:-1]) & (low[1:] == low[:-1])):  # equal tickets need equal blocks: never in practice
        keyed = sorted(o.tolist(), key=lambda i: (int(hi[i]), int(lo[i]), usccs[i]))
        o = np.array(keyed, dtype=np.intp)
    return o


def select_smallest(hi: U64, lo: U64, usccs: NDArray[np.bytes_], k: int) -> Idx:
    """Indices of the k smallest (ticket, uscc) in ascending order; exact, O(n) via argpartition."""
    n = len(hi)
    if k <= 0:
        return np.empty(0, dtype=np.intp)
    if k >= n:
        return _exact_order(np.arange(n, dtype=np.intp), hi, lo, usccs)
    kth = hi[np.argpartition(hi, k - 1)[k - 1]]
    below = np.flatnonzero(hi < kth)
    at = np.flatnonzero(hi == kth)
    need = k - len(below)
    if len(at) > need:  # several tickets share the boundary's high word: break by low word, then uscc
        at = _exact_order(at, hi, lo, usccs)[:need]
    return _exact_order(np.concatenate([below, at]), hi, lo, usccs)


class Selection(NamedTuple):
    """A drawn entity with its grade and ticket (128-bit integer); a NamedTuple: draws make many."""

    uscc: str
    grade: str
    ticket: int


@dataclass(frozen=True)
class GradeResult:
    """Per grade: population N_g, ratio, quota n_g and the cutoff (largest selected ticket)."""

    grade: str
    population: int
    ratio_pct: str | None
    quota: int
    cutoff: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "cutoff": None if self.cutoff is None else ticket_hex(self.cutoff),
            "grade": self.grade,
            "population": self.population,
            "quota": self.quota,
            "ratio_pct": self.ratio_pct,
        }


# --------------------------------------------------------------------------- inspector teams


@dataclass(frozen=True)
class VisitNeed:
    """One visit to staff: the entity and, per department involved, the domains its items require."""

    uscc: str
    requirements: Mapping[str, frozenset[str]]


class Team(NamedTuple):
    """The inspectors of one visit, in rank order (a NamedTuple: large draws make many)."""

    uscc: str
    inspectors: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"inspectors": list(self.inspectors), "uscc": self.uscc}


def pair_blocks(visit_blocks: U8, inspector_blocks: U8) -> U8:
    """Rank inputs: block(uscc) XOR block(inspector id) for every (visit, inspector), shape (v, c, 16)."""
    a = np.ascontiguousarray(visit_blocks).view(np.uint64)  # (v, 2): XOR is bytewise, any word order works
    b = np.ascontiguousarray(inspector_blocks).view(np.uint64)  # (c, 2)
    out = np.empty((len(a), len(b), 2), dtype=np.uint64)
    for w in (0, 1):  # one broadcast per word keeps numpy's inner loop long
        np.bitwise_xor(a[:, w, None], b[None, :, w], out=out[:, :, w])
    return out.view(np.uint8).reshape(len(a), len(b), 16)


def assign_teams(
    visits: Sequence[VisitNeed],
    pool: InspectorPool,
    *,
    key: bytes,
    algorithm: str = ALGORITHM,
    min_team: int = DEFAULT_MIN_TEAM,
    workload_cap: int | None = None,
    visit_blocks: U8 | None = None,
) -> tuple[Team, ...]:
    """Staff the visits in the given order (docs/draw-spec.md §7); raise TeamRuleUnsatisfiable if impossible.

    For each visit the eligible inspectors (involved department, qualified for that department's
    domains, not recused, under the workload cap) are ranked by E(K_assign, block(uscc) XOR
    block(inspector id)); the lowest of each department is taken first, then the lowest others
    until the team has `min_team` members. Only a short exact prefix of each ranking is sorted;
    a visit that exhausts it is walked again over its full ranking, so the result is the same.
    """
    check_team_rules(min_team, workload_cap)
    with gc_paused():
        return _assign_teams(visits, pool, key=key, algorithm=algorithm, min_team=min_team,
                             workload_cap=workload_cap, visit_blocks=visit_blocks)


def _assign_teams(
    visits: Sequence[VisitNeed],
    pool: InspectorPool,
    *,
    key: bytes,
    algorithm: str,
    min_team: int,
    workload_cap: int | None,
    visit_blocks: U8 | None,
) -> tuple[Team, ...]:
    inspectors = pool.inspectors
    ids = [i.inspector_id for i in inspectors]
    dept_of = [i.department for i in inspectors]
    ins_blocks = np.frombuffer(b"".join(id_block(i) for i in ids), dtype=np.uint8).reshape(-1, 16)
    index = {inspector_id: k for k, inspector_id in enumerate(ids)}
    recused: dict[str, frozenset[int]] = {}
    for inspector_id, uscc in pool.recusals:
        if inspector_id in index:
            recused[uscc] = recused.get(uscc, frozenset()) | {index[inspector_id]}
    if visit_blocks is None:
        visit_blocks = compute_blocks([v.uscc for v in visits])
    cap = workload_cap if workload_cap is not None else len(visits) + 1
    load = [0] * len(inspectors)
    candidates: dict[_Signature, Idx] = {}
    signature_of: dict[tuple[tuple[str, frozenset[str]], ...], _Signature] = {}
    teams: list[Team] = []
    chunk = max(1, (1 << 20) // max(1, len(inspectors)))
    for start in range(0, len(visits), chunk):
        part = visits[start : start + chunk]
        sigs: list[_Signature] = []
        by_sig: dict[_Signature, list[int]] = {}
        for j, v in enumerate(part):
            content = tuple(v.requirements.items())
            sig = signature_of.get(content)
            if sig is None:
                if not v.requirements:
                    raise TeamRuleUnsatisfiable(v.uscc, "no_department", "未指定参与检查的部门")
                sig = signature_of[content] = _signature(v.requirements)
            sigs.append(sig)
            by_sig.setdefault(sig, []).append(j)
        row_of = [0] * len(part)  # the visit's row in its signature's arrays
        rows_of: dict[_Signature, tuple[U64, U64, list[list[int]]]] = {}  # per signature: tickets, ranked prefixes
        for sig, rows in by_sig.items():
            if sig not in candidates:
                need = dict(sig)
                candidates[sig] = np.array(
                    [k for k, i in enumerate(inspectors) if i.department in need and i.domains >= set(need[i.department])],
                    dtype=np.intp,
                )
            cand = candidates[sig]
            if not len(cand):
                continue
            inputs = pair_blocks(visit_blocks[np.array(rows, dtype=np.intp) + start], ins_blocks[cand])
            hi, lo = encrypt_tickets(algorithm, key, inputs.reshape(-1, 16))
            hi, lo = hi.reshape(len(rows), -1), lo.reshape(len(rows), -1)
            for r, j in enumerate(rows):
                row_of[j] = r
            rows_of[sig] = (hi, lo, cand[_ranked_prefixes(hi, lo, 4 * (min_team + len(sig)))].tolist())
        for j, v in enumerate(part):
            sig = sigs[j]
            fill = max(0, min_team - len(sig))
            excluded = recused.get(v.uscc, frozenset())
            team = None
            if sig in rows_of:
                hi, lo, prefixes = rows_of[sig]
                r = row_of[j]
                team = _staff(prefixes[r], len(sig), fill, dept_of, excluded, load, cap)
                if team is None and len(prefixes[r]) < len(candidates[sig]):  # prefix exhausted: full ranking
                    full = candidates[sig][np.lexsort((lo[r], hi[r]))].tolist()
                    team = _staff(full, len(sig), fill, dept_of, excluded, load, cap)
            if team is None:
                raise _diagnose(v, pool, excluded, load, cap, min_team)
            for k in team:
                load[k] += 1
            teams.append(Team(v.uscc, tuple([ids[k] for k in team])))
    return tuple(teams)


_Signature = tuple[tuple[str, tuple[str, ...]], ...]


def _signature(requirements: Mapping[str, frozenset[str]]) -> _Signature:
    return tuple((d, tuple(sorted(requirements[d]))) for d in sorted(requirements))


def _ranked_prefixes(hi: U64, lo: U64, k: int) -> Idx:
    """Per row, the positions of the k smallest (high, low) tickets in ascending order, exactly.

    Partitions packed keys (top 48 bits of the high word, then the column) instead of argpartition;
    a row whose top 48 bits repeat inside the prefix or at its boundary is redone with a full lexsort.
    """
    rows, c = hi.shape
    k = min(k, c)
    if c > 1 << 16:
        return np.stack([np.lexsort((lo[r], hi[r]))[:k] for r in range(rows)]) if rows else np.empty((0, k), np.intp)
    packed = (hi >> np.uint64(16) << np.uint64(16)) | np.arange(c, dtype=np.uint64)
    if k < c:
        part = np.partition(packed, k, axis=1)
        prefix, boundary = np.sort(part[:, :k], axis=1), part[:, k] >> np.uint64(16)
        repeated = (prefix[:, -1] >> np.uint64(16)) == boundary
    else:
        prefix = np.sort(packed, axis=1)
        repeated = np.zeros(rows, dtype=bool)
    top = prefix >> np.uint64(16)
    repeated |= (top[:, 1:] == top[:, :-1]).any(axis=1)
    positions = (prefix & np.uint64(0xFFFF)).astype(np.intp)
    for r in np.flatnonzero(repeated):
        positions[r] = np.lexsort((lo[r], hi[r]))[:k]
    return positions


def _staff(
    ranked: list[int],
    departments: int,
    fill: int,
    dept_of: list[str],
    recused: frozenset[int],
    load: list[int],
    cap: int,
) -> list[int] | None:
    """Walk one ranking: each department's lowest eligible first, then the lowest others; None if short."""
    firsts: set[str] = set()
    others = 0
    team: list[int] = []
    for k in ranked:
        if load[k] >= cap or k in recused:
            continue
        d = dept_of[k]
        if d not in firsts:
            firsts.add(d)
        elif others < fill:
            others += 1
        else:
            continue
        team.append(k)
        if len(firsts) == departments and others >= fill:
            return team
    return None


def _diagnose(
    visit: VisitNeed, pool: InspectorPool, recused: frozenset[int], load: list[int], cap: int, min_team: int
) -> TeamRuleUnsatisfiable:
    """Name the first department that has no eligible inspector, and why; else the team is too small."""
    for dept in sorted(visit.requirements):
        needed = visit.requirements[dept]
        members = [k for k, i in enumerate(pool.inspectors) if i.department == dept]
        if not members:
            return TeamRuleUnsatisfiable(visit.uscc, "no_inspector", f"部门 {dept} 没有可抽取的检查人员", dept)
        qualified = [k for k in members if pool.inspectors[k].domains >= needed]
        if not qualified:
            held = frozenset().union(*(pool.inspectors[k].domains for k in members))
            missing = tuple(sorted(needed - held)) or tuple(sorted(needed))
            return TeamRuleUnsatisfiable(
                visit.uscc,
                "missing_qualification",
                f"部门 {dept} 没有具备 {'、'.join(sorted(needed))} 全部资质的检查人员（缺少资质：{'、'.join(missing)}）",
                dept,
                missing,
            )
        free = [k for k in qualified if k not in recused]
        if not free:
            return TeamRuleUnsatisfiable(
                visit.uscc, "recused", f"部门 {dept} 具备资质的检查人员均须回避", dept, tuple(sorted(needed))
            )
        if all(load[k] >= cap for k in free):
            return TeamRuleUnsatisfiable(
                visit.uscc,
                "workload_cap",
                f"部门 {dept} 具备资质且无需回避的检查人员均已达到本任务上限 {cap} 次",
                dept,
                tuple(sorted(needed)),
            )
    return TeamRuleUnsatisfiable(
        visit.uscc,
        "team_too_small",
        f"检查组至少需要 {min_team} 人，符合条件的检查人员不足（涉及部门：{'、'.join(sorted(visit.requirements))}）",
    )


# --------------------------------------------------------------------------- the draw


@dataclass(frozen=True)
class DrawResult:
    """A complete, reproducible draw; `to_record()` is the published draw record."""

    params: DrawParams
    seed_material: SeedMaterial
    snapshot_hash: str
    snapshot_rows: int
    k_draw: bytes
    k_assign: bytes
    grades: tuple[GradeResult, ...]
    selected: tuple[Selection, ...]
    teams: tuple[Team, ...] | None = None
    pool: InspectorPool | None = None

    def announcement(self) -> dict[str, Any]:
        return announcement_json(
            self.seed_material.task_id,
            self.params,
            self.snapshot_hash,
            self.snapshot_rows,
            {g.grade: g.population for g in self.grades},
            self.seed_material.commitments_json(),
        )

    def to_record(self, *, confidential_recusals: bool = False) -> dict[str, Any]:
        """The published draw record (schema in docs/draw-spec.md §9); JSON-able, no floats."""
        teams: dict[str, Any] | None = None
        if self.teams is not None and self.pool is not None:
            if confidential_recusals and not self.pool.recusals_salt:
                raise ParamsInvalid("保密的回避名单须使用随机盐值，否则其哈希可被穷举")
            teams = {
                "assignments": [t.to_json() for t in self.teams],
                "inspectors": self.pool.inspectors_json(),
                "recusals": None if confidential_recusals else self.pool.recusals_json(),
            }
        return {
            "announcement": self.announcement(),
            "format": RECORD_FORMAT,
            "grades": [g.to_json() for g in self.grades],
            "keys": {"k_assign": self.k_assign.hex(), "k_draw": self.k_draw.hex()},
            "kind": "draw",
            "seed_material": self.seed_material.to_json(),
            "selected": [{"grade": s.grade, "ticket": ticket_hex(s.ticket), "uscc": s.uscc} for s in self.selected],
            "teams": teams,
        }


def announcement_json(
    task_id: str,
    params: DrawParams,
    snapshot_hash_value: str,
    rows: int,
    counts: Mapping[str, int],
    commitments: Sequence[Mapping[str, str]],
) -> dict[str, Any]:
    """What is published before the ceremony: parameters, snapshot hash and counts, commitments."""
    grades = sorted(set(counts) | set(params.ratios_pct))
    return {
        "algorithm": params.algorithm,
        "commitments": sorted((dict(c) for c in commitments), key=lambda c: c["party"]),
        "params": params.to_json(),
        "params_hash": params.hash(),
        "quotas": {g: params.quota(g, counts.get(g, 0)) for g in grades},
        "snapshot": {"counts": {g: counts.get(g, 0) for g in grades}, "hash": snapshot_hash_value, "rows": rows},
        "task_id": task_id,
    }


def announce(
    task_id: str,
    population: Population,
    params: DrawParams,
    commitments: Sequence[Mapping[str, str]] = (),
) -> dict[str, Any]:
    """The announcement of a draw, published before any seed value is revealed."""
    _check_grades(population, params)
    return announcement_json(
        task_id,
        params,
        population.snapshot_hash(params.snapshot_hash_algorithm),
        len(population),
        population.counts(),
        commitments,
    )


def _check_grades(population: Population, params: DrawParams) -> None:
    if params.full_coverage:
        return
    for s in population.slices:
        if s.grade not in params.ratios_pct:
            raise ParamsInvalid(f"总体中有信用等级 {s.grade} 的主体，但参数没有为该等级设定抽查比例")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a draw builds its many small tuples.

    Tens of thousands of selections and teams would trigger full collections that walk every object of
    the process (tens of milliseconds each under Django); the tuples hold only strings and integers, so
    they form no cycles and nothing is left for the collector to find. Nested use keeps the outer state.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def draw(
    population: Population | Iterable[tuple[str, str]],
    params: DrawParams,
    seed_material: SeedMaterial,
    pool: InspectorPool | None = None,
) -> DrawResult:
    """The JG-DRAW-1 draw: per grade the n_g smallest tickets, then (if the params say so) the teams."""
    with gc_paused():
        return _draw(population, params, seed_material, pool)


def _draw(
    population: Population | Iterable[tuple[str, str]],
    params: DrawParams,
    seed_material: SeedMaterial,
    pool: InspectorPool | None,
) -> DrawResult:
    pop = population if isinstance(population, Population) else Population.from_rows(population)
    _check_grades(pop, params)
    if seed_material.algorithm != params.algorithm:
        raise SeedInvalid("种子材料的算法标识与参数不一致")
    if seed_material.params_hash != params.hash():
        raise SeedInvalid("种子材料中的参数哈希与公布的参数不一致")
    snap = pop.snapshot_hash(params.snapshot_hash_algorithm)
    if seed_material.snapshot_hash != snap:
        raise SeedInvalid("种子材料中的快照哈希与冻结的总体不一致")
    if (params.team is None) != (pool is None):
        raise ParamsInvalid("检查组规则与检查人员名单须同时提供")
    if params.team is not None and pool is not None:
        if pool.inspectors_hash() != params.team.inspectors_hash:
            raise ParamsInvalid("检查人员名单与公布的名单哈希不一致")
        if pool.recusals_hash() != params.team.recusals_hash:
            raise ParamsInvalid("回避名单与公布的回避名单哈希不一致")

    k_draw, k_assign = seed_material.k_draw(), seed_material.k_assign()
    hi, lo = encrypt_tickets(params.algorithm, k_draw, pop.blocks)
    grade_results: list[GradeResult] = []
    chosen: list[Idx] = []
    selected: list[Selection] = []
    counts = pop.counts()
    for grade in sorted(set(counts) | set(params.ratios_pct)):
        n_g = counts.get(grade, 0)
        k = params.quota(grade, n_g)
        cutoff = None
        if grade in counts:
            s = next(s for s in pop.slices if s.grade == grade)
            idx = select_smallest(hi[s.start : s.stop], lo[s.start : s.stop], pop.usccs[s.start : s.stop], k)
            idx = idx + s.start
            chosen.append(idx)
            # 128-bit tickets from the two words: the low word as an unsigned int, the high word shifted.
            tickets = map(int.__or__, map(int.__lshift__, hi[idx].tolist(), itertools.repeat(64)), lo[idx].tolist())
            selected.extend(map(Selection, pop.usccs[idx].astype("U18").tolist(), itertools.repeat(grade), tickets))
            if len(idx):
                cutoff = selected[-1].ticket
        grade_results.append(GradeResult(grade, n_g, params.ratios_pct.get(grade), k, cutoff))
    all_idx = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.intp)
    teams = None
    if params.team is not None and pool is not None:
        need = params.team.requirements
        teams = assign_teams(
            [VisitNeed(s.uscc, need) for s in selected],
            pool,
            key=k_assign,
            algorithm=params.algorithm,
            min_team=params.team.min_team,
            workload_cap=params.team.workload_cap,
            visit_blocks=pop.blocks[all_idx],
        )
    return DrawResult(
        params=params,
        seed_material=seed_material,
        snapshot_hash=snap,
        snapshot_rows=len(pop),
        k_draw=k_draw,
        k_assign=k_assign,
        grades=tuple(grade_results),
        selected=tuple(selected),
        teams=teams,
        pool=pool,
    )
