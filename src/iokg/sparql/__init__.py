"""SPARQL over the store: screening, the SPARQL 1.1 Protocol, and the query service whose two doors
(client SPARQL, named queries) run every query in killable worker processes.

Nothing here imports a web framework; `iokg.api` wraps it in HTTP.
"""

from iokg.errors import Limit
from iokg.sparql.dataset import Dataset
from iokg.sparql.executor import QueryExecutor
from iokg.sparql.service import PooledStore, QueryService, Rows, Serialized

__all__ = ["Dataset", "Limit", "PooledStore", "QueryExecutor", "QueryService", "Rows", "Serialized"]
