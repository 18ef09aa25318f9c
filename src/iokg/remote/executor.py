"""`RemoteExecutor`: client SPARQL (`/sparql`, the query page) over the remote store, for the
SPARQL door of `iokg.remote.service.RemoteQueryService`; the same screening and the same errors
as the embedded store's workers:

1. the query is screened (`iokg.sparql.screening.screen`: updates and SERVICE refused) and
   parsed by pyoxigraph over an empty in-memory store, so a syntax error has the line, column and
   caret it has on the embedded store, and nothing the store would refuse for syntax is sent;
2. its graph names are tagged and it is sent over the request's build (`iokg.remote.store`), with
   the endpoint's base and the predeclared prefixes declared in front of it;
3. the answer is read as it streams, cut one row past ``IOKG_MAX_RESULT_ROWS``, its graph names
   mapped back, and written by pyoxigraph in the client's format (`iokg.remote.results`).

The time limit is the client's (`iokg.remote.client`), and the store's where it takes one; the
service's slots bound how many requests reach the store at once (``IOKG_MAX_CONCURRENT_QUERIES``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from iokg import errors
from iokg.remote import results
from iokg.remote.client import RemoteClient
from iokg.remote.rewrite import ABSENT_GRAPH, prologue, rewrite
from iokg.remote.store import RemoteStore
from iokg.sparql.dataset import Dataset
from iokg.sparql.negotiation import Formats, one_format
from iokg.sparql.prefixes import PREDECLARED
from iokg.sparql.screening import screen
from iokg.sparql.syntax import syntax_error


@dataclass(frozen=True)
class RemoteResult:
    """A serialized result, as `iokg.sparql.worker.Serialized` is one: ``body``,
    ``media_type``, ``truncated``, ``kind`` (``results``, ``boolean`` or ``graph``)."""

    body: bytes
    media_type: str
    truncated: bool
    kind: str


_EMPTY = ox.Store()  # parses queries (evaluation is lazy: nothing runs over it)


def check_syntax(query: str, base_iri: str | None) -> None:
    """Parse ``query`` as the embedded store would; `InvalidQuery` with line and column if not."""
    try:
        result = _EMPTY.query(query, base_iri=base_iri, prefixes=PREDECLARED)
    except SyntaxError as e:
        raise syntax_error(query, e) from None
    except (ValueError, OSError) as e:
        raise errors.InvalidQuery(str(e)) from None
    del result


class RemoteExecutor:
    """Queries of `/sparql` and the named queries, over the remote store's served build."""

    def __init__(self, store: RemoteStore, *, max_result_rows: int):
        self.store = store
        self.client: RemoteClient = store.client
        self.max_result_rows = max_result_rows

    def start(self) -> RemoteExecutor:
        return self

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> RemoteExecutor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def worker_pids(self) -> list[int]:
        """No worker processes: the store evaluates."""
        return []

    def evaluate(self, query: str, *, results_media_type: str | None, graph_media_type: str | None,
                 dataset: Dataset = Dataset(), base_iri: str | None = None) -> RemoteResult:
        """Evaluate a client's read-only query on the store (the caller holds a slot of
        `iokg.remote.service.RemoteQueryService`); see the module docstring."""
        screened = screen(query)
        gives_graph = bool(screened.form and screened.form.gives_graph)
        one_format(Formats(results_media_type, graph_media_type), screened.form)  # NotAcceptable when none fits
        check_syntax(query, base_iri)
        return self._run(query, screened, gives_graph, results_media_type, graph_media_type, dataset, base_iri)

    def _run(self, query, screened, gives_graph, results_media_type, graph_media_type, dataset, base_iri):
        build = self.store.current()
        text = prologue(rewrite(query, build.tagged, base_iri), base_iri)
        if dataset.is_given:
            default = [build.tagged.get(g, ABSENT_GRAPH) for g in dataset.default_graph_uris] or [ABSENT_GRAPH]
            named = [build.tagged.get(g, ABSENT_GRAPH) for g in dataset.named_graph_uris] or [ABSENT_GRAPH]
        elif screened.has_dataset_clause:
            default, named = [], []
        else:
            default, named = build.default_graphs, build.named_graphs
        accept = results.GRAPH_ACCEPT if gives_graph else results.JSON_RESULTS
        with self.client.query(text, accept=accept, default_graphs=default, named_graphs=named) as response:
            if gives_graph:
                triples, truncated = results.capped_triples(results.parse_graph(response),
                                                            self.max_result_rows, build.usual)
                body, media_type = results.write_graph(triples, graph_media_type)
                return RemoteResult(body, media_type, truncated, "graph")
            parsed = results.parse_results(response)
            if isinstance(parsed, ox.QueryBoolean):
                body, media_type = results.write_results(results.boolean_json(bool(parsed)),
                                                         results_media_type, False)
                return RemoteResult(body, media_type, False, "boolean")
            json_body, truncated = results.capped_solutions(parsed, self.max_result_rows, build.usual)
        body, media_type = results.write_results(json_body, results_media_type, truncated)
        return RemoteResult(body, media_type, truncated, "results")
