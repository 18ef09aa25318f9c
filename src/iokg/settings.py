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
    max_in_flight: int = Field(
        default=16, gt=0, description="Requests handled at once by one server process; past it a request is "
        "answered at once with 503 and Retry-After (never /healthz)."
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
