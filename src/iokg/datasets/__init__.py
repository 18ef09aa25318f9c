"""Account-level evidence: takedown archives imported into an embedded analytics store.

DuckDB over Parquet, in a folder beside the graph store (``IOKG_DATASETS``, default
``<store>.datasets``). The graph holds what reports say; this holds what platforms released, so
claims about it can be checked by computation. No HTTP here (the routes are in
`iokg.api.routers.datasets`).

- `iokg.datasets.twitter_io`: the Twitter information-operations release format, read row by row;
- `iokg.datasets.values`: one value of a release, read and checked;
- `iokg.datasets.importing`: ``iokg import twitter-io``, all or nothing, idempotent;
- `iokg.datasets.layout`: the folder, the registry, atomic publication;
- `iokg.datasets.catalog`: `DatasetStore`, the read-only DuckDB with its limits, and the SQL screen;
- `iokg.datasets.analyses`: named analyses (`run_analysis`);
- `iokg.datasets.output`: results as JSON values and CSV;
- `iokg.datasets.rdf`: the datasets and their accounts as quads for the graph (`dataset_quads`);
- `iokg.datasets.synthetic`: synthetic archives for tests and the benchmark.
"""

from iokg.datasets.analyses import ANALYSES, run_analysis
from iokg.datasets.catalog import DatasetStore
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.rdf import GRAPH_DATASETS, dataset_quads
from iokg.errors import DatasetNotFound

__all__ = ["ANALYSES", "GRAPH_DATASETS", "DatasetNotFound", "DatasetStore", "dataset_quads", "import_twitter_io",
           "run_analysis"]
