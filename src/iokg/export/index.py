"""A store's quads indexed by subject, for the exports that walk the whole graph (the STIX bundle,
the claims CSV) without query text: ``index.one(s, p)``, ``index.all(s, p)`` (values sorted, so
the exports are deterministic) and ``index.of_type(cls)``."""

from __future__ import annotations

import pyoxigraph as ox

from iokg import vocab

NS = vocab.NS
RDF_TYPE = vocab.PREFIXES["rdf"] + "type"


class StoreIndex:
    """The quads of a store, by subject: ``props[s][p]`` is the sorted list of the values (the
    objects' lexical forms or IRIs); the subjects of each type are kept aside for `of_type`."""

    def __init__(self, store):
        """``store``: a pyoxigraph store, or the quads themselves (each once)."""
        self.props: dict[str, dict[str, list[str]]] = {}
        quads = store.quads_for_pattern(None, None, None) if isinstance(store, ox.Store) else store
        props = self.props
        named = ox.NamedNode
        for q in quads:
            subject = q.subject
            if type(subject) is named:
                s = props.get(subject.value)
                if s is None:
                    s = props[subject.value] = {}
                p = q.predicate.value
                values = s.get(p)
                if values is None:
                    s[p] = [q.object.value]
                else:
                    values.append(q.object.value)
        self.types: dict[str, list[str]] = {}
        for subject, p in props.items():
            for values in p.values():
                if len(values) > 1:
                    values.sort()
            for t in dict.fromkeys(p.get(RDF_TYPE, ())):
                self.types.setdefault(t, []).append(subject)
        for subjects in self.types.values():
            subjects.sort()

    @classmethod
    def of(cls, source) -> "StoreIndex":
        """``source`` if it is an index already, else an index of it."""
        return source if isinstance(source, StoreIndex) else cls(source)

    def all(self, s: str, p: str) -> list[str]:
        return list(self.props.get(s, {}).get(p, ()))

    def one(self, s: str, p: str) -> str | None:
        values = self.props.get(s, {}).get(p)
        return values[0] if values else None

    def of_type(self, cls: str) -> list[str]:
        return list(self.types.get(cls, ()))

    def local_type(self, s: str) -> str | None:
        for t in self.props.get(s, {}).get(RDF_TYPE, ()):
            if t.startswith(NS):
                return t[len(NS):]
        return None
