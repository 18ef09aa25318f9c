"""`iokg import twitter-io`: what is stored, bad rows with file and line, malformed archives,
idempotent re-imports, atomic replacement, and a failed import that changes nothing."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from archives import tweet, user, write_csv, write_release
from iokg.datasets import layout
from iokg.datasets.catalog import DatasetStore
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import generate
from iokg.datasets.twitter_io import TWEET_COLUMNS, USER_COLUMNS
from iokg.errors import IngestError, InvalidQuery

HASH_A = "Ul+6dbzSn2wt1Jj0Ct8XOJeN8qZPlRvo56mwh5n4Ags="
HASH_B = "q1w2e3r4t5y6u7i8o9p0AaSsDdFfGgHhJjKkLlZzXx0="


def parquet(folder: Path, table: str, columns: str = "*", order: str = "line") -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(f"SELECT {columns} FROM read_parquet(?) ORDER BY {order}",
                           [str(folder / f"{table}.parquet")]).fetchall()


def current(root: Path, dataset: str) -> Path:
    return root / layout.read_registry(root)[dataset]


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """Two hashed accounts, one with a real id and screen name; four tweets."""
    return write_release(tmp_path / "release", [
        user(HASH_A), user(HASH_B), user("1234567890", screen="realname", user_display_name="Real Name"),
    ], [
        tweet("1001", HASH_A, "2020-01-15 13:30", hashtags="[HongKong, 香港]", user_mentions=f"[{HASH_B}]"),
        tweet("1002", HASH_B, "2020-07-15 12:30", is_retweet="True", retweet_userid=HASH_A, retweet_tweetid="1001"),
        tweet("1003", "1234567890", "2019-12-31 23:59", tweet_text="a, \"quoted\"\nand a second line",
              urls="[https://example.com/x]"),
        tweet("1004", HASH_A, "2020-03-08 07:00", in_reply_to_userid="1234567890", in_reply_to_tweetid="1003"),
    ])


def test_import_stores_the_release_typed_with_file_and_line(release, tmp_path):
    root = tmp_path / "datasets"
    report = import_twitter_io(release, root, "test-set", title="A test set")
    assert not report.unchanged and report.bad_row_count == 0
    c = report.manifest["counts"]
    assert (c["accounts"], c["hashed_accounts"], c["tweets"], c["retweets"], c["replies"]) == (3, 2, 4, 1, 1)
    folder = current(root, "test-set")
    assert folder == report.folder and (folder / "manifest.json").is_file()
    rows = parquet(folder, "tweets", "dataset, tweetid, tweet_time, hashtags, is_retweet, file, line, tweet_text")
    assert rows[0][:7] == ("test-set", "1001", rows[0][2], ["HongKong", "香港"], False, "test_tweets_csv_hashed.csv", 2)
    assert rows[0][2].isoformat() == "2020-01-15T13:30:00+00:00"  # UTC, as released
    assert [r[6] for r in rows] == [2, 3, 4, 6]  # the quoted text spans lines 4 and 5
    assert rows[2][7] == 'a, "quoted"\nand a second line'
    users = dict((u[0], u[1:]) for u in parquet(folder, "users", "userid, user_screen_name, user_display_name, hashed"))
    assert users[HASH_A] == (None, None, True)  # hashed ids stay; their hashed names are not kept
    assert users["1234567890"] == ("realname", "Real Name", False)
    files = {f["name"]: f for f in report.manifest["files"]}
    assert set(files) == {"test_users_csv_hashed.csv", "test_tweets_csv_hashed.csv"}
    import hashlib
    digest = hashlib.sha256((release / "test_tweets_csv_hashed.csv").read_bytes()).hexdigest()
    assert files["test_tweets_csv_hashed.csv"]["sha256"] == digest
    assert report.manifest["time_range"]["first_tweet"] == "2019-12-31T23:59:00+00:00"


def test_bad_rows_are_counted_and_reported_with_file_and_line(tmp_path):
    folder = write_release(tmp_path / "r", [user(HASH_A), user(HASH_A, follower_count="12")], [
        tweet("1", HASH_A, "2020-01-01 10:00"),
        tweet("2", HASH_A, "yesterday at noon"),
        tweet("3", HASH_A, "2020-01-01 10:00", tweet_text="two\nlines"),
        tweet("4", HASH_A, "2020-13-01 10:00"),
        tweet("5", HASH_A, "2020-01-01 10:00", like_count="many"),
        tweet("1", HASH_A, "2020-01-02 10:00"),
        tweet("6", "", "2020-01-01 10:00"),
        tweet("7", HASH_A, "2020-01-01 10:00", is_retweet="maybe"),
    ])
    with open(folder / "test_tweets_csv_hashed.csv", "a", encoding="utf-8") as f:
        f.write("8,only,three\n")
    root = tmp_path / "datasets"
    report = import_twitter_io(folder, root, "bad")
    messages = [str(b) for b in report.bad_rows]
    t, u = "test_tweets_csv_hashed.csv", "test_users_csv_hashed.csv"
    assert messages == [
        f"{u}:3: userid {HASH_A} appears again (first at {u}:2)",
        f"{t}:3: tweet_time: 'yesterday at noon' is not a UTC time (YYYY-MM-DD HH:MM[:SS])",
        f"{t}:6: tweet_time: '2020-13-01 10:00' is not a UTC time (YYYY-MM-DD HH:MM[:SS])",
        f"{t}:7: like_count: 'many' is not a count (a whole number, 0 or more)",
        f"{t}:8: tweetid 1 appears again (first at {t}:2)",
        f"{t}:9: userid is empty",
        f"{t}:10: is_retweet: 'maybe' is not True or False",
        f"{t}:11: 3 fields where the header has 31",
    ]
    assert report.bad_row_count == 8
    assert report.manifest["counts"]["tweets"] == 2 and report.manifest["counts"]["accounts"] == 1
    tables = {t["file"]: (t["rows"], t["bad_rows"]) for t in report.manifest["tables"]}
    assert tables == {u: (2, 1), t: (9, 7)}  # records read, and of them bad
    rejects = parquet(current(root, "bad"), "rejects", "file, line, message, raw", "file, line")
    assert len(rejects) == 8
    assert next(r for r in rejects if r[1] == 11)[3] == "8,only,three"  # the text as read, to look at


def test_strict_refuses_any_bad_row_and_changes_nothing(tmp_path, release):
    root = tmp_path / "datasets"
    import_twitter_io(release, root, "s")
    before = (root / layout.REGISTRY).read_bytes()
    with open(release / "test_tweets_csv_hashed.csv", "a", encoding="utf-8") as f:
        f.write(",".join(["9", HASH_A] + ["x"] * 29) + "\n")
    with pytest.raises(IngestError) as e:
        import_twitter_io(release, root, "s", strict=True)
    assert [str(p) for p in e.value.problems] == [
        "test_tweets_csv_hashed.csv:7: row: follower_count: 'x' is not a count (a whole number, 0 or more)"]
    assert (root / layout.REGISTRY).read_bytes() == before
    assert not [p for p in (root / "imports" / "s").iterdir() if p.name.endswith(".partial")]


def test_missing_columns_fail_the_import_naming_them(tmp_path):
    folder = tmp_path / "r"
    write_csv(folder / "x_users_csv_hashed.csv", [c for c in USER_COLUMNS if c != "account_creation_date"],
              [{k: v for k, v in user(HASH_A).items() if k != "account_creation_date"}])
    write_csv(folder / "x_tweets_csv_hashed.csv", [c for c in TWEET_COLUMNS if c not in ("tweet_time", "hashtags")],
              [])
    with pytest.raises(IngestError) as e:
        import_twitter_io(folder, tmp_path / "datasets", "m")
    assert [str(p) for p in e.value.problems] == [
        "x_users_csv_hashed.csv:1: release file: the header lacks 1 column(s) of a users file: account_creation_date"]
    assert layout.read_registry(tmp_path / "datasets") == {}


def test_a_folder_without_a_tweets_file_is_refused(tmp_path):
    folder = tmp_path / "r"
    write_csv(folder / "x_users_csv_hashed.csv", USER_COLUMNS, [user(HASH_A)])
    with pytest.raises(IngestError, match=r"no \*_tweets_csv_hashed.csv file"):
        import_twitter_io(folder, tmp_path / "datasets", "m")


def test_zipped_and_gzipped_releases_import_like_plain_ones(tmp_path):
    g = generate(tmp_path / "plain", accounts=40, tweets=300, seed=5)
    z = generate(tmp_path / "zipped", accounts=40, tweets=300, seed=5, zipped=True)
    assert z.tweets_file.suffix == ".zip"
    gz = tmp_path / "gz"
    gz.mkdir()
    for path in (g.users_file, g.tweets_file):
        (gz / (path.name + ".gz")).write_bytes(gzip.compress(path.read_bytes(), mtime=0))
    root = tmp_path / "datasets"
    reports = [import_twitter_io(folder, root, name) for folder, name in
               ((g.folder, "plain"), (z.folder, "zipped"), (gz, "gz"))]
    assert [r.manifest["counts"] for r in reports] == [reports[0].manifest["counts"]] * 3
    assert reports[0].manifest["counts"]["tweets"] == 300
    rows = [parquet(current(root, n), "tweets", "* EXCLUDE (dataset, file)") for n in ("plain", "zipped", "gz")]
    assert rows[0] == rows[1] == rows[2]
    assert reports[1].manifest["tables"][1]["file"] == "synthetic_tweets_csv_hashed.zip/synthetic_tweets_csv_hashed.csv"


def test_truncated_zip_fails_and_leaves_the_served_data_as_it_was(tmp_path):
    z = generate(tmp_path / "r", accounts=30, tweets=200, seed=2, zipped=True)
    root = tmp_path / "datasets"
    import_twitter_io(z.folder, root, "z")
    store = DatasetStore(root)
    assert store.query("SELECT count(*) FROM tweets").rows == [(200,)]
    registry = (root / layout.REGISTRY).read_bytes()
    data = z.tweets_file.read_bytes()
    z.tweets_file.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as e:
        import_twitter_io(z.folder, root, "z")
    problem = e.value.problems[0]
    assert problem.file == "synthetic_tweets_csv_hashed.zip" and "truncated or damaged" in problem.message
    assert (root / layout.REGISTRY).read_bytes() == registry
    assert store.query("SELECT count(*) FROM tweets").rows == [(200,)]
    store.close()


def test_a_zip_whose_member_is_damaged_fails_naming_the_member(tmp_path):
    g = generate(tmp_path / "r", accounts=30, tweets=2000, seed=2, zipped=True)
    data = bytearray(g.tweets_file.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 200):  # corrupt the middle of the deflate stream
        data[i] ^= 0x5A
    g.tweets_file.write_bytes(bytes(data))
    with pytest.raises(IngestError) as e:
        import_twitter_io(g.folder, tmp_path / "datasets", "z")
    p = e.value.problems[0]
    assert p.file == "synthetic_tweets_csv_hashed.zip/synthetic_tweets_csv_hashed.csv" and p.line > 1


def test_wrong_encoding_latin1_rows_are_bad_rows_utf16_file_is_refused(tmp_path):
    folder = tmp_path / "latin1"
    write_csv(folder / "x_users_csv_hashed.csv", USER_COLUMNS, [user(HASH_A)])
    write_csv(folder / "x_tweets_csv_hashed.csv", TWEET_COLUMNS, [
        tweet("1", HASH_A, "2020-01-01 10:00", tweet_text="plain ascii"),
        tweet("2", HASH_A, "2020-01-01 10:00", tweet_text="café in Latin-1"),
    ], encoding="latin-1")
    report = import_twitter_io(folder, tmp_path / "datasets", "enc")
    assert [str(b) for b in report.bad_rows] == ["x_tweets_csv_hashed.csv:3: tweet_text: not UTF-8 text"]
    assert report.manifest["counts"]["tweets"] == 1

    utf16 = tmp_path / "utf16"
    write_csv(utf16 / "x_users_csv_hashed.csv", USER_COLUMNS, [user(HASH_A)], encoding="utf-16")
    write_csv(utf16 / "x_tweets_csv_hashed.csv", TWEET_COLUMNS, [], encoding="utf-8")
    with pytest.raises(IngestError) as e:
        import_twitter_io(utf16, tmp_path / "datasets", "enc16")
    assert [str(p) for p in e.value.problems] == [
        "x_users_csv_hashed.csv:1: release file: the file is UTF-16 text; a release is UTF-8"]


def test_an_empty_file_is_refused(tmp_path):
    folder = tmp_path / "r"
    write_csv(folder / "x_users_csv_hashed.csv", USER_COLUMNS, [user(HASH_A)])
    (folder / "x_tweets_csv_hashed.csv").write_bytes(b"")
    with pytest.raises(IngestError, match="x_tweets_csv_hashed.csv:1: release file: the file is empty"):
        import_twitter_io(folder, tmp_path / "datasets", "e")


def test_reimporting_the_same_files_is_idempotent_new_files_replace_atomically(tmp_path, release):
    root = tmp_path / "datasets"
    first = import_twitter_io(release, root, "r")
    again = import_twitter_io(release, root, "r")
    assert again.unchanged and again.folder == first.folder
    assert again.manifest == first.manifest
    forced = import_twitter_io(release, root, "r", force=True)
    assert not forced.unchanged and forced.folder != first.folder
    for table in ("users", "tweets"):
        assert parquet(forced.folder, table) == parquet(first.folder, table)
    store = DatasetStore(root)
    assert store.query("SELECT count(*) FROM tweets WHERE dataset = 'r'").rows == [(4,)]
    with open(release / "test_tweets_csv_hashed.csv", "a", encoding="utf-8") as f:
        f.write(",".join(tweet("1005", HASH_B, "2020-02-02 02:02")[c] for c in TWEET_COLUMNS) + "\n")
    changed = import_twitter_io(release, root, "r")
    assert changed.manifest["counts"]["tweets"] == 5
    assert store.query("SELECT count(*) FROM tweets WHERE dataset = 'r'").rows == [(5,)]  # seen without a restart
    kept = sorted(p.name for p in (root / "imports" / "r").iterdir())
    assert len(kept) == 2 and changed.folder.name in kept and forced.folder.name in kept  # older ones pruned
    store.close()


def test_two_datasets_live_side_by_side(tmp_path, release):
    root = tmp_path / "datasets"
    import_twitter_io(release, root, "one")
    import_twitter_io(generate(tmp_path / "g", accounts=10, tweets=50).folder, root, "two")
    store = DatasetStore(root)
    assert store.query("SELECT dataset, count(*) FROM tweets GROUP BY ALL ORDER BY ALL").rows == [("one", 4), ("two", 50)]
    assert sorted(store.manifests()) == ["one", "two"]
    store.close()


@pytest.mark.parametrize("bad", ["Bad", "sql", "a--b", "-a", "a_b", "x" * 65])
def test_dataset_ids_are_checked(tmp_path, release, bad):
    with pytest.raises(InvalidQuery):
        import_twitter_io(release, tmp_path / "datasets", bad)


def test_cli_import_reports_progress_bad_rows_and_failures(tmp_path, release):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOKG_")}
    env["IOKG_STORE"] = str(tmp_path / "store")
    with open(release / "test_tweets_csv_hashed.csv", "a", encoding="utf-8") as f:
        f.write(",".join(tweet("1009", HASH_B, "not a time")[c] for c in TWEET_COLUMNS) + "\n")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "iokg", *args], capture_output=True, text=True, env=env,
                              timeout=120)

    done = run("import", "twitter-io", str(release), "--dataset", "cli-set")
    assert done.returncode == 0, done.stderr
    assert "cli-set: imported in" in done.stdout and "3 accounts, 4 tweets from 2 files; 1 bad row" in done.stdout
    assert "bad row: test_tweets_csv_hashed.csv:7: tweet_time: 'not a time' is not a UTC time" in done.stderr
    assert "reading release" in done.stderr  # the progress bar's label
    assert (tmp_path / "store.datasets" / layout.REGISTRY).is_file()  # beside the store, by default
    listing = run("datasets")
    assert "cli-set: 3 accounts, 4 tweets, 1 bad rows" in listing.stdout
    again = run("import", "twitter-io", str(release), "--dataset", "cli-set")
    assert "unchanged" in again.stdout
    strict = run("import", "twitter-io", str(release), "--dataset", "cli-set", "--strict", "--force")
    assert strict.returncode == 1
    assert "test_tweets_csv_hashed.csv:7: row: tweet_time" in strict.stderr and "nothing was written" in strict.stderr
    shutil.rmtree(release)
    release.mkdir()
    with zipfile.ZipFile(release / "x_tweets_csv_hashed.zip", "w") as z:
        z.writestr("x_tweets_csv_hashed.csv", "tweetid\n1\n")
    (release / "x_tweets_csv_hashed.zip").write_bytes((release / "x_tweets_csv_hashed.zip").read_bytes()[:30])
    broken = run("import", "twitter-io", str(release), "--dataset", "cli-set")
    assert broken.returncode == 1 and "x_tweets_csv_hashed.zip:0: release file: not a readable zip file" in broken.stderr
    manifest = json.loads((tmp_path / "store.datasets" / layout.read_registry(tmp_path / "store.datasets")["cli-set"]
                           / "manifest.json").read_text())
    assert manifest["counts"]["tweets"] == 4  # still the last good import
