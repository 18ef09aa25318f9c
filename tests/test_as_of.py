"""``as_of`` takes YYYY, YYYY-MM or YYYY-MM-DD, parsed once where a request enters, with the data's
own precision rules: a year or a month counts up to its last day. Unit tests of `iokg.dates`, then
the entity page, its SVG and the named query over a real server and the store built from data/."""

from __future__ import annotations

import datetime as dt

import pytest

from html_tree import parse
from iokg.dates import AsOf, bounds
from iokg.errors import InvalidQuery
from iokg.ingest.rdf import date_bounds


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
def site(data_site):
    """The app over the curated data, in this process, shared with the other modules."""
    return data_site


def chains(site, **params):
    r = site.get("/e/spamouflage", params=params, timeout=60)
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
    r = site.get("/e/spamouflage/attribution.svg", params={"as_of": "2020-13"})
    assert r.status_code == 400 and "YYYY, YYYY-MM or YYYY-MM-DD" in r.json()["error"]["message"]


def test_the_svg_and_the_named_query_take_the_same_forms(site):
    year = site.get("/e/spamouflage/attribution.svg", params={"as_of": "2020"})
    day = site.get("/e/spamouflage/attribution.svg", params={"as_of": "2020-12-31"})
    assert year.status_code == 200 and year.text == day.text
    rows = site.get("/queries/attribution", params={"entity": "spamouflage", "as_of": "2020-06"}).json()
    assert rows["rows"] and {r["as_of"] for r in rows["rows"]} == {"2020-06-30"}
    bad = site.get("/queries/attribution", params={"entity": "spamouflage", "as_of": "June"})
    assert bad.status_code == 400 and "YYYY, YYYY-MM or YYYY-MM-DD" in bad.json()["error"]["message"]


# ---------------------------------------------------------------- every section of the entity page
def day_of(text: str) -> dt.date:
    """The last day a date shown on a page can stand for."""
    return bounds(text)[1]


def shown_dates(page) -> list[str]:
    """Every date the page's main part shows in a <time> element or in the verdict's and rows' date ranges."""
    main = page.find("main")
    found = [t.attrs["datetime"] for t in main.find_all("time")]
    for e in main.find_all(cls="verdict__dates"):
        found += e.text().split(" to ")
    for row in (li for ol in main.find_all("ol", cls="claim-rows") for li in ol.find_all("li")):
        found += row.text().rsplit(" · ", 1)[1].split(" to ")
    return found


@pytest.mark.parametrize(("as_of", "day"), [("2019", "2019-12-31"), ("2020", "2020-12-31"),
                                             ("2020-06", "2020-06-30"), ("2023-08", "2023-08-31"),
                                             ("2020-06-01", "2020-06-01"), ("2023-11-13", "2023-11-13")])
def test_as_of_governs_every_section_of_the_entity_page(site, as_of, day):
    last = dt.date.fromisoformat(day)
    page = parse(site.get("/e/spamouflage", params={"as_of": as_of}, timeout=60).text)
    data = site.get("/entities/spamouflage", params={"as_of": as_of}, timeout=60).json()
    assert data["as_of"] == day
    # the claims: one row for each claim the JSON lookup gives as of that day, none later
    rows = [li.attrs["id"] for ol in page.find_all("ol", cls="claim-rows") for li in ol.find_all("li")]
    assert sorted(rows) == sorted(f"claim-{c['id']}" for c in data["claims"])
    assert data["claims"] and all(dt.date.fromisoformat(a["date_to"]) <= last for c in data["claims"]
                                  for s in c["assertions"].values() for a in s)
    # every date shown (verdict, rows, timeline) is on or before it
    dates = shown_dates(page)
    assert dates and all(day_of(d) <= last for d in dates), [d for d in dates if day_of(d) > last]
    # the verdict's counts are the lookup's re-tallied counts
    verdict = {li.attrs["id"].removeprefix("verdict-"): li for li in page.find_all("li", cls="verdict__line")}
    tallies = {c["id"]: c["corroboration"] for c in data["claims"]
               if c["predicate"]["key"] == "attributedTo" and c["subject"]["id"] == "spamouflage"}
    assert set(verdict) == set(tallies)
    for claim_id, li in verdict.items():
        n = tallies[claim_id]["independent_origins"]
        assert li.find("strong", cls="verdict__origins").text() == f"{n} independent origin{'' if n == 1 else 's'}"
    # the sources listed are those dated by then
    listed = page.find_all("details", id="sources-section")
    for link in (listed[0].find_all("a") if listed else []):
        source = site.get("/sources/" + link.attrs["href"].rsplit("/", 1)[1]).json()
        assert day_of(source["date"]) <= last
    assert len(listed[0].find_all("li") if listed else []) == len(data["sources"])
    # and the chains, as before
    _, _, by_day = chains(site, as_of=day)
    assert hop_claims(page.find("details", cls="chains")) == hop_claims(by_day)


