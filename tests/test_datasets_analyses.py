"""The analyses, checked against counts computed independently in Python from the release CSV:
posting hours across a DST-free zone and two DST zones, account creation, top values, networks."""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import pytest

from archives import independent_weekday_hour, tweet, user, write_release
from iokg.datasets.analyses import ANALYSES, run_analysis
from iokg.datasets.catalog import DatasetStore
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import generate
from iokg.datasets.values import parse_list
from iokg.errors import DatasetNotFound, InvalidQuery

ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "UTC", "Asia/Kolkata"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated archive (office hours in New York, so DST shifts matter) spanning two DST changes."""
    base = tmp_path_factory.mktemp("analyses")
    g = generate(base / "release", accounts=150, tweets=4000, seed=11, tz="America/New_York")
    import_twitter_io(g.folder, base / "datasets", "gen")
    store = DatasetStore(base / "datasets")
    yield g, store
    store.close()


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("tz", ZONES)
def test_posting_hours_match_an_independent_zoneinfo_count(generated, tz):
    g, store = generated
    body = run_analysis(store, "gen", "posting-hours", {"tz": tz}).body
    assert body["dataset"] == "gen" and body["tz"] == tz
    assert len(body["weekday_hour"]) == 7 and all(len(row) == 24 for row in body["weekday_hour"])
    assert body["weekday_hour"] == independent_weekday_hour(g.tweets_file, tz)
    assert body["tweets"] == 4000


def test_dst_zones_shift_by_the_season_and_the_gap_hour_is_empty(tmp_path):
    """Wednesday 08:30 in New York is 13:30 UTC in January and 12:30 UTC in July; 2020-03-08
    02:00-03:00 does not exist there."""
    folder = write_release(tmp_path / "r", [user("1")], [
        tweet("1", "1", "2020-01-15 13:30"), tweet("2", "1", "2020-07-15 12:30"),
        tweet("3", "1", "2020-03-08 06:59"), tweet("4", "1", "2020-03-08 07:00"),
        tweet("5", "1", "2020-03-29 00:30"), tweet("6", "1", "2020-03-29 01:30"),
    ])
    import_twitter_io(folder, tmp_path / "d", "dst")
    store = DatasetStore(tmp_path / "d")
    ny = run_analysis(store, "dst", "posting-hours", {"tz": "America/New_York"}).body["weekday_hour"]
    assert ny[2][8] == 2  # both Wednesdays at 08:xx local, winter and summer
    assert (ny[6][1], ny[6][2], ny[6][3]) == (1, 0, 1)  # Sunday 01:59 EST, then 03:00 EDT
    london = run_analysis(store, "dst", "posting-hours", {"tz": "Europe/London"}).body["weekday_hour"]
    assert (london[6][0], london[6][1], london[6][2]) == (1, 0, 1)  # 00:30 GMT, then 02:30 BST
    shanghai = run_analysis(store, "dst", "posting-hours", {"tz": "Asia/Shanghai"}).body["weekday_hour"]
    assert shanghai[2][21] == 1 and shanghai[2][20] == 1  # +08:00 all year: 21:30 and 20:30
    store.close()


def test_working_hours_share(generated):
    g, store = generated
    body = run_analysis(store, "gen", "working-hours",
                        {"tz": "America/New_York", "days": "mon-fri", "from_hour": "8", "to_hour": "17"}).body
    grid = independent_weekday_hour(g.tweets_file, "America/New_York")
    inside = sum(grid[d][h] for d in range(5) for h in range(8, 17))
    assert (body["in_window"], body["tweets"]) == (inside, 4000)
    assert body["share"] == pytest.approx(inside / 4000)
    assert body["statement"].startswith(f"{inside / 4000:.0%} of tweets ({inside:,} of 4,000) fall Monday–Friday "
                                        "08:00–17:00 America/New_York")
    assert 0.7 < body["share"] < 0.95  # the generator's office-hours pattern (80%, plus chance)
    shanghai = run_analysis(store, "gen", "working-hours", {"tz": "Asia/Shanghai"}).body
    assert shanghai["share"] < 0.4  # New York's office hours are night in Beijing


def test_account_creation_by_month(generated):
    g, store = generated
    body = run_analysis(store, "gen", "account-creation").body
    expected = collections.Counter(r["account_creation_date"][:7] for r in rows_of(g.users_file))
    months = {m["month"]: m["accounts"] for m in body["months"]}
    assert {k: v for k, v in months.items() if v} == dict(expected)
    assert list(months) == sorted(months) and len(months) > len(expected)  # empty months are there as 0
    assert body["accounts"] == 150 and body["unknown"] == 0


def test_languages_clients_and_top_values(generated):
    g, store = generated
    tweets = rows_of(g.tweets_file)
    langs = run_analysis(store, "gen", "languages").body["languages"]
    assert {x["language"]: x["count"] for x in langs} == collections.Counter(t["tweet_language"] for t in tweets)
    accounts = run_analysis(store, "gen", "languages", {"of": "accounts"}).body["languages"]
    assert sum(x["count"] for x in accounts) == 150
    clients = run_analysis(store, "gen", "clients", {"limit": "2"}).body
    expected = collections.Counter(t["tweet_client_name"] for t in tweets).most_common()
    assert [(c["client"], c["tweets"]) for c in clients["clients"]] == expected[:2] and clients["tweets"] == 4000
    tags = run_analysis(store, "gen", "hashtags", {"limit": "1000"}).body["hashtags"]
    counted = collections.Counter(h for t in tweets for h in set(parse_list(t["hashtags"])))
    assert {x["hashtag"]: x["tweets"] for x in tags} == dict(counted)
    urls = run_analysis(store, "gen", "urls", {"limit": "1000"}).body["urls"]
    assert sum(x["tweets"] for x in urls) == sum(len(set(parse_list(t["urls"]))) for t in tweets)
    mentions = run_analysis(store, "gen", "mentions", {"limit": "5"}).body["mentions"]
    mentioned = collections.Counter(m for t in tweets for m in set(parse_list(t["user_mentions"])))
    assert [m["tweets"] for m in mentions] == [n for _, n in mentioned.most_common(5)]
    assert all(m["in_dataset"] for m in mentions)


def test_retweet_network_summary(generated):
    g, store = generated
    members = {u["userid"] for u in rows_of(g.users_file)}
    edges = [(t["userid"], t["retweet_userid"]) for t in rows_of(g.tweets_file) if t["is_retweet"] == "True"]
    body = run_analysis(store, "gen", "retweet-network", {"limit": "3"}).body
    s = body["summary"]
    inside = [(a, b) for a, b in edges if b in members]
    assert (s["links"], s["inside"], s["outside"]) == (len(edges), len(inside), len(edges) - len(inside))
    pairs = {(a, b) for a, b in inside if a != b}
    assert s["pairs_inside"] == len(pairs)
    assert s["reciprocal_pairs"] == sum(1 for a, b in pairs if a < b and (b, a) in pairs)
    top = collections.Counter(b for a, b in inside if a != b).most_common(1)[0]
    assert body["top_targets"][0]["times"] == top[1]
    assert len(body["top_pairs"]) == 3
    replies = run_analysis(store, "gen", "reply-network").body["summary"]
    assert replies["links"] == sum(1 for t in rows_of(g.tweets_file) if t["in_reply_to_userid"])


def test_results_are_reproducible_and_name_their_source_files(generated):
    g, store = generated
    a = run_analysis(store, "gen", "posting-hours", {"tz": "Asia/Shanghai"}).body
    b = run_analysis(store.root, "gen", "posting-hours", {"tz": "Asia/Shanghai"}).body  # a folder works too
    assert a == b
    import hashlib
    names = {f["name"]: f["sha256"] for f in a["source_files"]}
    assert names[g.tweets_file.name] == hashlib.sha256(g.tweets_file.read_bytes()).hexdigest()


@pytest.mark.parametrize("name, params, message", [
    ("posting-hours", {"tz": "Beijing"}, "tz: 'Beijing' is not an IANA time zone name"),
    ("posting-hours", {"tz": "../../etc/passwd"}, "is not an IANA time zone name"),
    ("posting-hours", {"zone": "UTC"}, "unknown parameter(s) for posting-hours: zone"),
    ("hashtags", {"limit": "0"}, "limit: 0 is out of range"),
    ("hashtags", {"limit": "ten"}, "limit: 'ten' is not a whole number"),
    ("languages", {"of": "places"}, "of: 'places' is not one of tweets, accounts"),
    ("working-hours", {"days": "someday"}, "days: 'someday' is not a weekday"),
    ("working-hours", {"from_hour": "17", "to_hour": "8"}, "from_hour must be before to_hour"),
    ("no-such-analysis", {}, "no analysis named 'no-such-analysis'"),
])
def test_bad_parameters_are_refused(generated, name, params, message):
    _, store = generated
    with pytest.raises(InvalidQuery) as e:
        run_analysis(store, "gen", name, params)
    assert message in str(e.value)


def test_unknown_dataset(generated):
    _, store = generated
    with pytest.raises(DatasetNotFound, match="no dataset with id 'nope'; imported: gen"):
        run_analysis(store, "nope", "posting-hours")


def test_every_analysis_runs_with_its_defaults_and_gives_a_table(generated):
    _, store = generated
    for name in ANALYSES:
        result = run_analysis(store, "gen", name)
        assert result.body["dataset"] == "gen" and result.body["analysis"] == name
        assert result.columns and all(len(r) == len(result.columns) for r in result.rows), name


def test_every_zone_name_accepted_is_one_duckdb_knows():
    """The names `tz` accepts (Python's zoneinfo list) all work in DuckDB's ICU time zones."""
    import duckdb

    from iokg.datasets.analyses import check_tz, time_zones

    zones = sorted(time_zones())
    assert len(zones) > 400 and "localtime" not in zones
    with duckdb.connect() as con:
        for tz in zones:
            con.execute("SELECT timezone($tz, TIMESTAMPTZ '2020-06-01 00:00:00+00')", {"tz": check_tz("tz", tz)})
    with pytest.raises(InvalidQuery):
        check_tz("tz", "localtime")
