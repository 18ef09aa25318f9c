"""Helpers for the dataset tests: small hand-made releases, generated ones, and an independent
count of posting hours straight from the CSV with Python's zoneinfo (no DuckDB, no importer)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from iokg.datasets.twitter_io import TWEET_COLUMNS, USER_COLUMNS

USER_DEFAULTS = {
    "user_display_name": "", "user_screen_name": "", "user_reported_location": "", "user_profile_description": "",
    "user_profile_url": "", "follower_count": "10", "following_count": "5", "account_creation_date": "2019-01-02",
    "account_language": "en",
}
TWEET_DEFAULTS = {
    **USER_DEFAULTS, "tweet_language": "en", "tweet_text": "hello", "tweet_client_name": "Twitter Web App",
    "in_reply_to_userid": "", "in_reply_to_tweetid": "", "quoted_tweet_tweetid": "", "is_retweet": "False",
    "retweet_userid": "", "retweet_tweetid": "", "latitude": "absent", "longitude": "absent", "quote_count": "0",
    "reply_count": "0", "like_count": "0", "retweet_count": "0", "hashtags": "[]", "urls": "[]",
    "user_mentions": "[]", "poll_choices": "",
}


def user(userid: str, **fields: str) -> dict[str, str]:
    return {**USER_DEFAULTS, "userid": userid, "user_screen_name": fields.pop("screen", userid),
            "user_display_name": userid, **fields}


def tweet(tweetid: str, userid: str, time: str, **fields: str) -> dict[str, str]:
    return {**TWEET_DEFAULTS, "tweetid": tweetid, "userid": userid, "tweet_time": time, **fields}


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_release(folder: Path, users: list[dict], tweets: list[dict], prefix: str = "test") -> Path:
    """A release folder with one users and one tweets file."""
    write_csv(folder / f"{prefix}_users_csv_hashed.csv", USER_COLUMNS, users)
    write_csv(folder / f"{prefix}_tweets_csv_hashed.csv", TWEET_COLUMNS, tweets)
    return folder


def independent_weekday_hour(tweets_csv: Path, tz: str) -> list[list[int]]:
    """Tweets by local weekday (Monday first) and hour, from the CSV's UTC times, with zoneinfo."""
    zone = ZoneInfo(tz)
    grid = [[0] * 24 for _ in range(7)]
    for text, n in tweet_times(tweets_csv).items():  # each distinct time once: the same count, sooner
        when = dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=dt.timezone.utc)
        local = when.astimezone(zone)
        grid[local.weekday()][local.hour] += n
    return grid


def tweet_times(tweets_csv: Path) -> Counter[str]:
    """How many rows of the CSV have each ``tweet_time`` (as written, UTC)."""
    with open(tweets_csv, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        column = next(rows).index("tweet_time")
        return Counter(row[column] for row in rows)
