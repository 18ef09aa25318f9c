"""Synthetic Twitter information-operations archives, in the release's real column format.

For tests and the benchmark: the same seed and options always write the same bytes. A posting
pattern puts a share of the tweets on working days within working hours of a time zone (the
kind of pattern the reference reports describe, e.g. Beijing office hours) and spreads the rest
over the whole week; retweets, replies and mentions point mostly inside the set, so the network
summaries have something to find. Some tweet texts hold commas, quotes, newlines and Chinese.
Nothing in it is real: hashed ids are hashes of counters, URLs are under ``example.com``.

    python -m iokg.datasets.synthetic OUT --accounts 23750 --tweets 348608 --tz Asia/Shanghai

>>> import tempfile
>>> g = generate(Path(tempfile.mkdtemp()), accounts=5, tweets=20, seed=3)
>>> (g.accounts, g.tweets, g.users_file.name, g.tweets_file.name)
(5, 20, 'synthetic_users_csv_hashed.csv', 'synthetic_tweets_csv_hashed.csv')
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import hashlib
import random
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from iokg.datasets.twitter_io import TWEET_COLUMNS, USER_COLUMNS

#: The benchmark's default size, ASPI's scale: ASPI's Strategist piece of 2020-06-12 calls the
#: dataset it analysed "almost 24,000 accounts and 350,000 tweets".
ASPI_ACCOUNTS = 23_750
ASPI_TWEETS = 348_608

PATTERNS = ("office-hours", "uniform")
HASHTAGS = ("HongKong", "香港", "Taiwan", "COVID19", "GuoWengui", "郭文贵", "China", "USA", "WHO")
CLIENTS = ("Twitter Web App", "Twitter for iPhone", "Twitter for Android", "TweetDeck", "Twitter Web Client")
TWEET_LANGUAGES = ("zh", "zh", "zh", "en", "en", "und", "ja")
ACCOUNT_LANGUAGES = ("zh-cn", "zh-cn", "en", "zh", "ja")
LOCATIONS = ("", "", "", "Hong Kong", "北京", "New York, NY", "London", "台北")
WORDS = ("the", "truth", "about", "Hong", "Kong", "protest", "rioters", "香港", "暴徒", "真相", "警察", "中国",
         "people", "support", "police", "virus", "world", "news", "look", "分享", "安全", "加油")


@dataclass(frozen=True)
class Generated:
    """What `generate` wrote."""

    folder: Path
    users_file: Path
    tweets_file: Path
    accounts: int
    tweets: int
    tz: str
    pattern: str
    seed: int


def _hash_id(seed: int, kind: str, n: int) -> str:
    digest = hashlib.sha256(f"{seed}:{kind}:{n}".encode()).digest()
    return base64.b64encode(digest).decode()


def local_time(rng: random.Random, day0: dt.date, days: int, pattern: str, zone: ZoneInfo,
               office_share: float) -> dt.datetime:
    """A posting time in UTC: with ``office_share`` on Monday–Friday 08:00–16:59 local time
    (pattern ``office-hours``), otherwise anywhere in the week."""
    office = pattern == "office-hours" and rng.random() < office_share
    while True:
        day = day0 + dt.timedelta(days=rng.randrange(days))
        if not office or day.weekday() < 5:
            break
    hour = rng.randrange(8, 17) if office else rng.randrange(24)
    local = dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=zone)
    return local.astimezone(dt.timezone.utc)


def generate(folder: Path, *, accounts: int = 200, tweets: int = 2000, seed: int = 1,
             tz: str = "Asia/Shanghai", pattern: str = "office-hours", office_share: float = 0.8,
             start: dt.date = dt.date(2019, 4, 1), end: dt.date = dt.date(2020, 6, 1),
             hashed_share: float = 0.9, zipped: bool = False, prefix: str = "synthetic") -> Generated:
    """Write ``<prefix>_users_csv_hashed.csv`` and ``<prefix>_tweets_csv_hashed.csv`` into
    ``folder`` (each in a ``.zip`` of its own with ``zipped``). Deterministic from the arguments."""
    if pattern not in PATTERNS:
        raise ValueError(f"pattern must be one of {', '.join(PATTERNS)}")
    if accounts < 1 or tweets < 0:
        raise ValueError("accounts must be 1 or more, tweets 0 or more")
    zone = ZoneInfo(tz)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    users_path = folder / f"{prefix}_users_csv_hashed.csv"
    tweets_path = folder / f"{prefix}_tweets_csv_hashed.csv"

    # accounts, created in a few bursts (the shape the creation histogram shows)
    bursts = [dt.date(2009, 1, 1) + dt.timedelta(days=rng.randrange((start - dt.date(2009, 1, 1)).days))
              for _ in range(4)]
    people = []
    for i in range(accounts):
        hashed = rng.random() < hashed_share
        userid = _hash_id(seed, "user", i) if hashed else str(10**9 + 7919 * i + rng.randrange(7919))
        name = userid if hashed else f"synthetic_{i}"
        if rng.random() < 0.7:
            created = rng.choice(bursts) + dt.timedelta(days=rng.randrange(45))
        else:
            created = dt.date(2009, 1, 1) + dt.timedelta(days=rng.randrange((start - dt.date(2009, 1, 1)).days))
        people.append({
            "userid": userid, "user_display_name": name if hashed else f"Synthetic {i}",
            "user_screen_name": name, "user_reported_location": rng.choice(LOCATIONS),
            "user_profile_description": " ".join(rng.choices(WORDS, k=rng.randrange(0, 8))),
            "user_profile_url": "" if rng.random() < 0.8 else f"https://example.com/u/{i}",
            "follower_count": str(rng.randrange(0, 200) if hashed else rng.randrange(5000, 90000)),
            "following_count": str(rng.randrange(0, 500)),
            "account_creation_date": min(created, start - dt.timedelta(days=1)).isoformat(),
            "account_language": rng.choice(ACCOUNT_LANGUAGES),
        })
    _write(users_path, USER_COLUMNS, people)

    days = (end - start).days

    def tweet_rows():
        for n in range(tweets):
            user = people[rng.randrange(accounts)]
            when = local_time(rng, start, days, pattern, zone, office_share)
            kind = rng.random()
            row = {name: user[name] for name in USER_COLUMNS}
            retweet_user = reply_user = quoted = retweet_tweet = reply_tweet = ""
            words = rng.choices(WORDS, k=rng.randrange(3, 16))
            if rng.random() < 0.05:
                words.insert(rng.randrange(len(words)), rng.choice(('"quoted, with a comma"', "line\nbreak", "a, b")))
            text = " ".join(words)
            if kind < 0.3:
                target = people[rng.randrange(accounts)] if rng.random() < 0.8 else None
                retweet_user = target["userid"] if target else str(7 * 10**9 + rng.randrange(10**6))
                retweet_tweet = str(10**17 + rng.randrange(10**15))
                text = f"RT @{target['user_screen_name'] if target else 'someone'}: {text}"
            elif kind < 0.4:
                target = people[rng.randrange(accounts)] if rng.random() < 0.7 else None
                reply_user = target["userid"] if target else str(8 * 10**9 + rng.randrange(10**6))
                reply_tweet = str(10**17 + rng.randrange(10**15))
            elif kind < 0.43:
                quoted = str(10**17 + rng.randrange(10**15))
            tags = rng.sample(HASHTAGS, k=rng.choice((0, 0, 1, 1, 2, 3)))
            mentions = [people[rng.randrange(accounts)]["userid"] for _ in range(rng.choice((0, 0, 0, 1, 2)))]
            urls = [f"https://example.com/a/{rng.randrange(500)}"] if rng.random() < 0.2 else []
            row.update({
                "tweetid": str(10**18 + 104729 * n), "tweet_language": rng.choice(TWEET_LANGUAGES),
                "tweet_text": text, "tweet_time": when.strftime("%Y-%m-%d %H:%M"),
                "tweet_client_name": rng.choice(CLIENTS),
                "in_reply_to_userid": reply_user, "in_reply_to_tweetid": reply_tweet,
                "quoted_tweet_tweetid": quoted, "is_retweet": "True" if retweet_user else "False",
                "retweet_userid": retweet_user, "retweet_tweetid": retweet_tweet,
                "latitude": "absent", "longitude": "absent",
                "quote_count": str(rng.randrange(3)), "reply_count": str(rng.randrange(5)),
                "like_count": str(rng.randrange(20)), "retweet_count": str(rng.randrange(20)),
                "hashtags": "[" + ", ".join(tags) + "]", "urls": "[" + ", ".join(urls) + "]",
                "user_mentions": "[" + ", ".join(mentions) + "]", "poll_choices": "",
            })
            yield row

    _write(tweets_path, TWEET_COLUMNS, tweet_rows())
    if zipped:
        for path in (users_path, tweets_path):
            with zipfile.ZipFile(path.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as archive:
                info = zipfile.ZipInfo(path.name, date_time=(2020, 6, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as src, archive.open(info, "w") as dst:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
            path.unlink()
        users_path, tweets_path = users_path.with_suffix(".zip"), tweets_path.with_suffix(".zip")
    return Generated(folder, users_path, tweets_path, accounts, tweets, tz, pattern, seed)


def _write(path: Path, columns: tuple[str, ...], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m iokg.datasets.synthetic",
                                description="Write a synthetic Twitter information-operations archive.")
    p.add_argument("folder", type=Path, help="where to write the CSV (or zip) files")
    p.add_argument("--accounts", type=int, default=200, help="number of accounts (default 200)")
    p.add_argument("--tweets", type=int, default=2000, help="number of tweets (default 2000)")
    p.add_argument("--aspi", action="store_true",
                   help=f"ASPI's scale: {ASPI_ACCOUNTS} accounts, {ASPI_TWEETS} tweets")
    p.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    p.add_argument("--tz", default="Asia/Shanghai", help="time zone of the posting pattern (default Asia/Shanghai)")
    p.add_argument("--pattern", choices=PATTERNS, default="office-hours",
                   help="office-hours: a share of tweets Monday-Friday 08:00-17:00 local; uniform: any time")
    p.add_argument("--office-share", type=float, default=0.8, help="share of office-hours tweets (default 0.8)")
    p.add_argument("--zip", action="store_true", help="write each CSV into a zip file")
    p.add_argument("--prefix", default="synthetic", help="file name prefix (default synthetic)")
    args = p.parse_args(argv)
    accounts, tweets = (ASPI_ACCOUNTS, ASPI_TWEETS) if args.aspi else (args.accounts, args.tweets)
    g = generate(args.folder, accounts=accounts, tweets=tweets, seed=args.seed, tz=args.tz,
                 pattern=args.pattern, office_share=args.office_share, zipped=args.zip, prefix=args.prefix)
    print(f"wrote {g.accounts} accounts to {g.users_file} and {g.tweets} tweets to {g.tweets_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
