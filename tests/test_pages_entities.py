"""The search, entity, source and claim pages as served (no browser), over a real server and the
store built from the curated ``data/``. Pages are parsed (``html_tree``), never grepped."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from html_tree import Element, parse
from iokg.provenance.models import SourceView
from iokg.web import presentation

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site(data_site):
    """The app over the curated data, in this process, shared with the other modules."""
    return data_site


def get(site, path: str, status: int = 200, **params: str) -> Element:
    r = site.get(path, params=params, timeout=30)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    return parse(r.text, site.url)


def card(page: Element, claim_id: str) -> Element:
    return page.find("article", id=f"claim-{claim_id}")


def stance_items(c: Element, stance: str) -> list[Element]:
    sections = c.find_all("section", cls=f"stance--{stance}")
    return sections[0].find_all("li", cls="assertion") if sections else []


def facts(item: Element) -> dict[str, Element]:
    """An assertion's facts (Said by, Where we read it, Confidence, ...) by their names."""
    return {d.find("dt").text(): d.find("dd") for d in item.find("dl", cls="facts").find_all("div")}


# ---------------------------------------------------------------- every page

PAGES = ["/find?q=dragonbridge", "/e/spamouflage", "/e/spicypanda", "/e/spamouflage?as_of=2020-06-01",
         "/e/facebook", "/s/dhs-2023-spicypanda", "/s/wikipedia-spamouflage-2024",
         "/c/spicypanda--attributedTo--cicc", "/c/spamouflage--attributedTo--prc-government"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_semantic_and_obey_the_csp(site, path):
    r = site.get(path, timeout=30)
    assert r.status_code == 200
    page = parse(r.text, site.url)
    assert page.find("html").attrs["lang"] == "en"
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find_all(landmark), landmark
    assert page.find_all("a")[0].attrs["href"] == "#main"
    levels = [int(e.tag[1]) for e in page.iter() if len(e.tag) == 2 and e.tag[0] == "h" and e.tag[1].isdigit()]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    labelled = {e.attrs["for"] for e in page.find_all("label")}
    assert all(f.attrs["id"] in labelled for f in page.find_all("input"))
    # nothing inline that the Content-Security-Policy would block, nothing from elsewhere
    for e in page.iter():
        assert "style" not in e.attrs, e.tag
        assert not any(name.startswith("on") for name in e.attrs), e.tag
        if e.tag == "script":
            assert e.attrs.get("src", "").startswith("/static/")
        loads = e.tag in ("img", "script") or (e.tag == "link" and e.attrs.get("rel") != "canonical")
        if loads and (e.attrs.get("src") or e.attrs.get("href")):  # a canonical link names, not loads
            assert (e.attrs.get("src") or e.attrs.get("href")).startswith("/"), e.attrs
    assert not page.find_all("style")


# ---------------------------------------------------------------- search

def test_search_finds_an_alias_and_says_which(site):
    page = get(site, "/find", q="dragonbridge")
    hits = page.find_all("li", cls="hit")
    first = hits[0]
    assert first.find("a").attrs["href"] == "/e/spamouflage"
    assert first.find("a").text() == "Spamouflage"
    assert first.find(cls="hit__type").text() == "campaign"
    assert first.find(cls="hit__matched").text() == "Matched the alias DRAGONBRIDGE → Spamouflage"
    sources = [h for h in hits if "hit--source" in h.classes]
    assert sources[0].find("a").attrs["href"] == "/s/mandiant-2022-10-26-dragonbridge-midterms"
    assert sources[0].find(cls="hit__type").text() == "source · research report · 2022-10-26"


@pytest.mark.parametrize("q", ["STORM 1376", "storm 1376", "Spamouflage Dragon"])
def test_search_ignores_case(site, q):
    page = get(site, "/find", q=q)
    assert page.find("ol", cls="hits").find("a").attrs["href"] == "/e/spamouflage"


def test_search_with_no_hits_or_a_bad_query(site):
    assert "Nothing matches" in get(site, "/find", q="zzzz-no-such-thing").find(id="no-results").text()
    page = get(site, "/find", 400, q="x" * 201)
    assert "too long" in page.find(id="search-error").text()
    page = get(site, "/find")
    assert not page.find_all("ol", cls="hits") and page.find("input", id="q")


# ---------------------------------------------------------------- entity

def test_entity_summary_and_aliases_with_their_sources(site):
    page = get(site, "/e/spamouflage")
    assert page.find("h1").text() == "Spamouflage"
    assert page.find(cls="page-kind").text() == "Campaign"
    assert "long-running network" in page.find(id="entity-description").text()
    aliases = {a.find("dt").text(): a.find("dd") for a in page.find_all(cls="alias")}
    assert {"DRAGONBRIDGE", "Spamouflage Dragon", "Storm 1376"} <= set(aliases)
    assert "/s/mandiant-2022-10-26-dragonbridge-midterms" in aliases["DRAGONBRIDGE"].links()


def test_every_predicate_has_a_claim_group():
    from iokg import vocab

    grouped = set().union(*(predicates for _, _, predicates in presentation.CLAIM_GROUPS))
    assert set(vocab.PREDICATES) <= grouped, sorted(set(vocab.PREDICATES) - grouped)


def test_entity_groups_claims_attributions_first(site):
    page = get(site, "/e/spamouflage")
    groups = page.find_all("details", cls="claim-group")
    order = [g.find("h2").attrs["id"] for g in groups]
    expected = [g[0] for g in presentation.CLAIM_GROUPS]
    assert order == [g for g in expected if g in order]
    assert order[:3] == ["attribution", "membership", "platforms"]
    assert "other" not in order  # every predicate has its group (characterizations, impersonations, ...)
    assert {"characterizations", "targets", "events"} <= set(order)
    # every group folds away (no JavaScript needed); the attribution and membership groups start open
    assert all(g.find("summary").find("h2") for g in groups)
    assert ["open" in g.attrs for g in groups[:3]] == [True, True, False]
    rows = groups[0].find("ol", cls="claim-rows").find_all("li")
    assert rows and all(r.attrs["id"].startswith("claim-spamouflage--attributedTo--") for r in rows)
    # attributions in the verdict's order (most independent origins first), not the alphabet's
    verdict = [li.attrs["id"].removeprefix("verdict-") for li in page.find_all("li", cls="verdict__line")]
    assert [r.attrs["id"].removeprefix("claim-") for r in rows] == verdict
    # a row links to the claim page, where its full card is
    row = next(r for r in rows if r.attrs["id"] == "claim-spamouflage--attributedTo--prc-government")
    assert row.find("a").attrs["href"] == "/c/spamouflage--attributedTo--prc-government"
    assert row.find("a").text() == "is attributed to Government of the People's Republic of China"
    assert "12 independent origins" in row.text()
    assert ("disputed by Graphika (2019-09); denied by Embassy of the People's Republic of China in Washington "
            "(2023)") in row.text()
    every = [li for g in groups for li in g.find("ol", cls="claim-rows").find_all("li")]
    assert len(every) == len({li.attrs["id"] for li in every})  # one row, one anchor, per claim
    contested = [li for li in every if "no recorded dispute" not in li.text()]
    assert [li.attrs["id"] for li in contested] == ["claim-spamouflage--attributedTo--prc-government",
                                                    "claim-spamouflage--targets--us-election-2020"]


def test_spicypanda_cicc_card(site):
    # the full card is on the claim page; the entity page has its row
    c = card(get(site, "/c/spicypanda--attributedTo--cicc"), "spicypanda--attributedTo--cicc")
    assert c.find("h1").text() == "SPICYPANDA is attributed to Chongqing International Communications Center"
    row = get(site, "/e/spicypanda").find("li", id="claim-spicypanda--attributedTo--cicc")
    assert row.find("a").attrs["href"] == "/c/spicypanda--attributedTo--cicc"
    assert row.text() == ("is attributed to Chongqing International Communications Center: 1 independent origin "
                          "(DHS Office of Intelligence and Analysis) · very likely (DHS Office of Intelligence "
                          "and Analysis’ own words) · no recorded dispute · 2023-04-27")
    (item,) = stance_items(c, "supports")
    assert item.find(cls="stance-badge").text() == "Supports"
    assert item.find("time").attrs["datetime"] == "2023-04-27"
    title = item.find("a", href="/s/dhs-2023-spicypanda")
    assert title.text().startswith("China: Municipal Government Publishing Anti-US")
    assert item.find(cls="publisher").text() == "DHS Office of Intelligence and Analysis"
    f = facts(item)
    # who said it, where we read it, whose words
    assert f["Said by"].text() == "DHS Office of Intelligence and Analysis in its own voice"
    assert f["Said by"].links() == ["/e/dhs-ia"]
    assert f["Where we read it"].text() == ("in China: Municipal Government Publishing Anti-US, Pro-China Social "
                                            "Media Content With Limited Reach (government report)")
    assert f["Where we read it"].links() == ["/s/dhs-2023-spicypanda"]
    assert item.find("q", cls="confidence").text() == "very likely"
    assert f["Confidence"].text() == "very likely (DHS Office of Intelligence and Analysis’ own words)"
    assert item.find(cls="icd").text() == "very likely"
    assert f["ICD 203 band"].text() == "very likely (6 of 7)"
    assert f["Evidence stated"].text() == "organizational link"
    assert item.find("blockquote").text() == (
        "A People’s Republic of China (PRC) municipal government-controlled media outlet is very likely "
        "directing a cluster of English-language, coordinated inauthentic Twitter accounts")
    assert item.find("figcaption").text() == "— paragraph after the Scope Note"
    corroboration = c.find(cls="corroboration")
    assert corroboration.find(cls="independent").text() == "1 independent origin"
    assert corroboration.find(cls="origins").links() == ["/e/dhs-ia"]
    assert not corroboration.find_all(cls="relays")
    assert corroboration.find(cls="contesting").text() == "No recorded dispute."


def test_a_relayed_assertion_names_its_party_speaker_and_carriers(site):
    """Stubbs of Graphika, as reported by The Record, as cited by the encyclopedia."""
    c = card(get(site, "/c/spamouflage--attributedTo--mps-912-group"), "spamouflage--attributedTo--mps-912-group")
    items = stance_items(c, "supports")
    (stubbs,) = [i for i in items if "Jack Stubbs" in facts(i)["Said by"].text()]
    f = facts(stubbs)
    assert f["Said by"].text() == "Graphika (Jack Stubbs)"
    assert f["Said by"].links() == ["/e/graphika", "/e/jack-stubbs"]
    assert f["Where we read it"].text() == ("as reported in The Record (2023-08-29), "
                                            "as carried by Spamouflage (encyclopedia article)")
    assert f["Where we read it"].links() == ["/s/therecord-2023-08-29", "/s/wikipedia-spamouflage-2024"]
    # the words are the encyclopedia's paraphrase, not Graphika's
    assert f["Confidence"].text() == "limited confidence (paraphrase by Wikipedia (English), not Graphika’s words)"
    assert stubbs.find("time").text() == "2023-08"
    # Wired, in its own article, cited by the encyclopedia
    (wired,) = [i for i in items if facts(i)["Said by"].text() == "Wired"]
    assert facts(wired)["Where we read it"].text() == (
        "in Wired’s own news article (2024-04-29), as carried by Spamouflage (encyclopedia article)")
    assert facts(wired)["Confidence"].text() == "none given"
    k = c.find(cls="corroboration")
    assert k.find(cls="independent").text() == "2 independent origins"
    assert k.find(cls="origins").links() == ["/e/graphika", "/e/wired"]
    assert k.find(cls="relays").links() == ["/s/therecord-2023-08-29", "/s/wikipedia-spamouflage-2024"]
    assert k.find(cls="contesting").text() == "No recorded dispute."


def test_contested_card_shows_disputing_and_denying_parties(site):
    c = card(get(site, "/c/spamouflage--attributedTo--prc-government"), "spamouflage--attributedTo--prc-government")
    assert "claim-card--contested" in c.classes
    disputes, denies = stance_items(c, "disputes"), stance_items(c, "denies")
    # Graphika's 2019 report disputes it, as the encyclopedia carries it
    assert [d.find("a").attrs["href"] for d in disputes] == ["/s/wikipedia-spamouflage-2024"]
    assert facts(disputes[0])["Said by"].text() == "Graphika"
    assert facts(disputes[0])["Where we read it"].text() == (
        "in Graphika’s own research report (2019-09), as carried by Spamouflage (encyclopedia article)")
    assert facts(disputes[0])["Where we read it"].links()[0] == "/s/graphika-2019-09-cross-platform-spam"
    # the embassy denies it through its spokesperson, as CNN reported; read in two documents
    assert [d.find("a").attrs["href"] for d in denies] == ["/s/outlet-2023-cnn-investigation-summary",
                                                           "/s/wikipedia-spamouflage-2024"]
    for d in denies:
        assert facts(d)["Said by"].text() == "Embassy of the People's Republic of China in Washington (Liu Pengyu)"
        assert facts(d)["Where we read it"].links()[:2] == ["/s/liu-pengyu-2023-statement", "/s/cnn-2023-11-13"]
    assert "no factual evidence" in denies[0].find("blockquote").text()
    (unsure,) = stance_items(c, "inconclusive")
    assert facts(unsure)["Said by"].text() == "Graphika"
    assert facts(unsure)["Where we read it"].text().startswith("as reported in The Washington Post (2020-08-12)")
    assert len(stance_items(c, "supports")) == 17
    k = c.find(cls="corroboration")
    assert k.find(cls="independent").text() == "12 independent origins"
    # the origins are named, not just counted: 12 parties in 17 supporting assertions
    assert set(k.find(cls="origins").links()) == {
        "/e/security-firm-cbs-2022", "/e/cnn", "/e/global-affairs-canada", "/e/isd", "/e/liu-xin", "/e/meta", "/e/nyt",
        "/e/rolling-stone", "/e/the-guardian", "/e/twitter-company", "/e/unnamed-researchers-rolling-stone",
        "/e/voa"}
    assert "17 supporting assertions in all" in k.text()
    assert set(k.find(cls="relays").links()) == {
        "/s/axios-2022-06-03", "/s/cbc-2023-10-23", "/s/cbs-2022-10-26", "/s/cnn-2023-11-13", "/s/ctv-2023-11-01",
        "/s/outlet-2023-cnn-investigation-summary", "/s/rollingstone-2023-08-chinese-intel-officers",
        "/s/wikipedia-spamouflage-2024", "/s/wired-2024-04-29"}
    assert k.find(cls="contesting").text() == (
        "Disputed by Graphika (2019-09); denied by Embassy of the People's Republic of China in Washington (2023).")
    assert k.find(cls="contesting").links() == ["/e/graphika", "/e/prc-embassy-washington"]
    assert k.find(cls="inconclusive").links() == ["/e/graphika"]


def test_every_assertion_on_a_page_says_who_where_and_whose_words(site):
    claims = site.get("/entities/spamouflage", timeout=30).json()["claims"]
    items = [i for c in claims if c["predicate"]["key"] in ("attributedTo", "partOf", "operatesOn")
             for i in get(site, f"/c/{c['id']}").find_all("li", cls="assertion")]
    assert len(items) > 40
    for item in items:
        f = facts(item)
        assert f["Said by"].text() and f["Said by"].links()[0].startswith("/e/")
        where = f["Where we read it"]
        assert where.links()[-1] == item.find("p", cls="assertion__head").find("a").attrs["href"]
        words = item.find_all("q", cls="confidence")
        if words:
            assert f["Confidence"].find(cls="whose").text().endswith("words)")


def test_techniques_show_disarm_ids_and_names(site):
    page = get(site, "/e/spamouflage")
    rows = page.find("details", id="group-techniques").find_all("li")
    techniques = {r.attrs["id"].rsplit("--", 1)[1]: r for r in rows}
    row = techniques["T0049.004"]
    assert row.text().startswith("uses technique T0049.004 Utilise Spamoflauge: 1 independent origin")
    assert row.links()[:2] == ["/c/spamouflage--usesTechnique--T0049.004", "/t/T0049.004"]
    assert row.find(cls="technique").find("code").text() == "T0049.004"
    assert len(techniques) == 24  # the DISARM ids of Spamouflage's usesTechnique assertions in data/
    about = get(site, "/c/spamouflage--usesTechnique--T0049.004").find("p", cls="claim-card__about")
    assert about.find(cls="technique").text() == "T0049.004 Utilise Spamoflauge"


def test_timeline_is_ordered_and_stances_are_words(site):
    page = get(site, "/e/spamouflage")
    section = page.find("details", id="timeline-section")
    entries = section.find_all("li", cls="timeline__entry")
    assert len(entries) > 30  # by date, party and document: one entry, several claims
    starts = []
    for e in entries:
        date = e.find("time").attrs["datetime"]
        starts.append(dt.date.fromisoformat((date + "-01-01")[:10]) if len(date) < 10 else dt.date.fromisoformat(date))
        assert e.find("strong").text() and e.links()[0].startswith("/s/")
    assert starts == sorted(starts)
    stances = {m.text() for m in section.find_all("em", cls="timeline__stance")}
    assert stances == {"disputes", "denies", "inconclusive"}  # supports is the unmarked case
    embassy = [e for e in entries if e.find("strong").text().startswith("Embassy of the People's Republic")]
    assert embassy and all("denies is attributed to Government of the People's Republic of China" in e.text()
                           for e in embassy)
    years = [h.text() for h in section.find_all("h3")]
    assert years == sorted(years) and years[0] == "2019"


def test_entity_svg_draws_the_chains(site):
    page = get(site, "/e/spicypanda")
    svg = page.find("svg", cls="chain-svg")
    assert svg.attrs["role"] == "img"
    assert page.find("title", id="chain-title").text() == "Attribution chains from SPICYPANDA"
    assert ("SPICYPANDA is attributed to (1 independent origin) Chongqing International Communications Center."
            in page.find("desc", id="chain-desc").text())
    nodes = [g.attrs["data-entity"] for g in svg.find_all("g", cls="node")]
    # DHS names no government above CICC: the chain ends there
    assert nodes[:3] == ["spicypanda", "cicc", "spamouflage"]
    assert "chongqing-municipal-government" not in nodes
    assert {"spamouflage", "mps", "mps-912-group", "prc-government", "prc-law-enforcement"} <= set(nodes)
    hops = {g.attrs["data-claim"]: g for g in svg.find_all("g", cls="hop")}
    first = hops["spicypanda--attributedTo--cicc"]
    assert label(first) == "is attributed to — 1 independent origin: DHS Office of Intelligence and Analysis 2023"
    assert "hop--supported" in first.classes and "stroke-dasharray" not in first.find("path").attrs
    contested = hops["spamouflage--attributedTo--prc-government"]
    assert "hop--contested" in contested.classes and contested.find("path").attrs["stroke-dasharray"]
    # the parties, every one and whole, earliest first, not the documents they are read in; long
    # labels wrapped onto several lines, none longer than the wrap width
    text = label(contested)
    assert text.startswith("is attributed to — 12 independent origins: CNN 2023, Meta Platforms 2023, "
                           "Researchers not named by Rolling Stone 2023, Rolling Stone 2023, ")
    assert "Voice of America 2024" in text and "more" not in text and "…" not in text
    assert ("CONTESTED — disputed by Graphika 2019; denied by Embassy of the People's Republic of China in "
            "Washington 2023 inconclusive: Graphika 2020") in text
    lines = [t.text() for t in contested.find_all("text")]
    assert len(lines) > 3 and max(map(len, lines)) <= 72
    # the overlap is drawn apart and says that it carries no attribution on
    overlap = hops["spicypanda--overlapsWith--spamouflage"]
    assert "hop--not-carried" in overlap.classes and overlap.attrs["data-kind"] == "overlap"
    assert overlap.find("path").attrs["stroke-dasharray"] == "12 5"
    assert label(overlap).startswith("overlaps with — attribution not carried what follows is said of "
                                     "Spamouflage, not of SPICYPANDA 1 independent origin: DHS Office")
    # the standalone file names, in tooltips, each assertion and where it is read
    standalone = ET.fromstring(site.get("/e/spicypanda/attribution.svg", timeout=30).text)
    tips = {g.get("data-claim"): g.find(SVG_NS + "title").text for g in standalone.iter(SVG_NS + "g")
            if g.get("data-claim")}
    tip = tips["spamouflage--attributedTo--prc-government"]
    assert "Jack Stubbs" not in tip and "Liu Pengyu" in tip
    assert not contested.find_all("title")  # the page's own picture leaves tooltips to the cards
    # and the chains in words, with links
    words = page.find("ol", cls="chain-list").find_all("li")
    assert len(words) == 8 and "/c/spicypanda--attributedTo--cicc" in words[0].links()
    assert "(1 independent origin)" in words[0].text()
    # every chain through the overlap says that Spamouflage's attributions are not SPICYPANDA's
    through = [w for w in words if "/c/spicypanda--overlapsWith--spamouflage" in w.links()]
    assert len(through) == 7
    for w in through:
        assert "(1 independent origin, attribution not carried)" in w.text()
        assert w.find(cls="chain-caveat").text() == (
            "Attribution not carried past “SPICYPANDA overlaps with Spamouflage”: what follows is said of "
            "Spamouflage, not of SPICYPANDA.")


def label(hop: Element) -> str:
    """A hop's label, its wrapped lines joined."""
    return " ".join(t.text() for t in hop.find_all("text"))


def test_as_of_redraws_what_was_known_then(site):
    full = get(site, "/e/spamouflage").find("svg", cls="chain-svg")
    assert any("Rolling Stone" in t.text() for t in full.find_all("text"))
    page = get(site, "/e/spamouflage", as_of="2020-06-01")
    assert page.find("h2", id="attribution-chains").text() == "Attribution chains: what was known as of 2020-06-01"
    assert page.find("input", id="as_of").attrs["value"] == "2020-06-01"
    svg = page.find("svg", cls="chain-svg")
    hops = {g.attrs["data-claim"]: g for g in svg.find_all("g", cls="hop")}
    assert set(hops) == {"spamouflage--attributedTo--amateurs-or-private-firm",
                         "spamouflage--attributedTo--prc-government"}
    early = hops["spamouflage--attributedTo--prc-government"]
    assert "hop--unsupported" in early.classes
    assert [t.text() for t in early.find_all("text")] == [
        "is attributed to — NOT SUPPORTED: no party supports this", "CONTESTED — disputed by Graphika 2019"]
    assert [t.text() for t in hops["spamouflage--attributedTo--amateurs-or-private-firm"].find_all("text")] == [
        "is attributed to — 1 independent origin: Graphika 2019"]
    assert not any(y in t.text() for t in svg.find_all("text") for y in ("2021", "2022", "2023", "2024"))
    assert page.find("a", href="/e/spamouflage/attribution.svg?as_of=2020-06-01")


def test_as_of_malformed_is_400_and_shows_all_dates(site):
    page = get(site, "/e/spamouflage", 400, as_of="June 2020")
    assert "YYYY-MM-DD" in page.find(id="as-of-error").text()
    assert page.find("svg", cls="chain-svg")


def test_entities_without_chains(site):
    page = get(site, "/e/facebook")
    assert page.find("h1").text() == "Facebook"
    assert not page.find_all("svg")
    assert page.find("ol", cls="claim-rows").find_all("li")
    assert page.find(id="verdict-none").text().startswith("No attribution of Facebook or to it is recorded.")


def test_attribution_svg_file(site):
    r = site.get("/e/spicypanda/attribution.svg", timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.text)
    assert root.tag == SVG_NS + "svg"
    assert root.find(SVG_NS + "title").text == "Attribution chains from SPICYPANDA"
    r = site.get("/e/facebook/attribution.svg", timeout=30)
    assert r.status_code == 200 and "cluster or campaign" in ET.fromstring(r.text).find(SVG_NS + "text").text
    assert site.get("/e/spicypanda/attribution.svg", params={"as_of": "nope"}).status_code == 400


# ---------------------------------------------------------------- source

def test_source_page_metadata_and_claims_by_stance(site):
    page = get(site, "/s/dhs-2023-spicypanda")
    assert page.find("h1").text().startswith("China: Municipal Government Publishing")
    meta = {d.find("dt").text(): d.find("dd").text() for d in page.find(id="source-metadata").find_all("div")}
    assert meta["Kind"] == "government report"
    assert meta["Publisher"] == "DHS Office of Intelligence and Analysis"
    assert meta["SHA-256"] == "f6c33e36724096457ef3f000f458f5b50278da1c421dbed5b85d0567944a345e"
    assert meta["File size"] == "1,288,068 bytes"
    assert meta["Pages"] == "7"
    assert meta["Handling marking"] == "U//FOUO"
    assert meta["Date"] == "2023-04-27"
    # DHS's 37 assertions all support; none disputes, denies or cannot tell
    assert page.find("h2", id="source-claims").text() == "Claims read in it (37)"
    sections = page.find("h2", id="source-claims").parent.find_all("section", cls="stance")
    assert [s.attrs["class"] for s in sections] == ["stance stance--supports"]
    assert "/c/spicypanda--attributedTo--cicc" in sections[0].links()
    assert len(sections[0].find_all("li", cls="assertion")) == 37
    assert "relays or cites no document" in page.find("h2", id="derives-from").parent.text()
    # the encyclopedia: every stance, each assertion with the party it carries
    wiki = get(site, "/s/wikipedia-spamouflage-2024")
    sections = {s.attrs["class"].split("--")[1]: s for s in wiki.find_all("section", cls="stance")}
    assert {k: len(v.find_all("li", cls="assertion")) for k, v in sections.items()} == {
        "supports": 192, "disputes": 2, "denies": 1, "inconclusive": 3}
    assert "/c/spamouflage--attributedTo--prc-government" in sections["inconclusive"].links()
    (denial,) = sections["denies"].find_all("li", cls="assertion")
    assert facts(denial)["Said by"].text() == "Embassy of the People's Republic of China in Washington (Liu Pengyu)"


def test_source_page_derivation_both_ways(site):
    page = get(site, "/s/cnn-2023-11-13")
    derives = page.find("h2", id="derives-from").parent.links()
    relayed = page.find("h2", id="relayed-by").parent.links()
    assert len(derives) == 5 and all(link.startswith("/s/") for link in derives)
    assert "/s/outlet-2023-cnn-investigation-summary" in relayed
    meta = {d.find("dt").text(): d.find("dd").text() for d in page.find(id="source-metadata").find_all("div")}
    assert meta["Authors"].startswith("Donie O'Sullivan, Curt Devine")


# ---------------------------------------------------------------- claim

def test_claim_page_card_and_cite_block(site):
    page = get(site, "/c/spicypanda--attributedTo--cicc")
    assert page.find("h1").text() == "SPICYPANDA is attributed to Chongqing International Communications Center"
    assert page.find("blockquote")
    cite = page.find("section", cls="cite")
    assert cite.find(id="cite-iri").text() == "https://w3id.org/iokg/id/claim/spicypanda--attributedTo--cicc"
    # without IOKG_PUBLIC_URL the link to cite is the IRI, not this server's Host (tests/test_links.py)
    assert cite.find(id="cite-url").attrs["href"] == "https://w3id.org/iokg/id/claim/spicypanda--attributedTo--cicc"
    assert cite.find(id="cite-url").text() == "https://w3id.org/iokg/id/claim/spicypanda--attributedTo--cicc"
    (ref,) = cite.find("ol", cls="references").find_all("li")
    assert ref.find("cite").text().startswith("China: Municipal Government Publishing")
    assert ref.find("time").text() == "2023-04-27"
    assert ref.text().startswith("DHS Office of Intelligence and Analysis (2023-04-27).")
    assert "No public URL recorded" in ref.text()
    assert ref.find(cls="role").text() == "[supports: said by DHS Office of Intelligence and Analysis]"
    text = cite.find("pre", id="citation-text").text()
    assert "https://w3id.org/iokg/id/claim/spicypanda--attributedTo--cicc" in text
    assert page.find("link", rel="canonical").attrs["href"] == "https://w3id.org/iokg/id/claim/spicypanda--attributedTo--cicc"


def test_claim_references_list_authors_and_primary_sources(site):
    cite = get(site, "/c/spamouflage--attributedTo--prc-government").find("section", cls="cite")
    refs = cite.find("ol", cls="references").find_all("li")
    links = [r.find("cite").find("a").attrs["href"] for r in refs]
    assert "/s/liu-pengyu-2023-statement" in links and "/s/meta-2023-q2-threat-report" in links
    graphika = refs[links.index("/s/graphika-2019-09-cross-platform-spam")]
    assert graphika.text().startswith("Ben Nimmo, C. Shawn Eib")
    # Graphika's own report, where it disputed the attribution; the encyclopedia reports it
    assert graphika.find(cls="role").text() == "[disputes: said by Graphika]"
    assert refs[links.index("/s/meta-2023-q2-threat-report")].find(cls="role").text() == (
        "[supports: said by Meta Platforms]")
    wiki = refs[links.index("/s/wikipedia-spamouflage-2024")].find(cls="role").text()
    assert "disputes: reports Graphika" in wiki and "denies: reports Embassy of the People's Republic" in wiki
    assert "said by" not in wiki  # the encyclopedia says none of it in its own voice


def test_reference_text_uses_the_url():
    s = SourceView(id="x", iri="i", title="A report.", publisher="Lab", kind="research-report",
                   kind_label="research report", authors=["A. B", "C. D"], date="2020-01",
                   url="https://example.org/r", derived_from=[], derivatives=[], claims=[])
    assert presentation.reference_text(s) == "A. B, C. D (2020-01). A report. Lab. https://example.org/r"


# ---------------------------------------------------------------- not found, IRIs

@pytest.mark.parametrize("path", ["/e/nobody", "/s/nobody", "/c/nobody--x--y", "/e/dhs-2023-spicypanda",
                                  "/e/Not-An-Id"])
def test_unknown_ids_are_404_pages(site, path):
    page = get(site, path, 404)
    assert page.find("h1").text().startswith("No such")
    assert page.find("input", id="q")


@pytest.mark.parametrize(("iri", "page", "json"), [
    ("/id/entity/spamouflage", "/e/spamouflage", "/entities/spamouflage"),
    ("/id/entity/spamouflage/alias/dragonbridge", "/e/spamouflage", "/entities/spamouflage"),
    ("/id/source/dhs-2023-spicypanda", "/s/dhs-2023-spicypanda", "/sources/dhs-2023-spicypanda"),
    ("/id/claim/spicypanda--attributedTo--cicc", "/c/spicypanda--attributedTo--cicc",
     "/claims/spicypanda--attributedTo--cicc"),
    ("/id/assertion/spicypanda--attributedTo--cicc/dhs-2023-spicypanda", "/c/spicypanda--attributedTo--cicc",
     "/claims/spicypanda--attributedTo--cicc"),
])
def test_iris_redirect_browsers_to_pages_and_others_to_json(site, iri, page, json):
    for accept, target in [(BROWSER_ACCEPT, page), (None, json), ("*/*", json), ("application/json", json)]:
        headers = {"accept": accept} if accept else {}
        r = site.get(iri, headers=headers, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == target, accept
        assert r.headers["vary"] == "Accept"


def test_json_routes_stay_json(site):
    r = site.get("/entities/spamouflage", headers={"accept": BROWSER_ACCEPT})
    assert r.headers["content-type"] == "application/json" and r.json()["id"] == "spamouflage"
