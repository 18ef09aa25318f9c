"""The /datasets JSON routes in process (FastAPI's TestClient): shapes, CSV by Accept and by
format, errors in the one JSON shape, OpenAPI."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from archives import independent_weekday_hour
from iokg.api.app import create_app
from iokg.datasets.analyses import ANALYSES
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import generate
from iokg.settings import Settings


@pytest.fixture(scope="module")
def app_and_archive(tmp_path_factory):
    base = tmp_path_factory.mktemp("routes")
    g = generate(base / "release", accounts=120, tweets=2500, seed=4, tz="Asia/Shanghai")
    import_twitter_io(g.folder, base / "store.datasets", "synthetic-2020", title="Synthetic 2020")
    with TestClient(create_app(Settings(store=base / "store"))) as client:
        yield client, g


@pytest.fixture
def client(app_and_archive) -> TestClient:
    return app_and_archive[0]


def test_list_and_manifest(client):
    body = client.get("/datasets").json()
    [d] = body["datasets"]
    assert (d["id"], d["title"], d["kind"], d["counts"]["accounts"], d["counts"]["tweets"]) == (
        "synthetic-2020", "Synthetic 2020", "twitter-io", 120, 2500)
    assert d["href"] == "/datasets/synthetic-2020" and d["page"] == "/d/synthetic-2020"
    m = client.get("/datasets/synthetic-2020").json()
    assert [f["name"] for f in m["files"]] == ["synthetic_tweets_csv_hashed.csv", "synthetic_users_csv_hashed.csv"]
    assert all(len(f["sha256"]) == 64 for f in m["files"])
    assert set(m["analyses"]) == set(ANALYSES)
    assert m["analyses"]["posting-hours"] == "/datasets/synthetic-2020/posting-hours"


def test_posting_hours_json_shape(app_and_archive):
    client, g = app_and_archive
    r = client.get("/datasets/synthetic-2020/posting-hours", params={"tz": "Asia/Shanghai"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["dataset"] == "synthetic-2020" and body["tz"] == "Asia/Shanghai"
    assert body["weekday_hour"] == independent_weekday_hour(g.tweets_file, "Asia/Shanghai")
    assert body["weekdays"][0] == "Monday"


@pytest.mark.parametrize("how", [{"headers": {"Accept": "text/csv"}}, {"params": {"format": "csv"}},
                                 {"params": {"format": "csv"}, "headers": {"Accept": "application/json"}}])
def test_csv_by_accept_or_format(client, how):
    params = {"tz": "America/New_York", **how.get("params", {})}
    r = client.get("/datasets/synthetic-2020/posting-hours", params=params, headers=how.get("headers"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["weekday", "hour", "tweets"] and len(rows) == 1 + 7 * 24
    js = client.get("/datasets/synthetic-2020/posting-hours", params={"tz": "America/New_York"}).json()
    assert [int(r[2]) for r in rows[1:]] == [n for row in js["weekday_hour"] for n in row]
    assert r.headers["vary"] == "Accept"


@pytest.mark.parametrize("name", list(ANALYSES))
def test_every_analysis_answers_json_and_csv(client, name):
    js = client.get(f"/datasets/synthetic-2020/{name}")
    assert js.status_code == 200 and js.json()["analysis"] == name
    text = client.get(f"/datasets/synthetic-2020/{name}", params={"format": "csv"}).text
    header = next(csv.reader(io.StringIO(text)))
    assert header and all(header)


def test_sql_door_csv_and_json(client):
    sql = "SELECT tweet_language AS lang, count(*) AS n FROM tweets GROUP BY ALL ORDER BY n DESC, lang"
    js = client.get("/datasets/sql", params={"sql": sql}).json()
    assert [c["name"] for c in js["columns"]] == ["lang", "n"] and js["truncated"] is False
    text = client.get("/datasets/sql", params={"sql": sql}, headers={"Accept": "text/csv"}).text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["lang", "n"] and [[r[0], int(r[1])] for r in rows[1:]] == js["rows"]


@pytest.mark.parametrize("url, status, type_, words", [
    ("/datasets/nope", 404, "not_found", "no dataset with id 'nope'"),
    ("/datasets/nope/posting-hours?tz=UTC", 404, "not_found", "no dataset with id 'nope'"),
    ("/datasets/NOT%20AN%20ID/languages", 404, "not_found", "no dataset"),
    ("/datasets/synthetic-2020/posting-hours?tz=Mars/Base", 400, "invalid_query", "not an IANA time zone name"),
    ("/datasets/synthetic-2020/posting-hours?tz=UTC&tz=Asia/Shanghai", 400, "invalid_request", "`tz` given 2 times"),
    ("/datasets/synthetic-2020/posting-hours?hours=5", 400, "invalid_query", "unknown parameter"),
    ("/datasets/synthetic-2020/hashtags?limit=100000", 400, "invalid_query", "out of range"),
    ("/datasets/synthetic-2020/posting-hours?format=xml", 400, "invalid_request", "format must be json or csv"),
    ("/datasets/synthetic-2020/no-such-analysis", 404, "not_found", ""),
])
def test_errors_use_the_one_json_shape(client, url, status, type_, words):
    r = client.get(url)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["status"] == status and error["type"] == type_ and words in error["message"]


def test_nothing_acceptable_is_406(client):
    r = client.get("/datasets/synthetic-2020/languages", headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.json()["error"]["type"] == "not_acceptable"


def test_openapi_documents_the_routes_and_their_parameters(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/datasets", "/datasets/sql", "/datasets/{id}"} <= set(paths)
    params = {p["name"] for p in paths["/datasets/{id}/working-hours"]["get"]["parameters"]}
    assert params == {"id", "tz", "days", "from_hour", "to_hour", "format"}
    assert set(paths["/datasets/sql"]) == {"get", "post"}


def test_no_datasets_yet(tmp_path):
    with TestClient(create_app(Settings(store=tmp_path / "store"))) as c:
        assert c.get("/datasets").json() == {"datasets": []}
        r = c.get("/datasets/x/posting-hours")
        assert r.status_code == 404 and "none yet" in r.json()["error"]["message"]
        assert c.get("/datasets/sql", params={"sql": "SELECT count(*) FROM tweets"}).json()["rows"] == [[0]]
