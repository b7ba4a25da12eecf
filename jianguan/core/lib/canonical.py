"""Canonical JSON and hashing (SHA-256, or SM3 per GB/T 32905-2016) shared by the audit chain and draws."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any

SUPPORTED_HASHES = ("sha256", "sm3")


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot serialise {type(value).__name__} canonically")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text (not escaped): the same value always gives the same text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def normalise(value: Any) -> Any:
    """The value as it will read back from a JSON column: what gets hashed is what gets stored."""
    return json.loads(canonical_json(value))


def digest(data: bytes, algorithm: str = "sha256") -> str:
    """Hex digest with SHA-256 or SM3."""
    if algorithm == "sha256":
        return hashlib.sha256(data).hexdigest()
    if algorithm == "sm3":
        if "sm3" in hashlib.algorithms_available:
            return hashlib.new("sm3", data).hexdigest()
        from cryptography.hazmat.primitives import hashes

        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    raise ValueError(f"unsupported hash algorithm {algorithm!r}; use one of {SUPPORTED_HASHES}")
