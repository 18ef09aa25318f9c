"""`RemoteStore`: the store interface lookups use (`select`), over a remote SPARQL 1.1 store, and
the build it serves, pinned once per request.

The store holds any number of builds, each in graphs tagged with its id
(`iokg.remote.rewrite.tagged`), and a small control graph, ``<urn:iokg:control>``, whose one
pointer triple names the build served (``c:service c:current <urn:iokg:build:ID>``) and which
lists each build's graphs. A reader reads the pointer and the graph list in one query
(``queries/remote/current-build.rq``) and sends every query of the request over exactly that
build's graphs: ``default-graph-uri`` for each (their union is the default graph, as on the
embedded store) and ``named-graph-uri`` for each (for ``GRAPH``), with the graph names in the query
text tagged. The build's materialized graph (`iokg.remote.materialized`) is listed with its graphs,
so it is switched and dropped with them, but kept out of that dataset.

A request reads the pointer at most once (`pinned`): every lookup of one page comes from one
build, even when a push switches the pointer meanwhile. Outside a pinned block (the command line,
a test) each call reads the pointer afresh.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import pyoxigraph as ox

from iokg.errors import InvalidQuery, StoreNotFound
from iokg.remote import results
from iokg.remote.client import RemoteClient
from iokg.remote.materialized import MATERIALIZED_GRAPH
from iokg.remote.rewrite import bind_values, prologue, rewrite, tagged

#: The control graph, the service node holding the pointer, the vocabulary of both.
CONTROL_GRAPH = "urn:iokg:control"
CONTROL = "urn:iokg:control#"
#: The usual name given to a build's default-graph triples (iokg builds have none).
DEFAULT_GRAPH = "urn:iokg:default-graph"


def build_iri(build_id: str) -> str:
    return f"urn:iokg:build:{build_id}"


@lru_cache(maxsize=None)
def control_query(name: str) -> str:
    """The text of ``queries/remote/<name>.rq`` (the control graph's queries and updates)."""
    return (files("iokg") / "queries" / "remote" / f"{name}.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Build:
    """One build in the store: its id and the usual names of its graphs."""

    id: str
    graphs: tuple[str, ...]
    #: The tagged name of the build's materialized graph (`iokg.remote.materialized`), None when
    #: it was pushed without one; never among ``graphs``, so client queries never see it.
    materialized: str | None = None
    tagged: Mapping[str, str] = field(init=False, repr=False, compare=False)
    usual: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {g: tagged(g, self.id) for g in self.graphs}
        object.__setattr__(self, "tagged", names)
        object.__setattr__(self, "usual", {t: g for g, t in names.items()})

    @property
    def default_graphs(self) -> list[str]:
        return [self.tagged[g] for g in self.graphs]

    @property
    def named_graphs(self) -> list[str]:
        return [self.tagged[g] for g in self.graphs if g != DEFAULT_GRAPH]


def _empty(term: Any) -> bool:
    """An empty plain string: what Virtuoso gives for a GROUP_CONCAT over no values, where the
    embedded store leaves the variable unbound. The named queries never return an empty string
    otherwise (the data has none), so their rows are read alike from every store."""
    return isinstance(term, ox.Literal) and term.value == "" and term.datatype.value == results.XSD_STRING \
        and not term.language


class _Pin:
    def __init__(self) -> None:
        self.build: Build | None = None
        self.lock = threading.Lock()


_pin: contextvars.ContextVar[_Pin | None] = contextvars.ContextVar("iokg_remote_pin", default=None)


@contextmanager
def pinned() -> Iterator[None]:
    """Within this block (one HTTP request), every query reads the build read first."""
    token = _pin.set(_Pin())
    try:
        yield
    finally:
        _pin.reset(token)


class PinBuild:
    """ASGI middleware: each HTTP request is one `pinned` block."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with pinned():
            await self.app(scope, receive, send)


class RemoteStore:
    """Named, parameterized SELECTs over the served build of a remote store, as plain rows.

    The same interface as `iokg.store.EmbeddedStore`: ``select(text, substitutions)`` returns a
    list of dicts of variable name to pyoxigraph term (unbound variables left out). Also
    ``build_id()``, the id of the build this request reads (pages cite it).
    """

    path = None  # no local directory (iokg.search.SearchIndex asks)

    def __init__(self, client: RemoteClient):
        self.client = client

    # -- the served build --------------------------------------------------------------------

    def read_current(self) -> Build:
        """The build the pointer names now (one query)."""
        rows = self._run_select(control_query("current-build"), [], [])
        if not rows:
            raise StoreNotFound("the remote store serves no iokg build yet: run `iokg build --remote`")
        latest = max(r["id"].value for r in rows)  # two pointers (two pushes at once): the latest
        graphs = sorted({r["graph"].value for r in rows if r["id"].value == latest})
        materialized = tagged(MATERIALIZED_GRAPH, latest) if MATERIALIZED_GRAPH in graphs else None
        return Build(latest, tuple(g for g in graphs if g != MATERIALIZED_GRAPH), materialized)

    def current(self) -> Build:
        """The build of this request (read once per `pinned` block), else read now."""
        pin = _pin.get()
        if pin is None:
            return self.read_current()
        with pin.lock:
            if pin.build is None:
                pin.build = self.read_current()
            return pin.build

    def build_id(self) -> str | None:
        try:
            return self.current().id
        except StoreNotFound:
            return None

    # -- queries -----------------------------------------------------------------------------

    def select(self, text: str, substitutions: dict | None = None) -> list[dict]:
        """Rows of a trusted SELECT (query text of ``queries/*.rq``) with its parameters bound."""
        build = self.current()
        try:
            bound = bind_values(text, substitutions)
        except ValueError as e:
            raise InvalidQuery(str(e)) from None
        sent = prologue(rewrite(bound, build.tagged), None)
        rows = self._run_select(sent, build.default_graphs, build.named_graphs)
        return [{name: results.usual_term(term, build.usual) for name, term in row.items() if not _empty(term)}
                for row in rows]

    def _run_select(self, text: str, default_graphs: list[str], named_graphs: list[str]) -> list[dict]:
        with self.client.query(text, accept=results.JSON_RESULTS, default_graphs=default_graphs,
                               named_graphs=named_graphs) as response:
            parsed = results.parse_results(response)
            if not isinstance(parsed, ox.QuerySolutions):
                raise InvalidQuery("only SELECT queries return rows")
            names = [v.value for v in parsed.variables]
            return [{n: s[n] for n in names if s[n] is not None} for s in parsed]
