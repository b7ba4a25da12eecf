"""Unified social credit code (统一社会信用代码, GB 32100-2015): validation and generation.

Pure module: no Django. Layout of the 18 characters:
  1 registration authority (登记管理部门码), 2 organisation kind (机构类别码), 3–8 region code (GB/T 2260),
  9–17 organisation code (GB 11714: 8 body characters + 1 check character), 18 check character.
The check character is mod 31 over the alphabet below with weights 3^(i-1) mod 31. Since 31 is prime
and no weight is 0 mod 31, any single-character substitution changes the check: it is always caught.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from operator import mul

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters; I, O, S, V, Z are never used
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
_CHARSET = frozenset(ALPHABET)
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # position i+1 -> 3^i mod 31

# GB 11714 organisation code: weights of the 8 body characters, check = 11 - (sum mod 11).
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18


class UsccError(ValueError):
    """The code breaks GB 32100-2015; the message names the position and the character."""


@dataclass(frozen=True)
class UsccResult:
    """A valid code (trimmed, upper-cased) and any non-fatal warnings."""

    code: str
    warnings: list[str] = field(default_factory=list)


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must all be in the alphabet)."""
    # map/mul instead of a generator: this runs once per row of a million-row import.
    total = sum(map(mul, map(VALUES.__getitem__, first17[:17]), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


# GB 11714 character values: digits 0–9, letters A=10 … Z=35.
ORG_VALUES = {**{str(d): d for d in range(10)}, **{chr(ord("A") + i): 10 + i for i in range(26)}}


def org_check_char(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body."""
    total = sum(map(mul, map(ORG_VALUES.__getitem__, body8[:8]), ORG_WEIGHTS))
    c = 11 - total % 11
    if c == 10:
        return "X"
    if c == 11:
        return "0"
    return str(c)


def normalise_uscc(raw: object) -> str:
    """The code trimmed and upper-cased; raise UsccError naming the position and the character.

    The checks of validate_uscc without its warnings: the fast path for bulk imports, which keep no warnings.
    """
    if not isinstance(raw, str):
        raise UsccError("统一社会信用代码必须是文本")
    code = raw.strip().upper()
    if len(code) != LENGTH:
        if not code:
            raise UsccError("统一社会信用代码不能为空")
        raise UsccError(f"统一社会信用代码应为 18 位，实际为 {len(code)} 位")
    if not _CHARSET.issuperset(code):
        pos, ch = next((i, c) for i, c in enumerate(code, start=1) if c not in VALUES)
        raise UsccError(f"第 {pos} 位字符 {ch} 不在统一社会信用代码字符集中（不使用 I、O、S、V、Z）")
    expected = check_char(code)
    if code[17] != expected:
        raise UsccError(f"第 18 位校验码应为 {expected}，实际为 {code[17]}")
    return code


def validate_uscc(raw: object) -> UsccResult:
    """Validate a code; raise UsccError naming the position and the character, or return it normalised."""
    code = normalise_uscc(raw)
    warnings: list[str] = []
    if not code[2:8].isdigit():
        warnings.append(f"第 3–8 位登记管理机关行政区划码 {code[2:8]} 应为 6 位数字")
    org_expected = org_check_char(code[8:16])
    if code[16] != org_expected:
        warnings.append(
            f"第 9–17 位组织机构代码 {code[8:17]} 的校验码（第 17 位）应为 {org_expected}，实际为 {code[16]}（GB 11714）"
        )
    return UsccResult(code=code, warnings=warnings)


def is_valid_uscc(raw: object) -> bool:
    try:
        validate_uscc(raw)
    except UsccError:
        return False
    return True


# Body characters of generated organisation codes: the USCC alphabet, so the whole code stays valid.
_BODY_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"
_DIGITS = "0123456789"


def generate_uscc(rng: random.Random, region_code: str, registration: str = "9", kind: str = "1") -> str:
    """A valid code (both checks) for the region; deterministic for a seeded rng."""
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError(f"区划代码应为 6 位数字：{region_code}")
    if registration not in VALUES or kind not in VALUES:
        raise ValueError("登记管理部门码和机构类别码必须在统一社会信用代码字符集中")
    while True:
        # Codes issued since 2015 mostly start their organisation code with "MA"; older ones are digits.
        if rng.random() < 0.6:
            body = "MA" + "".join(rng.choice(_DIGITS + _BODY_LETTERS) for _ in range(6))
        else:
            body = "".join(rng.choice(_DIGITS) for _ in range(8))
        org = org_check_char(body)
        first17 = registration + kind + region_code + body + org
        return first17 + check_char(first17)
