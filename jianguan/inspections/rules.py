"""Limits and checks shared by services, forms and the API (pure functions, no database)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jianguan.inspections.choices import EvidenceKind

MB = 1024 * 1024


@dataclass(frozen=True)
class EvidenceType:
    """An accepted evidence file type: its kind, MIME type, size limit and how to recognise its bytes."""

    kind: str
    content_type: str
    max_bytes: int
    label: str


# Extension -> accepted type. The content is checked by its magic bytes (sniff_type), never by name alone.
EVIDENCE_TYPES: dict[str, EvidenceType] = {
    ".jpg": EvidenceType(EvidenceKind.PHOTO, "image/jpeg", 10 * MB, "JPEG 图片"),
    ".jpeg": EvidenceType(EvidenceKind.PHOTO, "image/jpeg", 10 * MB, "JPEG 图片"),
    ".png": EvidenceType(EvidenceKind.PHOTO, "image/png", 10 * MB, "PNG 图片"),
    ".mp4": EvidenceType(EvidenceKind.VIDEO, "video/mp4", 200 * MB, "MP4 视频"),
    ".pdf": EvidenceType(EvidenceKind.DOCUMENT, "application/pdf", 20 * MB, "PDF 文档"),
}
RECEIPT_SCAN_TYPES = {ext: t for ext, t in EVIDENCE_TYPES.items() if t.kind != EvidenceKind.VIDEO}
RECEIPT_SCAN_MAX_BYTES = 20 * MB


def sniff_type(head: bytes) -> str | None:
    """The MIME type that a file's first bytes announce, for the types we accept; None otherwise."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    # ISO base media file (MP4): a box size, then "ftyp" and an MP4-family brand.
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in {
        b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"MSNV", b"3gp4",
        b"3gp5", b"mmp4",
    }:
        return "video/mp4"
    return None


def human_size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"


_SPACES = re.compile(r"\s+")
_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "："})


def normalise_wording(text: str) -> str:
    """A result wording as compared with labels and aliases: NFKC, no spaces, full-width brackets."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _SPACES.sub("", text).translate(_HALF_TO_FULL)
    return text.rstrip("。.")


def minimum_team_size() -> int:
    """[law] at least two inspectors take part in every on-site inspection."""
    return 2
