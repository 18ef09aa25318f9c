"""The `iokg` command: build, validate, query, stats, serve, import, datasets."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import pyoxigraph as ox

from iokg.errors import IngestError, IokgError
from iokg.settings import Settings

FORMATS = {"csv": ox.QueryResultsFormat.CSV, "json": ox.QueryResultsFormat.JSON,
           "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}


def _settings(**overrides) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


store_option = click.option("--store", type=click.Path(path_type=Path), default=None,
                            help="Store path [env IOKG_STORE; default var/store].")
data_option = click.option("--data", type=click.Path(path_type=Path), default=None,
                           help="Folder of curated YAML [env IOKG_DATA; default data/].")


def remote_options(f):
    """The remote store's options (each also an IOKG_REMOTE_* variable; see docs/operations.md)."""
    for option in reversed([
        click.option("--remote", is_flag=True, default=None,
                     help="Use the remote SPARQL store [env IOKG_REMOTE]."),
        click.option("--remote-query-url", default=None, metavar="URL",
                     help="Its SPARQL query endpoint [env IOKG_REMOTE_QUERY_URL]."),
        click.option("--remote-update-url", default=None, metavar="URL",
                     help="Its SPARQL Update endpoint [env IOKG_REMOTE_UPDATE_URL]."),
        click.option("--remote-gsp-url", default=None, metavar="URL",
                     help="Its Graph Store Protocol endpoint, optional [env IOKG_REMOTE_GSP_URL]."),
        click.option("--remote-timeout-param", default=None, metavar="NAME",
                     help="Its time-limit parameter, in ms [env IOKG_REMOTE_TIMEOUT_PARAM]."),
        click.option("--remote-retry-ms", type=int, default=None,
                     help="How long to retry a store that is down [env IOKG_REMOTE_RETRY_MS]."),
    ]):
        f = option(f)
    return f


def _push(settings: Settings) -> None:
    """Push the store's current build to the remote store and serve it there."""
    from iokg.remote.backend import remote_client
    from iokg.remote.push import push as run_push
    from iokg.store import build_id, resolve_store

    current = build_id(settings.store)
    if current is None:
        raise IokgError(f"{settings.store} is not a build of `iokg build`; nothing to push")
    client = remote_client(settings)
    try:
        report = run_push(client, resolve_store(settings.store) / "dumps" / "iokg.nq", current)
    finally:
        client.close()
    click.echo(f"pushed {report.summary()}")


datasets_option = click.option("--datasets", type=click.Path(path_type=Path), default=None,
                               help="Folder of imported datasets [env IOKG_DATASETS; default <store>.datasets].")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="iokg")
def main() -> None:
    """iokg: a knowledge graph of influence operations, with the sources behind every statement."""


def _fail(error: Exception) -> None:
    if isinstance(error, IngestError):
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(error.problems)} problem(s) found; nothing was written.", err=True)
    else:
        click.echo(f"error: {error}", err=True)
    sys.exit(1)


@main.command()
@data_option
def validate(data: Path | None) -> None:
    """Run every check over the curated YAML; write nothing."""
    from iokg.build import validate as run

    settings = _settings(data=data)
    try:
        report = run(settings.data)
    except IokgError as e:
        _fail(e)
    click.echo(f"valid: {report.summary()}")


@main.command()
@data_option
@store_option
@click.option("--export", type=click.Path(path_type=Path), default=None,
              help="Where to write the whole graph as TriG [default <store>.trig].")
@remote_options
def build(data: Path | None, store: Path | None, export: Path | None, **remote) -> None:
    """Check the curated YAML and, only if all is well, build and publish a new store.

    With --remote, the new build is then pushed to the remote SPARQL store and served there.
    """
    from iokg.build import build as run

    try:
        settings = _settings(data=data, store=store, export=export, **remote)
    except ValueError as e:
        _fail(IokgError(str(e)))
    try:
        report = run(settings.data, settings.store, settings.export_path)
    except IokgError as e:
        _fail(e)
    click.echo(f"built {report.summary()}")
    click.echo(f"store:  {report.store}")
    click.echo(f"search: {report.search_texts} texts indexed")
    click.echo(f"export: {report.export}")
    if settings.remote:
        try:
            _push(settings)
        except IokgError as e:
            _fail(IokgError(f"the build is published locally, but not on the remote store: {e}"))


