"""At ASPI's scale (23,750 accounts, 348,608 tweets): a generated archive imports, and its
posting-hours route answers what an independent zoneinfo count of the CSV says, in a DST-free
and a DST zone. (How long it takes is the benchmark's business, not this test's.)"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from archives import independent_weekday_hour
from iokg.api.app import create_app
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import ASPI_ACCOUNTS, ASPI_TWEETS, generate
from iokg.settings import Settings


@pytest.fixture(scope="module")
def aspi_scale(tmp_path_factory):
    base = tmp_path_factory.mktemp("aspi-scale")
    g = generate(base / "release", accounts=ASPI_ACCOUNTS, tweets=ASPI_TWEETS, seed=2020, tz="Asia/Shanghai")
    report = import_twitter_io(g.folder, base / "store.datasets", "aspi-scale")
    with TestClient(create_app(Settings(store=base / "store", query_timeout_ms=60_000))) as client:
        yield g, report, client


def test_the_whole_archive_is_imported(aspi_scale):
    _, report, client = aspi_scale
    counts = report.manifest["counts"]
    assert (counts["accounts"], counts["tweets"], counts["bad_rows"]) == (ASPI_ACCOUNTS, ASPI_TWEETS, 0)
    assert client.get("/datasets/sql", params={"sql": "SELECT count(*), count(DISTINCT userid) FROM tweets"}).json()[
        "rows"] == [[ASPI_TWEETS, ASPI_ACCOUNTS]]


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "America/New_York"])
def test_posting_hours_route_matches_an_independent_count(aspi_scale, tz):
    g, _, client = aspi_scale
    body = client.get("/datasets/aspi-scale/posting-hours", params={"tz": tz}).json()
    assert body["dataset"] == "aspi-scale" and body["tz"] == tz
    assert body["weekday_hour"] == independent_weekday_hour(g.tweets_file, tz)
