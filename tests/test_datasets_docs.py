"""docs/datasets.md says what the code does: its SQL examples run, its URLs answer, its tables name
every analysis, option and stored column, and the other docs point to it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from iokg.api.app import create_app
from iokg.cli import main
from iokg.datasets.analyses import ANALYSES
from iokg.datasets.catalog import table_types
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import generate
from iokg.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "datasets.md").read_text()
ID = "synthetic-2020"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    base = tmp_path_factory.mktemp("docs")
    g = generate(base / "synthetic", accounts=2000, tweets=5000, seed=1)
    import_twitter_io(g.folder, base / "store.datasets", ID)
    with TestClient(create_app(Settings(store=base / "store"))) as c:
        yield c


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC, re.S)


def test_every_sql_example_runs(client):
    examples = blocks("sql")
    assert len(examples) >= 5
    for sql in examples:
        r = client.get("/datasets/sql", params={"sql": sql})
        assert r.status_code == 200, (sql, r.text)
        if "rejects" not in sql:
            assert r.json()["rows"], sql


def test_every_example_url_answers(client):
    urls = []
    for block in blocks("sh"):
        for line in block.splitlines():
            if line.startswith("curl"):
                urls.append(shlex.split(line))
    assert len(urls) >= 6
    for args in urls:
        url = next(a for a in args if a.startswith("http://127.0.0.1:8000"))
        parts = urlsplit(url)
        headers = {}
        if "-H" in args:
            name, _, value = args[args.index("-H") + 1].partition(": ")
            headers[name] = value
        if "-d" in args:
            r = client.post(parts.path, content=args[args.index("-d") + 1].encode(), headers=headers)
        elif "--data-urlencode" in args:
            name, _, value = args[args.index("--data-urlencode") + 1].partition("=")
            call = client.get if "--get" in args else client.post
            r = call(parts.path, params={name: value}, headers=headers) if "--get" in args else \
                call(parts.path, data={name: value}, headers=headers)
        else:
            r = client.get(parts.path + ("?" + parts.query if parts.query else ""), headers=headers)
        assert r.status_code == 200, (args, r.text)
        if headers.get("Accept") == "text/csv":
            assert r.headers["content-type"].startswith("text/csv")


def test_the_posting_hours_example_has_the_keys_the_route_answers(client):
    body = client.get(f"/datasets/{ID}/posting-hours", params={"tz": "Asia/Shanghai"}).json()
    example = next(b for b in blocks("json") if '"weekday_hour"' in b)
    keys = re.findall(r'"(\w+)":', example)
    assert set(keys) <= set(body) | {"name", "sha256"}
    assert list(body)[:3] == ["dataset", "analysis", "tz"]


def test_the_analyses_table_names_every_analysis_and_its_parameters():
    routes = re.findall(r"^\| `/datasets/\{id\}/([a-z-]+)` \| ([^|]*) \|", DOC, re.M)
    assert [name for name, _ in routes] == list(ANALYSES)
    for name, params in routes:
        for p in ANALYSES[name].params:
            assert f"`{p.name}`" in params, (name, p.name)


def test_the_import_options_table_lists_every_option():
    command = main.commands["import"].commands["twitter-io"]
    options = {o for p in command.params for o in p.opts if o.startswith("--") and o != "--store"}
    documented = set(re.findall(r"^\| `(--[\w-]+)", DOC, re.M))
    assert options == documented


def test_every_stored_column_is_named():
    for table in ("users", "tweets", "rejects"):
        for column in table_types(table):
            assert f"`{column}`" in DOC, (table, column)


def test_docs_point_to_the_page():
    readme = (ROOT / "README.md").read_text()
    assert "[docs/datasets.md](docs/datasets.md)" in readme
    assert "`IOKG_DATASETS`" in (ROOT / "docs" / "settings.md").read_text()
    assert "datasets.md" in (ROOT / "docs" / "api.md").read_text()
    assert "#importing-a-takedown-archive" in DOC
    assert "## Importing a takedown archive" in (ROOT / "docs" / "performance.md").read_text()
