"""Independent-source counts, from the named query `corroboration` (its logic lives there only).

One claim: the query bound to that claim. Many claims (an entity page): the query over every
claim, run once per build of the store and kept, since the graph does not change between builds.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

from iokg.provenance import rows as r
from iokg.provenance.models import Corroboration
from iokg.queries import get_query
from iokg.store import resolve_store

_cache: "weakref.WeakKeyDictionary[object, tuple[str, dict[str, Corroboration]]]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()

NONE = Corroboration(independent_sources=0, independent_publishers=0, supporting_sources=0,
                     contesting_sources=0, primary_sources=[])


def _from_row(row: dict) -> Corroboration:
    def n(name: str) -> int:
        return int(r.text(row, name) or 0)
    return Corroboration(independent_sources=n("independentSources"),
                         independent_publishers=n("independentPublishers"),
                         supporting_sources=n("supportingSources"), contesting_sources=n("contestingSources"),
                         primary_sources=sorted((r.text(row, "primarySources") or "").split()))


def for_claim(store, claim_id: str) -> Corroboration:
    q = get_query("corroboration")
    rows = store.select(q.text, q.bind({"claim": claim_id}))
    return _from_row(rows[0]) if rows else NONE


def _version(store) -> str | None:
    """What identifies the graph the store serves now (its current build), if it can tell."""
    path = getattr(store, "path", None)
    if path is None:
        return None
    try:
        return str(resolve_store(Path(path)))
    except Exception:
        return None


def table(store) -> dict[str, Corroboration]:
    """Corroboration of every claim, by claim IRI; computed once per build of a store."""
    version = _version(store)
    if version is not None:
        with _lock:
            hit = _cache.get(store)
        if hit is not None and hit[0] == version:
            return hit[1]
    q = get_query("corroboration")
    result = {r.text(row, "claim"): _from_row(row) for row in store.select(q.text, q.bind({}))}
    if version is not None:
        try:
            with _lock:
                _cache[store] = (version, result)
        except TypeError:  # a store object that cannot be weakly referenced: no caching
            pass
    return result