@main.command()
@store_option
@remote_options
def push(store: Path | None, **remote) -> None:
    """Push the store's current build to the remote SPARQL store (what `build --remote` does
    after building), then drop the store's older builds. The previous build stays served until
    the one pointer switches."""
    try:
        settings = _settings(store=store, **remote)
        _push(settings)
    except ValueError as e:
        _fail(IokgError(str(e)))
    except IokgError as e:
        _fail(e)


@main.command()
@click.argument("query")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", *FORMATS]), default="table", show_default=True)
@click.option("--param", "-p", multiple=True, metavar="NAME=VALUE",
              help="A parameter of a named query, bound as an RDF term (repeatable).")
def query(query: str, store: Path | None, fmt: str, param: tuple[str, ...]) -> None:
    """Run QUERY against the built store: a named query (see queries/), a .rq file, or SPARQL text."""
    from iokg.queries import get_query, load_queries
    from iokg.store import EmbeddedStore

    settings = _settings(store=store)
    substitutions = None
    named = load_queries().get(query)
    try:
        if named is not None:
            values = {}
            for item in param:
                name, sep, value = item.partition("=")
                if not sep:
                    raise IokgError(f"--param takes NAME=VALUE, got '{item}'")
                values[name] = value
            text, substitutions = named.text, named.bind(values)
        elif param:
            raise IokgError("--param is only for named queries (see `iokg queries`)")
        elif Path(query).is_file():
            text = Path(query).read_text(encoding="utf-8")
        elif re.fullmatch(r"[\w.-]+", query):
            get_query(query)  # neither a named query nor a file: raises, naming the known queries
        else:
            text = query
        results = EmbeddedStore(settings.store).query(text, substitutions)
    except IokgError as e:
        _fail(e)
    _print_results(results, fmt)


@main.command()
@data_option
def review(data: Path | None) -> None:
    """Print every assertion as sentences to code against the documents, by document.

    Runs the same checks as `iokg validate` first; writes nothing.
    """
    from iokg.ingest.checks import check_corpus
    from iokg.ingest.reading import read_folder
    from iokg.ingest.review import review_lines
    corpus, problems = read_folder(_settings(data=data).data)
    problems += check_corpus(corpus)
    if problems:
        _fail(IngestError(problems))
    for line in review_lines(corpus):
        click.echo(line)


@main.command(name="queries")
def list_queries() -> None:
    """List the named queries with their parameters."""
    from iokg.queries import load_queries

    for q in load_queries().values():
        params = ", ".join(f"{p.name} ({p.type}{', optional' if p.optional else ''})" for p in q.params)
        click.echo(f"{q.name}: {q.title}" + (f"  [{params}]" if params else ""))


@main.command()
@store_option
def stats(store: Path | None) -> None:
    """Show how many things of each kind the built store holds."""
    from iokg.queries import load_queries
    from iokg.store import EmbeddedStore

    settings = _settings(store=store)
    try:
        graph = EmbeddedStore(settings.store)
        rows = graph.select(load_queries()["stats"].text)
        total = len(graph)
    except IokgError as e:
        _fail(e)
    click.echo(f"store: {settings.store}")
    for row in rows:
        name = row["class"].value.rsplit("#", 1)[-1]
        click.echo(f"  {name:<14} {row['count'].value:>8}")
    click.echo(f"  {'triples':<14} {total:>8}")


@main.group(name="export")
def export_group() -> None:
    """Export the built store in another format."""


@export_group.command(name="stix")
@store_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the STIX 2.1 bundle (JSON); '-' for standard output.")
def export_stix(store: Path | None, output: Path) -> None:
    """Write the graph as a STIX 2.1 bundle (the same as /dumps/iokg.stix.json; see docs/stix.md)."""
    from iokg.export import stix
    from iokg.store import open_read_only

    settings = _settings(store=store)
    try:
        data = stix.serialize(stix.bundle(open_read_only(settings.store)))
    except IokgError as e:
        _fail(e)
    if str(output) == "-":
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"stix: {output}", err=True)


