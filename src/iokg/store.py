"""Where the graph lives on disk, and the one way code opens it.

`iokg build` never writes into the store that is being served. It loads a fresh directory
beside it (``<store>.builds/<stamp>``) and, only when every check has passed, points the store
path (a symbolic link) at it with one atomic rename. Readers resolve the link when they open
the store, so a failed or killed build leaves them on the previous graph.

Any plain pyoxigraph store directory can also be given as the store path; it is opened as is.

`Store` is the small interface the core's lookups read a store through (one method, ``select``);
`EmbeddedStore` offers it in this process.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> resolve_store(d / "missing")
Traceback (most recent call last):
...
iokg.errors.StoreNotFound: no store at .../missing: run `iokg build` first (or pass --store PATH)
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from iokg.errors import InvalidQuery, StoreNotFound

#: How many earlier builds are kept beside the current one (a server may still have one open).
KEEP_PREVIOUS_BUILDS = 2


def builds_dir(store: Path) -> Path:
    """The folder holding every build of ``store``."""
    return store.parent / (store.name + ".builds")


def resolve_store(store: Path) -> Path:
    """The directory the store path stands for right now (following the build link)."""
    store = Path(store)
    if not store.exists():
        raise StoreNotFound(f"no store at {store}: run `iokg build` first (or pass --store PATH)")
    return store.resolve()


def build_id(store: Path) -> str | None:
    """The id of the build ``store`` points at now: the name of its directory (the time it was
    built, the builder's process id and a counter), or None for a store `iokg build` did not make.

    A page cites it so a reader can tell which build of the graph a statement came from.
    """
    try:
        current = resolve_store(store)
    except StoreNotFound:
        return None
    return current.name if (current / ".complete").exists() else None


def open_read_only(store: Path) -> ox.Store:
    """Open the current build (or a plain pyoxigraph directory) read-only."""
    return ox.Store.read_only(str(resolve_store(store)))


def new_build_dir(store: Path) -> Path:
    """A fresh, empty directory for the next build, inside `builds_dir(store)`."""
    parent = builds_dir(store)
    parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    path = parent / stamp
    path.mkdir()
    return path


def publish(store: Path, build: Path) -> None:
    """Point ``store`` at ``build`` atomically, then drop builds no reader should still need.

    Refuses to replace a real directory that `iokg build` did not make.
    """
    store = Path(store)
    if store.exists() and not store.is_symlink():
        raise StoreNotFound(
            f"{store} is a directory iokg did not build; give `iokg build` another --store path"
        )
    tmp_link = store.parent / f".{store.name}.link-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(build, store.parent))
    os.replace(tmp_link, store)
    prune(store)


def prune(store: Path) -> None:
    """Remove old and abandoned builds, keeping the current one and a few before it."""
    parent = builds_dir(store)
    if not parent.is_dir():
        return
    current = store.resolve() if store.exists() else None
    builds = sorted((p for p in parent.iterdir() if p.is_dir()), key=lambda p: p.name)
    done = [p for p in builds if (p / ".complete").exists() or p == current]
    keep = set(done[-(KEEP_PREVIOUS_BUILDS + 1):])
    if current is not None:
        keep.add(current)
    for p in builds:
        if p not in keep and not _in_progress(p):
            shutil.rmtree(p, ignore_errors=True)


def _in_progress(build: Path) -> bool:
    """A build directory whose builder process is still alive."""
    if (build / ".complete").exists():
        return False
    try:
        pid = int(build.name.split("-")[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_query(store: Path, text: str, substitutions: Mapping[ox.Variable, Any] | None = None):
    """Run a query of any form on the store in this process (for the command line and tests):
    pyoxigraph's result, to iterate on this thread. The same as ``EmbeddedStore(store).query``."""
    return EmbeddedStore(store).query(text, substitutions)


class Store(Protocol):
    """The small store interface: all the core's lookups (`iokg.provenance`, `iokg.browse`,
    `iokg.releases.lookups`, `iokg.search.index`) need of a store.

    ``select(text, substitutions)`` runs a SELECT over the union of all graphs, with the
    prefixes of `iokg.sparql.prefixes` predeclared and ``substitutions`` (pyoxigraph
    ``Variable`` → term) bound as RDF terms, never pasted into the text, and returns every row as
    a dict of variable name to pyoxigraph term (unbound variables left out). It raises
    `iokg.errors` errors: `InvalidQuery`, `QueryTimeout`, `StoreNotFound`.

    `EmbeddedStore` runs it in-process; `iokg.sparql.service.PooledStore` in the server's query
    workers, under the time limit; a remote SPARQL 1.1 endpoint can offer the same method.
    """

    def select(self, text: str, substitutions: Mapping[ox.Variable, Any] | None = None) -> list[dict[str, Any]]:
        ...


def _query(db: ox.Store, text: str, substitutions: Mapping | None):
    """The one way iokg runs a query in-process: union default graph, bound terms, typed errors."""
    # imported here: the iokg.sparql package imports this module (its workers open stores)
    from iokg.sparql.prefixes import PREDECLARED
    from iokg.sparql.syntax import syntax_error

    try:
        return db.query(text, use_default_graph_as_union=True,
                        substitutions=dict(substitutions) if substitutions else None, prefixes=PREDECLARED)
    except SyntaxError as e:
        raise syntax_error(text, e) from None
    except (OSError, RuntimeError, ValueError) as e:
        raise InvalidQuery(f"query failed: {e}") from None


class EmbeddedStore:
    """`Store` in this process: the store path opened read-only, reopened when a new build has been
    published. Results are read to the end inside `select`, on the calling thread, as pyoxigraph
    requires. The build, the command line and the tests use it; the server runs its queries in
    worker processes instead (`iokg.sparql.service`).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s"
    >>> db = ox.Store(str(path)); db.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"))); del db
    >>> EmbeddedStore(path).select("SELECT ?o WHERE { ?s ?p ?o }")[0]["o"].value
    'x'
    """

    def __init__(self, path: Path):
        from iokg.materialized import MaterializedRows

        self.path = Path(path)
        self._opened: tuple[Path, ox.Store] | None = None
        self.materialized = MaterializedRows(self.path)  # the build's precomputed rows, if it has them

    def _store(self) -> ox.Store:
        current = resolve_store(self.path)
        opened = self._opened
        if opened is None or opened[0] != current:
            opened = (current, ox.Store.read_only(str(current)))
            self._opened = opened
        return opened[1]

    def __len__(self) -> int:
        """How many quads the store holds."""
        return len(self._store())

    def query(self, text: str, substitutions: Mapping[ox.Variable, Any] | None = None):
        """pyoxigraph's result of any query form (solutions, a boolean or triples), to iterate on
        this thread; the default graph is the union of all graphs. For the command line."""
        return _query(self._store(), text, substitutions)

    def select(self, text: str, substitutions: Mapping[ox.Variable, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a SELECT query as dicts of variable name to pyoxigraph term (unbound left out)."""
        results = _query(self._store(), text, substitutions)
        if not isinstance(results, ox.QuerySolutions):
            raise InvalidQuery("only SELECT queries return rows")
        names = [v.value for v in results.variables]
        return [{n: sol[n] for n in names if sol[n] is not None} for sol in results]
