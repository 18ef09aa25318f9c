"""The read-only SQL door, against a real server process: every hostile statement is refused
(4xx in the one JSON error shape) or stopped at the time limit, and the service answers a normal
request right after, and while a runaway query runs."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from iokg.datasets.catalog import DatasetStore, screen
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import generate
from iokg.errors import Forbidden, InvalidQuery, ResourceLimit
from sparql_server import running_server

TIMEOUT_MS = 1500
MAX_ROWS = 50
RUNAWAY = "SELECT count(*) FROM range(1000000000) a, range(1000000000) b WHERE a.range + b.range = 7"
NORMAL = "SELECT dataset, count(*) AS tweets FROM tweets GROUP BY dataset"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("sqldoor")
    g = generate(base / "release", accounts=50, tweets=600, seed=9)
    import_twitter_io(g.folder, base / "store.datasets", "door")
    with running_server(base / "store", query_timeout_ms=TIMEOUT_MS, max_result_rows=MAX_ROWS,
                        max_request_bytes=20_000, max_concurrent_queries=2) as server:
        yield server, base


def sql(server, text: str, **kw) -> httpx.Response:
    return httpx.get(server.url + "/datasets/sql", params={"sql": text}, timeout=30, **kw)


def answers_normally(server) -> None:
    r = sql(server, NORMAL)
    assert r.status_code == 200 and r.json()["rows"] == [["door", 600]], r.text


def hostile(base: Path) -> list[tuple[str, int, str]]:
    outside = base / "outside.csv"
    root = base / "store.datasets"
    return [
        ("SELECT * FROM read_csv('/etc/passwd')", 403, "forbidden"),
        ("SELECT * FROM read_text('/etc/hostname')", 403, "forbidden"),
        ("SELECT * FROM read_blob('/proc/self/environ')", 403, "forbidden"),
        (f"SELECT * FROM read_csv('{root}/../../../../etc/passwd')", 403, "forbidden"),
        ("SELECT * FROM glob('/etc/*')", 403, "forbidden"),
        ("SELECT * FROM read_parquet('https://example.com/x.parquet')", 403, "forbidden"),
        (f"COPY tweets TO '{outside}'", 403, "forbidden"),
        (f"COPY (SELECT 1) TO '{outside}' (FORMAT csv)", 403, "forbidden"),
        (f"EXPORT DATABASE '{base / 'export'}'", 403, "forbidden"),
        (f"ATTACH '{base / 'evil.duckdb'}' AS evil", 403, "forbidden"),
        ("INSTALL httpfs", 403, "forbidden"),
        ("LOAD httpfs", 403, "forbidden"),
        ("PRAGMA threads=1", 403, "forbidden"),
        ("PRAGMA version", 403, "forbidden"),
        ("SET enable_external_access = true", 403, "forbidden"),
        ("RESET lock_configuration", 403, "forbidden"),
        ("CREATE TABLE x AS SELECT 1", 403, "forbidden"),
        ("DROP VIEW tweets", 403, "forbidden"),
        ("DELETE FROM tweets", 403, "forbidden"),
        ("CALL pragma_version()", 403, "forbidden"),
        ("EXPLAIN ANALYZE SELECT 1", 403, "forbidden"),
        ("SELECT 1; SELECT 2", 400, "invalid_query"),
        (f"SELECT 1; COPY tweets TO '{outside}'", 400, "invalid_query"),
        (f"SELECT * FROM query('COPY tweets TO ''{outside}''')", 400, "invalid_query"),
        ("SELEC 1", 400, "invalid_query"),
        ("", 400, "invalid_query"),
        (RUNAWAY, 503, "query_timeout"),
    ]


def test_every_hostile_statement_is_refused_or_stopped_and_the_service_answers_after_each(setup):
    server, base = setup
    for text, status, type_ in hostile(base):
        started = time.monotonic()
        r = sql(server, text)
        elapsed = time.monotonic() - started
        assert r.status_code == status, (text, r.status_code, r.text)
        error = r.json()["error"]
        assert (error["status"], error["type"]) == (status, type_), text
        assert error["message"], text
        if status == 503:
            assert error["limit"] == {"setting": "IOKG_QUERY_TIMEOUT_MS", "value": TIMEOUT_MS}
            assert elapsed < TIMEOUT_MS / 1000 + 10
        answers_normally(server)
    assert not (base / "outside.csv").exists() and not (base / "export").exists()
    assert not (base / "evil.duckdb").exists()


def test_post_form_and_json_bodies(setup):
    server, base = setup
    form = httpx.post(server.url + "/datasets/sql", data={"sql": "SELECT 6 * 7 AS answer"}, timeout=30)
    assert form.status_code == 200 and form.json()["rows"] == [[42]]
    as_json = httpx.post(server.url + "/datasets/sql", json={"sql": "SELECT 'x' AS y", "format": "csv"}, timeout=30)
    assert as_json.status_code == 200 and as_json.text == "y\r\nx\r\n"
    bad = httpx.post(server.url + "/datasets/sql", json={"sql": "COPY tweets TO '/tmp/nope.csv'"}, timeout=30)
    assert bad.status_code == 403
    other = httpx.post(server.url + "/datasets/sql", content=b"SELECT 1", headers={"Content-Type": "text/plain"},
                       timeout=30)
    assert other.status_code == 415 and other.json()["error"]["type"] == "unsupported_media_type"
    big = httpx.post(server.url + "/datasets/sql", data={"sql": "SELECT " + "1+" * 20_000 + "1"}, timeout=30)
    assert big.status_code == 413 and big.json()["error"]["limit"]["setting"] == "IOKG_MAX_REQUEST_BYTES"
    answers_normally(server)


def test_row_cap_cuts_and_says_so_without_computing_everything(setup):
    server, _ = setup
    r = sql(server, "SELECT * FROM range(10000000000)")  # ten billion rows: only the first 51 are made
    assert r.status_code == 200
    body = r.json()
    assert len(body["rows"]) == MAX_ROWS and body["truncated"] is True and body["row_limit"] == MAX_ROWS
    assert r.headers["X-IOKG-Truncated"] == "true" and r.headers["X-IOKG-Row-Limit"] == str(MAX_ROWS)
    whole = sql(server, "SELECT * FROM range(3)")
    assert whole.json()["truncated"] is False and "X-IOKG-Truncated" not in whole.headers


def test_the_service_answers_while_a_runaway_query_runs(setup):
    server, _ = setup
    results = {}

    def runaway():
        results["runaway"] = sql(server, RUNAWAY)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    answers_normally(server)
    assert httpx.get(server.url + "/healthz", timeout=10).status_code == 200
    assert time.monotonic() - started < TIMEOUT_MS / 1000  # not queued behind the runaway
    thread.join(timeout=30)
    assert results["runaway"].status_code == 503


def test_settings_hold_inside_the_door(setup):
    server, _ = setup
    r = sql(server, "SELECT current_setting('enable_external_access') AS ext, "
                    "current_setting('lock_configuration') AS locked, "
                    "current_setting('autoload_known_extensions') AS autoload, "
                    "current_setting('autoinstall_known_extensions') AS autoinstall, current_setting('TimeZone') AS tz")
    assert r.json()["rows"] == [[False, True, False, False, "UTC"]]


def test_the_screen_uses_duckdbs_own_parser():
    import duckdb

    with duckdb.connect() as con:
        assert screen(con, "  WITH a AS (SELECT 1 AS x) SELECT x FROM a  ") == "WITH a AS (SELECT 1 AS x) SELECT x FROM a"
        assert screen(con, "FROM range(3)") == "FROM range(3)"
        with pytest.raises(Forbidden, match="not COPY"):
            screen(con, "COPY (SELECT 1) TO 'x.csv'")
        with pytest.raises(InvalidQuery, match="one statement only, got 2"):
            screen(con, "SELECT 1; SELECT 2")
        with pytest.raises(InvalidQuery, match="no SQL statement"):
            screen(con, ";")


def test_memory_limit_stops_a_query_with_its_setting(setup):
    _, base = setup
    store = DatasetStore(base / "store.datasets", memory_mb=64, timeout_ms=10_000)
    with pytest.raises(ResourceLimit) as e:
        store.run_user_sql("SELECT length(list(range)) FROM range(200000000)")
    assert e.value.limit.setting == "IOKG_DATASETS_MEMORY_MB" and e.value.limit.value == 64
    assert store.run_user_sql("SELECT 1").rows == [(1,)]
    store.close()


def test_times_are_utc_whatever_the_machines_time_zone(tmp_path):
    """A server whose machine runs on Tokyo time still reads and counts tweet_time in UTC."""
    import os
    import subprocess
    import sys

    from archives import tweet, user, write_release

    folder = write_release(tmp_path / "r", [user("1")], [tweet("1", "1", "2020-01-15 13:30")])
    import_twitter_io(folder, tmp_path / "d", "tz")
    script = (
        "import sys; from pathlib import Path; from iokg.datasets.catalog import DatasetStore;"
        "from iokg.datasets.analyses import run_analysis;"
        "s = DatasetStore(Path(sys.argv[1]));"
        "print(s.run_user_sql(\"SELECT hour(tweet_time), current_setting('TimeZone') FROM tweets\").rows);"
        "print(run_analysis(s, 'tz', 'posting-hours', {'tz': 'UTC'}).body['weekday_hour'][2][13])"
    )
    env = {**os.environ, "TZ": "Asia/Tokyo"}
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "d")], capture_output=True, text=True,
                         env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[(13, 'UTC')]", "1"]
