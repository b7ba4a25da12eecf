"""Public entity search for the portal and the open API: by name fragment or by credit code, fast at 10⁶ rows.

- A credit code (18 characters) is an exact match on the unique index.
- A code prefix (at least 4 code characters starting with a digit) is a range on the same index
  (``uscc >= p AND uscc <= p || 'ZZZ…'``): the range works under any collation, where ``LIKE 'p%'`` would
  need a pattern-ops index on PostgreSQL. No code character sorts after ``Z``.
- A name fragment is ``name LIKE '%q%'``; on PostgreSQL the bigram index of migration 0003 serves it:
  a name contains the fragment only if it contains all of the fragment's bigrams (``@>``), and the
  ``ILIKE`` beside it keeps the exact matches (one index for every length ≥ 2; migration 0005 dropped the
  trigram index). Chinese names are matched case-sensitively; Latin letters in a name are matched
  regardless of case (ILIKE on PostgreSQL, LIKE on SQLite).

No exact count over a million rows: a search collects at most ``MATCH_CAP`` candidates, sorts them by
code and pages through them; beyond the cap the page says so and asks for a longer fragment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet

from jianguan.entities.models import Entity

MATCH_CAP = 1000
PAGE_SIZE = 20
MIN_NAME_CHARS = 2
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_PREFIX = re.compile(r"[0-9][0-9A-HJ-NPQRTUWXY]{3,17}")
_FULL_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


class CaseInsensitiveLike(Lookup[str]):
    """``lhs ILIKE rhs`` on PostgreSQL, ``LIKE`` elsewhere (SQLite: ASCII-insensitive).

    Django's ``icontains`` compiles to ``UPPER(name) LIKE UPPER(…)``, which no index on ``name`` serves.
    The right-hand side is a ready LIKE pattern (escaped by the caller).
    """

    lookup_name = "jg_ilike"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        op = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        escape = "" if connection.vendor == "postgresql" else " ESCAPE '\\'"
        return f"{lhs} {op} {rhs}{escape}", [*lhs_params, *rhs_params]


class BigramContains(Lookup[str]):
    """``disclosure_bigrams(lhs) @> disclosure_bigrams(rhs)`` on PostgreSQL, through the bigram index of
    migration 0003: every bigram of the fragment is in the name (exact for two characters; for longer
    fragments a superset, which the ILIKE beside it narrows)."""

    lookup_name = "jg_bigram"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"disclosure_bigrams({lhs}) @> disclosure_bigrams({rhs})", [*lhs_params, *rhs_params]


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class SearchQuery:
    """How a query string is understood: an exact code, a code prefix, or a name fragment."""

    text: str
    mode: str  # "code" | "prefix" | "name" | "empty" | "too_short"

    @property
    def label(self) -> str:
        return {"code": "统一社会信用代码", "prefix": "统一社会信用代码前缀", "name": "名称包含"}.get(self.mode, "")


def understand(raw: str) -> SearchQuery:
    text = re.sub(r"\s+", " ", (raw or "").strip())[:100]
    if not text:
        return SearchQuery("", "empty")
    upper = text.upper().replace(" ", "")
    if _FULL_CODE.fullmatch(upper):
        return SearchQuery(upper, "code")
    if _CODE_PREFIX.fullmatch(upper):
        return SearchQuery(upper, "prefix")
    if len(text) < MIN_NAME_CHARS:
        return SearchQuery(text, "too_short")
    return SearchQuery(text, "name")


def matching(query: SearchQuery) -> QuerySet[Entity]:
    """Entities matching the query, unordered (the caller bounds and orders)."""
    qs = Entity.objects.all()
    if query.mode == "code":
        return qs.filter(uscc=query.text)
    if query.mode == "prefix":
        upper = query.text + "Z" * (18 - len(query.text))
        return qs.filter(uscc__gte=query.text, uscc__lte=upper)
    if query.mode == "name":
        like = CaseInsensitiveLike(F("name"), f"%{like_escape(query.text)}%")
        if connection.vendor == "postgresql":
            return qs.filter(BigramContains(F("name"), query.text), like)
        return qs.filter(like)
    return qs.none()


@dataclass(frozen=True)
class SearchPage:
    """One page of results and what the page needs to say about the rest."""

    query: SearchQuery
    entities: list[Entity]
    number: int
    page_size: int
    total: int  # matches found, at most MATCH_CAP
    is_capped: bool  # more than MATCH_CAP matched

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


PUBLIC_ENTITY_FIELDS = ("pk", "uscc", "name", "kind", "status", "region__code", "region__name", "industry__code",
                        "industry__name", "legal_representative")


def search_entities(raw: str, *, page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of the public search, ordered by credit code; at most two indexed queries."""
    query = understand(raw)
    if query.mode in ("empty", "too_short"):
        return SearchPage(query, [], 1, page_size, 0, False)
    qs = matching(query)
    if query.mode == "name":
        # Collect candidates without ORDER BY, so that the planner may stop early (common fragments)
        # or use the bigram index (rare ones); then order the bounded set here.
        candidates = sorted(qs.order_by().values_list("uscc", "pk")[: MATCH_CAP + 1])
    else:
        candidates = list(qs.order_by("uscc").values_list("uscc", "pk")[: MATCH_CAP + 1])
    is_capped = len(candidates) > MATCH_CAP
    candidates = candidates[:MATCH_CAP]
    total = len(candidates)
    pages = max(1, -(-total // page_size))
    number = min(max(1, page), pages)
    ids = [pk for _, pk in candidates[(number - 1) * page_size: number * page_size]]
    rows = {e.pk: e for e in Entity.objects.filter(pk__in=ids).select_related("region", "industry")}
    return SearchPage(query, [rows[i] for i in ids if i in rows], number, page_size, total, is_capped)


def full_code(raw: str) -> str | None:
    """The credit code in canonical form (upper case, no surrounding blanks), or None if it is not one."""
    code = (raw or "").strip().upper()
    return code if _FULL_CODE.fullmatch(code) else None


def public_entity(uscc: str) -> Entity | None:
    """One entity by its credit code, with what its public page shows (registration facts only)."""
    code = full_code(uscc)
    if code is None:
        return None
    # Three region levels in the join: the page prints the full name (province, city, county) without a query more.
    return Entity.objects.select_related("region__parent__parent", "industry").filter(uscc=code).first()


def name_q(fragment: str) -> Q:
    """A Q object for "name contains" with the same index-friendly lookup (for other selectors)."""
    return Q(CaseInsensitiveLike(F("name"), f"%{like_escape(fragment)}%"))


__all__ = ["MATCH_CAP", "SearchPage", "SearchQuery", "full_code", "public_entity", "search_entities", "understand"]