@main.group(name="import")
def import_group() -> None:
    """Import a platform's released data into the datasets folder beside the store."""


class _ProgressBar:
    """`iokg.datasets.importing.Progress` as a click progress bar on stderr."""

    def __init__(self, label: str):
        self.label, self.bar = label, None

    def begin(self, total_bytes: int) -> None:
        self.bar = click.progressbar(length=max(total_bytes, 1), label=self.label, file=sys.stderr,
                                     show_percent=True, show_eta=True)
        self.bar.__enter__()

    def advance(self, n_bytes: int) -> None:
        if self.bar is not None:
            self.bar.update(n_bytes)

    def end(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@import_group.command(name="twitter-io")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dataset", "dataset_id", required=True, help="Id of the dataset (e.g. aspi-2020); re-using one replaces it.")
@click.option("--title", default=None, help="Title of the dataset [default: its id].")
@click.option("--strict", is_flag=True, help="Fail (and change nothing) if any row is bad.")
@click.option("--force", is_flag=True, help="Import again even if the same files are already imported.")
@datasets_option
@store_option
def import_twitter_io(folder: Path, dataset_id: str, title: str | None, strict: bool, force: bool,
                      datasets: Path | None, store: Path | None) -> None:
    """Import a Twitter information-operations release FOLDER (*_users_csv_hashed.csv and
    *_tweets_csv_hashed.csv, plain, gzipped or zipped) as dataset ID.

    Bad rows are counted and listed with file and line; a failed import changes nothing.
    """
    from iokg.datasets.importing import import_twitter_io as run

    settings = _settings(datasets=datasets, store=store)
    try:
        report = run(folder, settings.datasets_path, dataset_id, title=title, strict=strict, force=force,
                     progress=_ProgressBar(f"reading {folder.name}"))
    except IokgError as e:
        _fail(e)
    for bad in report.bad_rows[:50]:
        click.echo(f"bad row: {bad}", err=True)
    if report.bad_row_count > 50:
        click.echo(f"… {report.bad_row_count - 50:,} more bad rows: every one is in the manifest's count and "
                   "in the rejects table (`SELECT * FROM rejects`)", err=True)
    click.echo(report.summary())
    click.echo(f"folder: {report.folder}")


@main.command(name="datasets")
@datasets_option
@store_option
def list_datasets(datasets: Path | None, store: Path | None) -> None:
    """List the imported datasets with their counts."""
    from iokg.datasets.layout import current_manifests

    settings = _settings(datasets=datasets, store=store)
    manifests = current_manifests(settings.datasets_path)
    click.echo(f"datasets: {settings.datasets_path}")
    for dataset_id, (_, m) in manifests.items():
        c = m["counts"]
        click.echo(f"  {dataset_id}: {c['accounts']:,} accounts, {c['tweets']:,} tweets, {c['bad_rows']:,} bad rows; "
                   f"imported {m['imported_at']} from {m['source_folder']}")
    if not manifests:
        click.echo("  (none; `iokg import twitter-io DIR --dataset ID`)")


@main.command()
@store_option
@data_option
@datasets_option
@click.option("--host", default=None, help="Address to listen on [env IOKG_HOST; default 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [env IOKG_PORT; default 8000].")
@click.option("--build/--no-build", "build_first", default=False,
              help="First build the store from the data folder if it is missing or older than the data.")
@click.option("--query-timeout-ms", type=int, default=None, help="Time limit of one query [env IOKG_QUERY_TIMEOUT_MS].")
@click.option("--max-result-rows", type=int, default=None, help="Row cap of a result [env IOKG_MAX_RESULT_ROWS].")
@click.option("--max-request-bytes", type=int, default=None, help="Largest request [env IOKG_MAX_REQUEST_BYTES].")
@click.option("--max-concurrent-queries", type=int, default=None,
              help="Queries evaluated at once [env IOKG_MAX_CONCURRENT_QUERIES].")
@click.option("--max-query-depth", type=int, default=None,
              help="Deepest nesting a SPARQL query may have [env IOKG_MAX_QUERY_DEPTH].")
@click.option("--max-url-bytes", type=int, default=None, help="Longest request target [env IOKG_MAX_URL_BYTES].")
@click.option("--max-header-bytes", type=int, default=None, help="Largest request headers [env IOKG_MAX_HEADER_BYTES].")
@click.option("--request-read-timeout-ms", type=int, default=None,
              help="Time to send a whole request [env IOKG_REQUEST_READ_TIMEOUT_MS].")
@click.option("--keep-alive-timeout-ms", type=int, default=None,
              help="Idle keep-alive connections close after [env IOKG_KEEP_ALIVE_TIMEOUT_MS].")
@click.option("--shutdown-grace-ms", type=int, default=None,
              help="Time requests in flight get to finish on SIGTERM [env IOKG_SHUTDOWN_GRACE_MS].")
@click.option("--datasets-memory-mb", type=int, default=None,
              help="Memory of the queries over the datasets [env IOKG_DATASETS_MEMORY_MB].")
@click.option("--max-in-flight", type=int, default=None,
              help="Requests handled at once; past it 503 with Retry-After [env IOKG_MAX_IN_FLIGHT].")
@click.option("--access-log/--no-access-log", "access_log", default=None,
              help="A line per answered request on standard output [env IOKG_ACCESS_LOG; default on].")
@click.option("--server", "server", type=click.Choice(["uvicorn", "granian"]), default=None,
              help="The ASGI server [env IOKG_SERVER; default uvicorn].")
@click.option("--public-url", default=None, metavar="URL",
              help="The public address of the pages, for links to cite [env IOKG_PUBLIC_URL; "
                   "default: the graph's base, https://w3id.org/iokg/].")
@remote_options
def serve(store: Path | None, data: Path | None, datasets: Path | None, host: str | None, port: int | None,
          build_first: bool, public_url: str | None, server: str | None, access_log: bool | None,
          **limits: int | None) -> None:
    """Serve the store over HTTP: SPARQL endpoint, lookups and pages.

    A build published while the server runs is picked up without a restart. With --remote,
    everything is answered from the remote SPARQL store's served build.
    """
    try:
        settings = _settings(store=store, data=data, datasets=datasets, host=host, port=port,
                             public_url=public_url, server=server, access_log=access_log, **limits)
    except ValueError as e:  # pydantic's ValidationError: a setting that cannot be used
        _fail(IokgError(str(e)))
    from iokg.build import is_stale

    if build_first and is_stale(settings.data, settings.store):
        from iokg.build import build as run

        try:
            report = run(settings.data, settings.store, settings.export_path)
        except IokgError as e:
            _fail(e)
        click.echo(f"built {report.summary()}")
    from iokg.api.server import run as run_server

    try:
        run_server(settings)
    except IokgError as e:
        _fail(e)


def _print_results(results, fmt: str) -> None:
    if isinstance(results, ox.QueryBoolean):
        if fmt != "table":
            sys.stdout.buffer.write(results.serialize(format=FORMATS[fmt]))
        else:
            click.echo("true" if results else "false")
        return
    if isinstance(results, ox.QuerySolutions):
        if fmt != "table":
            sys.stdout.buffer.write(results.serialize(format=FORMATS[fmt]))
            return
        names = [v.value for v in results.variables]
        rows = [[_cell(sol[n]) for n in names] for sol in results]
        widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
        widths = [min(w, 80) for w in widths]
        click.echo("  ".join(n.ljust(w) for n, w in zip(names, widths)))
        click.echo("  ".join("-" * w for w in widths))
        for r in rows:
            click.echo("  ".join(c[:w].ljust(w) for c, w in zip(r, widths)))
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
        return
    sys.stdout.buffer.write(ox.serialize(results, format=ox.RdfFormat.TURTLE))


def _cell(term) -> str:
    if term is None:
        return ""
    return term.value if not isinstance(term, ox.BlankNode) else f"_:{term.value}"
