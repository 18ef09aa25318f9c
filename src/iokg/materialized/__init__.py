"""Rows the pages and lookups need, computed once per build and kept in ``materialized.sqlite``
inside the build: the named queries of `iokg.materialized.filings.FILINGS` (``assertions``,
``entity``, ``source``, ``corroboration``, ``computed-evidence``, ``attribution``, ``source-list``
by publisher, ``exists``), each filed per value of its id parameter in the one table
``rows(query, param, value, body)`` (``body``: the rows as SPARQL TSV, zlib-compressed,
`iokg.materialized.encoding`), with ``meta(key, value)`` naming the schema version and what is
filed.

The build computes them over the graph it has just checked (`iokg.materialized.writing`). A lookup
then reads one row of SQLite instead of evaluating the query: `iokg.queries.run_named` and the
named-query door of the query service ask `answer` first, and run the query when the build has
none of it (a store `iokg build` did not make, a remote store without pushed rows). With an
``as_of``, attribution's filed rows are cut in Python exactly as its filter cuts them.
`tests/test_materialized.py` holds every filing to the query's own rows for every id of the
curated data.

>>> import tempfile, pathlib, pyoxigraph as ox
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> claim = ox.NamedNode("https://w3id.org/iokg/id/claim/c1")
>>> row = {"claim": claim, "excerpt": ox.Literal("un mot", language="fr")}
>>> write_materialized({("assertions\\0claim", claim.value): [row]}, folder / FILENAME)
1
>>> (folder / ".complete").touch()
>>> [r["excerpt"] for r in MaterializedRows(folder).rows("assertions", "claim", claim)]
[<Literal value=un mot language=fr>]
>>> MaterializedRows(folder).rows("assertions", "claim", ox.NamedNode("urn:other"))
[]
>>> MaterializedRows(folder).rows("entities", "claim", claim) is None
True
"""

from iokg.materialized.filings import FILINGS, Filing, answer
from iokg.materialized.reading import FILENAME, SCHEMA_VERSION, MaterializedRows
from iokg.materialized.writing import materialize, write_materialized

__all__ = ["FILENAME", "FILINGS", "SCHEMA_VERSION", "Filing", "MaterializedRows", "answer", "materialize",
           "write_materialized"]
