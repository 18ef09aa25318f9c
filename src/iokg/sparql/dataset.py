"""The RDF dataset a query runs over."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of a query, per the SPARQL 1.1 Protocol parameters.

    Empty (the default): the default graph is the union of all graphs of the store, and every
    named graph is available to GRAPH — unless the query names its own with FROM / FROM NAMED.
    Otherwise exactly the graphs given (``default-graph-uri`` / ``named-graph-uri``).
    """

    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()

    @property
    def is_given(self) -> bool:
        return bool(self.default_graph_uris or self.named_graph_uris)
