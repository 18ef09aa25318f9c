"""Settings, read from the environment (prefix ``IOKG_``); every one is also a CLI option.

>>> s = Settings(store="/tmp/example-store")
>>> s.store.name
'example-store'
>>> s.query_timeout_ms
10000
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: What ships inside the package: the ontology and shapes, the DISARM table, the named queries.
PACKAGE_DIR = Path(str(files("iokg")))
ONTOLOGY_DIR = PACKAGE_DIR / "ontology"
QUERIES_DIR = PACKAGE_DIR / "queries"
DISARM_CSV = ONTOLOGY_DIR / "disarm" / "disarm_techniques.csv"


def _project_root() -> Path:
    """The checkout the package runs from (its data/ and var/), or else the working directory."""
    checkout = PACKAGE_DIR.parents[1]
    return checkout if (checkout / "pyproject.toml").is_file() and (checkout / "data").is_dir() else Path.cwd()


#: Where the default data folder and store are: the checkout when run from one, else the working directory.
PROJECT_ROOT = _project_root()


class Settings(BaseSettings):
    """Everything iokg can be told from outside. Units are in the names."""

    model_config = SettingsConfigDict(env_prefix="IOKG_", extra="ignore")

    store: Path = Field(
        default=PROJECT_ROOT / "var" / "store",
        description="Path of the on-disk store. `iokg build` makes it a link to the current build.",
    )
    data: Path = Field(
        default=PROJECT_ROOT / "data", description="Folder of curated YAML read by `iokg build`."
    )
    export: Path | None = Field(
        default=None,
        description="Where `iokg build` writes the whole graph as TriG; default: beside the store, `<store>.trig`.",
    )
    datasets: Path | None = Field(
        default=None,
        description="Folder of imported datasets (DuckDB over Parquet); default: beside the store, `<store>.datasets`.",
    )
    datasets_memory_mb: int = Field(
        default=1024, gt=0, description="Memory DuckDB may use for the queries over the datasets, all together; past it a query stops."  # noqa: E501
    )
    host: str = Field(default="127.0.0.1", description="Address `iokg serve` listens on.")
    port: int = Field(default=8000, description="Port `iokg serve` listens on.")
    query_timeout_ms: int = Field(
        default=10_000, gt=0, description="Time limit of one SPARQL query; past it the query is killed."
    )
    max_result_rows: int = Field(
        default=10_000, gt=0, description="Row cap of a SELECT result; a cut result says so."
    )
    max_request_bytes: int = Field(
        default=1_000_000, gt=0, description="Largest request body (and query text) accepted."
    )
    max_concurrent_queries: int = Field(
        default=4, gt=0, description="SPARQL queries evaluated at once; more wait for a free slot."
    )
    max_query_depth: int = Field(
        default=200, gt=0, description="Deepest nesting of groups, brackets and parentheses a SPARQL query may have; "
        "deeper queries are refused before they are parsed."
    )
    max_url_bytes: int = Field(
        default=65_536, gt=0, description="Longest request target (path and query string) accepted; longer is 414."
    )
    max_header_bytes: int = Field(
        default=16_384, gt=0, description="Largest total of request header names and values accepted; more is 431."
    )
    request_read_timeout_ms: int = Field(
        default=20_000, gt=0, description="Time a client has to send a whole request (headers and body); past it "
        "the connection is closed with 408."
    )
    keep_alive_timeout_ms: int = Field(
        default=5_000, gt=0, description="How long an idle keep-alive connection stays open between requests."
    )
    shutdown_grace_ms: int = Field(
        default=15_000, gt=0, description="On SIGTERM or SIGINT: how long requests in flight may take to finish; "
        "no new ones are accepted meanwhile."
    )
    max_in_flight: int = Field(
        default=16, gt=0, description="Requests handled at once by one server process; past it a request is "
        "answered at once with 503 and Retry-After (never /healthz)."
    )
    access_log: bool = Field(
        default=True, description="Write a line per answered request to standard output, in batches "
        "(at most a second late); off behind a proxy that keeps its own log."
    )
    server: Literal["uvicorn", "granian"] = Field(
        default="uvicorn", description="The ASGI server `iokg serve` runs: uvicorn (with uvloop and httptools) "
        "or granian."
    )
    public_url: str | None = Field(
        default=None,
        description="The public address the pages are served at (e.g. https://iokg.example.org); "
        "links to cite use it. Without it they use the graph's own base, https://w3id.org/iokg/.",
    )

    remote: bool = Field(
        default=False,
        description="Serve from the remote SPARQL store named by IOKG_REMOTE_QUERY_URL instead of the "
        "embedded one (`iokg serve --remote`); see docs/operations.md.",
    )
    remote_query_url: str | None = Field(
        default=None,
        description="The remote store's SPARQL 1.1 query endpoint, e.g. http://127.0.0.1:7878/query "
        "(Oxigraph) or http://127.0.0.1:8890/sparql (Virtuoso).",
    )
    remote_update_url: str | None = Field(
        default=None,
        description="The remote store's SPARQL 1.1 Update endpoint; `iokg build --remote` needs it.",
    )
    remote_gsp_url: str | None = Field(
        default=None,
        description="The remote store's Graph Store Protocol endpoint (optional): a push loads each "
        "graph with one PUT instead of INSERT DATA updates.",
    )
    remote_timeout_param: str | None = Field(
        default=None,
        description="The query parameter the remote store takes a time limit in milliseconds in "
        "(Virtuoso: `timeout`); sent with IOKG_QUERY_TIMEOUT_MS. None: the limit is the client's alone.",
    )
    remote_retry_ms: int = Field(
        default=3000, ge=0,
        description="How long a request keeps trying a remote store that cannot be reached (with "
        "backoff) before answering 503 with Retry-After.",
    )

    @field_validator("remote_query_url", "remote_update_url", "remote_gsp_url")
    @classmethod
    def _remote_url(cls, value: str | None) -> str | None:
        """An absolute http(s) URL, or nothing."""
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("a remote store URL must be an http(s) URL such as http://127.0.0.1:7878/query")
        return value.strip()

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        """An absolute http(s) URL without query or fragment, kept without its trailing slash."""
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError("IOKG_PUBLIC_URL must be an http(s) URL such as https://iokg.example.org, "
                             "with no query or fragment")
        return value.strip().rstrip("/")

    @property
    def export_path(self) -> Path:
        return self.export if self.export is not None else self.store.with_suffix(".trig")

    @property
    def datasets_path(self) -> Path:
        """The datasets folder: `datasets`, or ``<store>.datasets`` beside the store."""
        if self.datasets is not None:
            return self.datasets
        return self.store.with_name(self.store.name + ".datasets")