def test_as_of_before_any_source_shows_nothing_attributed(site):
    r = site.get("/e/spamouflage", params={"as_of": "1900-01-01"}, timeout=60)
    page = parse(r.text)
    main = page.find("main")
    assert page.find(id="verdict-none").text() == "Nothing attributed as of 1900-01-01."
    assert not main.find_all("li", cls="verdict__line")
    assert not main.find_all("ol", cls="claim-rows") and not main.find_all("li", cls="timeline__entry")
    assert not main.find_all("details", id="sources-section") and not main.find_all("svg")
    assert page.find(id="chains-note").text() == "No source attributes this operation as of 1900-01-01."
    # no year anywhere but in the description, which is not dated and says so
    description = page.find(id="entity-description")
    assert description.text().startswith("Description as recorded today (not dated, so not cut to 1900-01-01):")
    rest = main.text().replace(description.text(), "")
    assert not any(year in rest for year in ("2019", "2021", "2022", "2023", "2024"))
    # names known only from later sources are not shown either
    assert not main.find_all("details", id="names-section")


def test_as_of_recounts_a_claim_said_over_the_years(site):
    """As of mid-2020 only Graphika's 2019 dispute is on record for the PRC attribution: no origin."""
    page = parse(site.get("/e/spamouflage", params={"as_of": "2020-06"}, timeout=60).text)
    line = page.find("li", id="verdict-spamouflage--attributedTo--prc-government")
    assert line.find(cls="verdict__origins").text() == "0 independent origins"
    assert line.find(cls="verdict__contest").text() == "disputed by Graphika (2019-09)"
    full = parse(site.get("/e/spamouflage", timeout=60).text)
    line = full.find("li", id="verdict-spamouflage--attributedTo--prc-government")
    assert line.find(cls="verdict__origins").text() == "12 independent origins"


# ---------------------------------------------------------------- every JSON lookup
PRC = "spamouflage--attributedTo--prc-government"


@pytest.mark.parametrize(("as_of", "day"), [("2020", "2020-12-31"), ("2020-06", "2020-06-30"),
                                             ("2020-06-01", "2020-06-01")])
def test_the_claim_lookup_takes_each_precision(site, as_of, day):
    body = site.get(f"/claims/{PRC}", params={"as_of": as_of}).json()
    assert body["as_of"] == day
    said = [a for s in body["assertions"].values() for a in s]
    assert said and all(a["date_to"] <= day for a in said)
    assert body["corroboration"]["independent_origins"] == len({a["said_by"]["id"] for a in body["assertions"]["supports"]})
    full = site.get(f"/claims/{PRC}").json()
    assert full["as_of"] is None and full["corroboration"]["independent_origins"] == 12
    assert len([a for s in full["assertions"].values() for a in s]) > len(said)


def test_a_claim_nobody_had_made_yet_has_no_assertions(site):
    body = site.get(f"/claims/{PRC}", params={"as_of": "1900"}).json()
    assert body["id"] == PRC and body["as_of"] == "1900-12-31"
    assert body["assertions"] == {"supports": [], "disputes": [], "denies": [], "inconclusive": []}
    assert body["corroboration"]["independent_origins"] == 0


def test_the_source_lookup_takes_as_of(site):
    # Graphika's 2019 report: known as of its month, with only what derived from it by then
    sid = "graphika-2019-09-cross-platform-spam"
    full = site.get(f"/sources/{sid}").json()
    then = site.get(f"/sources/{sid}", params={"as_of": "2019-09"}).json()
    assert then["as_of"] == "2019-09-30" and full["as_of"] is None
    assert len(then["derivatives"]) < len(full["derivatives"])
    assert all(day_of(s["date"]) <= dt.date(2019, 9, 30) for s in then["derivatives"])
    assert all(c["assertion"]["date_to"] <= "2019-09-30" for c in then["claims"])
    # a source not yet published is not found, and the message says why
    r = site.get("/sources/wikipedia-spamouflage-2024", params={"as_of": "2023"})
    assert r.status_code == 404 and "not yet published as of 2023-12-31" in r.json()["error"]["message"]
    assert site.get("/sources/wikipedia-spamouflage-2024", params={"as_of": "2024"}).status_code == 200


@pytest.mark.parametrize("path", ["/entities/spamouflage", f"/claims/{PRC}", "/sources/dhs-2023-spicypanda",
                                  "/entities/spamouflage/attribution"])
def test_every_json_lookup_refuses_a_bad_as_of_naming_the_forms(site, path):
    r = site.get(path, params={"as_of": "2020-13"})
    assert r.status_code == 400 and "YYYY, YYYY-MM or YYYY-MM-DD" in r.json()["error"]["message"]
    assert site.get(path, params={"as_of": "2024"}).status_code == 200


