"""The rendered public entity page (一企一档) in the shared cache, invalidated when what it shows changes.

At 10⁶ entities a page costs a few indexed queries and a template render; a repeat visit costs one cache
round trip. Correctness does not rest on the time limit:

- Each entity has a **generation token** in the cache. A page is stored with the token read *before* its
  data was read, and served only while the token is still the current one.
- Every service that changes what the page shows (publication, withholding, release, objection review and
  correction) calls ``invalidate`` for the entity; the new token is written when the transaction commits.
  A page rendered from the old data carries the old token and is never served again, even if it is
  stored after the invalidation (no read-then-invalidate race).
- A missing token (expired, evicted, cache flushed) is replaced by a fresh one: pages stored under an
  older token cannot match it.
- Registration facts (name, status, region) change in the entities app, which does not know this cache:
  they show after at most ``PAGE_SECONDS``, the same time the page's Cache-Control already allows
  browsers and proxies.

The cache must be shared by all server processes (Redis via REDIS_URL, or the file cache of the default
settings); a per-process memory cache would invalidate only the process that wrote.
A cache that fails (Redis down) makes pages uncached, never wrong: reads fall back to rendering.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

PAGE_SECONDS = 60  # bounds only what invalidate() does not cover: registration facts
TOKEN_SECONDS = 3600  # longer than any page; an expired token is replaced by a fresh one

log = logging.getLogger(__name__)


def _token_key(uscc: str) -> str:
    return f"disclosure:entity-token:{uscc}"


def _page_key(uscc: str, variant: str) -> str:
    return f"disclosure:entity-page:{uscc}:{variant}"


def lookup(uscc: str, variant: str) -> tuple[bytes | None, str | None]:
    """(the cached page or None, the token to store a freshly rendered page under, or None: do not store)."""
    token_key, page_key = _token_key(uscc), _page_key(uscc, variant)
    try:
        found = cache.get_many([token_key, page_key])
        token, page = found.get(token_key), found.get(page_key)
        if token is not None and isinstance(page, tuple) and page[0] == token:
            return page[1], token
        if token is None:
            fresh = uuid.uuid4().hex
            # add(): two first visitors agree on one token; whoever lost reads the winner's.
            token = fresh if cache.add(token_key, fresh, TOKEN_SECONDS) else cache.get(token_key)
        return None, token
    except Exception:  # the cache is an optimisation: without it, render
        log.warning("public page cache unavailable", exc_info=True)
        return None, None


def store(uscc: str, variant: str, token: str | None, content: bytes) -> None:
    if token is None:
        return
    try:
        cache.set(_page_key(uscc, variant), (token, content), PAGE_SECONDS)
    except Exception:
        log.warning("public page cache unavailable", exc_info=True)


def _renew(usccs: list[str]) -> None:
    try:
        cache.set_many({_token_key(u): uuid.uuid4().hex for u in usccs}, TOKEN_SECONDS)
    except Exception:
        # Pages stored before stay at most PAGE_SECONDS: log loudly, the data itself is committed.
        log.error("public page cache not invalidated for %s", usccs, exc_info=True)


def invalidate(usccs: Iterable[str]) -> None:
    """The entities' cached pages are stale once the current transaction commits (now, outside one)."""
    codes = sorted({u for u in usccs if u})
    if codes:
        transaction.on_commit(lambda: _renew(codes))
