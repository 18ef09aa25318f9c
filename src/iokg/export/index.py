"""A store's quads indexed by subject, for the exports that walk the whole graph (the STIX bundle,
the claims CSV) without query text: ``index.one(s, p)``, ``index.all(s, p)`` (values sorted, so
the exports are deterministic) and ``index.of_type(cls)``."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from iokg import vocab

NS = vocab.NS
RDF_TYPE = vocab.PREFIXES["rdf"] + "type"


class StoreIndex:
    """The quads of a store, by subject: ``g[s][p]`` is the sorted list of values."""

    def __init__(self, store):
        """``store``: a pyoxigraph store, or the quads themselves (each once)."""
        self.props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        quads = store.quads_for_pattern(None, None, None) if isinstance(store, ox.Store) else store
        for q in quads:
            if isinstance(q.subject, ox.NamedNode):
                self.props[q.subject.value][q.predicate.value].append(q.object)
        for p in self.props.values():
            for values in p.values():
                values.sort(key=lambda o: o.value)

    @classmethod
    def of(cls, source) -> "StoreIndex":
        """``source`` if it is an index already, else an index of it."""
        return source if isinstance(source, StoreIndex) else cls(source)

    def all(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.props.get(s, {}).get(p, [])]

    def one(self, s: str, p: str) -> str | None:
        values = self.all(s, p)
        return values[0] if values else None

    def of_type(self, cls: str) -> list[str]:
        return sorted(s for s, p in self.props.items() if cls in {o.value for o in p.get(RDF_TYPE, [])})

    def local_type(self, s: str) -> str | None:
        for t in self.all(s, RDF_TYPE):
            if t.startswith(NS):
                return t[len(NS):]
        return None