def test_the_entity_lookup_leaves_out_later_names_and_sources(site):
    full = site.get("/entities/spamouflage").json()
    early = site.get("/entities/spamouflage", params={"as_of": "2019"}).json()
    assert len(early["claims"]) < len(full["claims"]) and len(early["sources"]) < len(full["sources"])
    assert all(day_of(s["date"]) <= dt.date(2019, 12, 31) for a in early["aliases"] for s in a["sources"])
    assert all(day_of(s["date"]) <= dt.date(2019, 12, 31) for s in early["sources"])
    assert {a["name"] for a in early["aliases"]} < {a["name"] for a in full["aliases"]}


def test_as_of_governs_what_a_party_published(site):
    """Graphika's page lists the reports it published; as of 2020, only those out by then."""
    def published(**params):
        page = parse(site.get("/e/graphika", params=params, timeout=60).text)
        return [li.find("span").text().removeprefix("— ").split(" ")[0]
                for li in page.find("ul", id="published-list").find_all("li")]
    full, then = published(), published(as_of="2020")
    assert then and len(then) < len(full)
    assert all(day_of(d) <= dt.date(2020, 12, 31) for d in then)
    assert any(day_of(d) > dt.date(2020, 12, 31) for d in full)


# ---------------------------------------------------------------- the claim and source pages
def _form(page):
    form = page.find("form", cls="as-of-form")
    return form.find("input", id="as_of").attrs.get("value")


def test_the_claim_page_takes_as_of(site):
    """Only the assertions made by then, the count re-tallied, the form holding the day, the JSON
    link carrying it; a year counts to its last day."""
    full = parse(site.get(f"/c/{PRC}", timeout=60).text)
    r = site.get(f"/c/{PRC}", params={"as_of": "2020"}, timeout=60)
    assert r.status_code == 200
    then = parse(r.text)
    assert _form(then) == "2020" and "2020-12-31" in then.find(id="as-of-shown").text()
    counted = site.get(f"/claims/{PRC}", params={"as_of": "2020"}).json()
    shown = then.find_all("li", cls="assertion")
    assert len(shown) == sum(len(v) for v in counted["assertions"].values()) > 0
    assert len(shown) < len(full.find_all("li", cls="assertion"))
    assert then.find("strong", cls="independent").text().startswith(
        f"{counted['corroboration']['independent_origins']} independent origin")
    assert full.find("strong", cls="independent").text().startswith("12 independent origins")
    assert any(a.attrs.get("href") == f"/claims/{PRC}?as_of=2020" for a in then.find_all("a"))


def test_the_claim_page_before_anyone_said_it_and_with_a_bad_as_of(site):
    page = parse(site.get(f"/c/{PRC}", params={"as_of": "1900"}, timeout=60).text)
    assert not page.find_all("li", cls="assertion")
    assert page.find("strong", cls="independent").text().startswith("0 independent origins")
    r = site.get(f"/c/{PRC}", params={"as_of": "2020-13"}, timeout=60)
    assert r.status_code == 400 and "YYYY, YYYY-MM or YYYY-MM-DD" in parse(r.text).find(id="as-of-error").text()
    assert len(parse(r.text).find_all("li", cls="assertion")) == len(
        parse(site.get(f"/c/{PRC}", timeout=60).text).find_all("li", cls="assertion"))


def test_the_source_page_takes_as_of(site):
    """What derived from the source by then, the claims it made by then; a source published later
    is not found, and the page says why."""
    sid = "graphika-2019-09-cross-platform-spam"
    full = parse(site.get(f"/s/{sid}", timeout=60).text)
    r = site.get(f"/s/{sid}", params={"as_of": "2019-09"}, timeout=60)
    assert r.status_code == 200
    then = parse(r.text)
    assert _form(then) == "2019-09" and "2019-09-30" in then.find(id="as-of-shown").text()
    lookup = site.get(f"/sources/{sid}", params={"as_of": "2019-09"}).json()
    heading = then.find("h2", id="source-claims").text()
    assert heading.endswith(f"({len(lookup['claims'])})")
    assert len(then.find_all("li")) < len(full.find_all("li"))
    later = site.get("/s/wikipedia-spamouflage-2024", params={"as_of": "2023"}, timeout=60)
    assert later.status_code == 404 and "not yet published as of 2023-12-31" in later.text
    assert site.get("/s/wikipedia-spamouflage-2024", params={"as_of": "2024"}, timeout=60).status_code == 200
    bad = site.get(f"/s/{sid}", params={"as_of": "20"}, timeout=60)
    assert bad.status_code == 400 and parse(bad.text).find(id="as-of-error")
