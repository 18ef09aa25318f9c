"""``as_of`` takes YYYY, YYYY-MM or YYYY-MM-DD, parsed once where a request enters, with the data's
own precision rules: a year or a month counts up to its last day. Unit tests of `iokg.dates`, then
the entity page, its SVG and the named query over a real server and the store built from data/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from html_tree import parse
from iokg.dates import AsOf, bounds
from iokg.errors import InvalidQuery
from iokg.ingest.rdf import date_bounds
from sparql_server import running_server


@pytest.mark.parametrize(("text", "precision", "first", "last"), [
    ("2020", "year", "2020-01-01", "2020-12-31"),
    ("2020-06", "month", "2020-06-01", "2020-06-30"),
    ("2024-02", "month", "2024-02-01", "2024-02-29"),
    ("2023-02", "month", "2023-02-01", "2023-02-28"),
    ("2020-06-01", "day", "2020-06-01", "2020-06-01"),
    (" 2019-09 ", "month", "2019-09-01", "2019-09-30"),
])
def test_as_of_forms_and_their_days(text, precision, first, last):
    a = AsOf.parse(text)
    assert (a.text, a.precision) == (text.strip(), precision)
    assert (a.first_day.isoformat(), a.last_day.isoformat()) == (first, last)


@pytest.mark.parametrize("text", ["2019", "2019-09", "2019-09-14", "2024-02", "2000-02", "1900-02", "2023-12"])
def test_as_of_counts_like_the_datas_own_dates(text):
    """The same bounds as the build gives a source dated ``text`` (iokg.ingest.rdf.date_bounds)."""
    assert tuple(d.isoformat() for d in bounds(text)) == date_bounds(text)


@pytest.mark.parametrize("text", ["20", "2020-6", "2020-13", "2020-00", "2023-02-29", "2020-06-31", "0000",
                                  "yesterday", "2020/06/01", "2020-06-01T00:00", "-2020", "2020-06-01-01"])
def test_bad_as_of_says_which_forms_it_takes(text):
    with pytest.raises(InvalidQuery, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        AsOf.parse(text)


def test_empty_as_of_is_none_and_a_date_is_a_day():
    assert AsOf.optional(None) is None and AsOf.optional("  ") is None
    assert AsOf.parse(dt.date(2020, 6, 1)).last_day == dt.date(2020, 6, 1)


# ---------------------------------------------------------------- over HTTP
@pytest.fixture(scope="module")
def site(data_store: Path):
    with running_server(data_store) as server:
        yield server


def chains(site, **params):
    r = httpx.get(site.url + "/e/spamouflage", params=params, timeout=60)
    page = parse(r.text)
    section = page.find("details", cls="chains")
    return r.status_code, page, section


def hop_claims(section) -> set[str]:
    return {g.attrs["data-claim"] for g in section.find_all("g", cls="hop")}


@pytest.mark.parametrize(("as_of", "day"), [("2020", "2020-12-31"), ("2020-06", "2020-06-30"),
                                             ("2023-08", "2023-08-31"), ("2023", "2023-12-31")])
def test_the_entity_page_takes_a_year_or_month_up_to_its_last_day(site, as_of, day):
    status, page, section = chains(site, as_of=as_of)
    assert status == 200
    assert section.find("h2").text() == f"Attribution chains: what was known as of {day}"
    assert page.find("input", id="as_of").attrs["value"] == as_of
    _, _, by_day = chains(site, as_of=day)
    assert hop_claims(section) == hop_claims(by_day)


def test_a_month_counts_sources_dated_in_it(site):
    # Graphika's Jack Stubbs (via The Record, in the encyclopedia) is dated only 2023-08: it counts
    # as of 2023-08, not as of 2023-07
    _, _, july = chains(site, as_of="2023-07")
    _, _, august = chains(site, as_of="2023-08")
    assert "spamouflage--attributedTo--mps-912-group" not in hop_claims(july)
    assert "spamouflage--attributedTo--mps-912-group" in hop_claims(august)


def test_the_field_says_which_forms_it_takes(site):
    _, page, _ = chains(site)
    field = page.find("input", id="as_of")
    assert field.attrs["type"] == "text" and field.attrs["pattern"] == r"\d{4}(-\d{2}(-\d{2})?)?"
    assert field.attrs["placeholder"] == "YYYY, YYYY-MM or YYYY-MM-DD"
    label = next(e for e in page.find_all("label") if e.attrs.get("for") == "as_of")
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in label.text()


def test_a_bad_as_of_is_a_400_that_names_the_forms(site):
    status, page, _ = chains(site, as_of="2020-13")
    assert status == 400
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in page.find(id="as-of-error").text()
    r = httpx.get(site.url + "/e/spamouflage/attribution.svg", params={"as_of": "2020-13"})
    assert r.status_code == 400 and "YYYY, YYYY-MM or YYYY-MM-DD" in r.json()["error"]["message"]


def test_the_svg_and_the_named_query_take_the_same_forms(site):
    year = httpx.get(site.url + "/e/spamouflage/attribution.svg", params={"as_of": "2020"})
    day = httpx.get(site.url + "/e/spamouflage/attribution.svg", params={"as_of": "2020-12-31"})
    assert year.status_code == 200 and year.text == day.text
    rows = httpx.get(site.url + "/queries/attribution", params={"entity": "spamouflage", "as_of": "2020-06"}).json()
    assert rows["rows"] and {r["as_of"] for r in rows["rows"]} == {"2020-06-30"}
    bad = httpx.get(site.url + "/queries/attribution", params={"entity": "spamouflage", "as_of": "June"})
    assert bad.status_code == 400 and "YYYY, YYYY-MM or YYYY-MM-DD" in bad.json()["error"]["message"]
