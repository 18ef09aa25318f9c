"""SPARQL over the store: screening, the SPARQL 1.1 Protocol, and killable query workers.

Nothing here imports a web framework; `iokg.api` wraps it in HTTP.
"""

from iokg.sparql.dataset import Dataset
from iokg.sparql.executor import QueryExecutor, QueryResult
from iokg.sparql.limits import Limit

__all__ = ["Dataset", "Limit", "QueryExecutor", "QueryResult"]
