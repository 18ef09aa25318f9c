"""The verdict at the top of an entity page, the collapsible sections after it and the page's weight,
over the app (in this process) and the store built from the curated ``data/``; then the ranking of words of
confidence (`iokg.web.verdict.confidence`) on its own. Pages are parsed (``html_tree``)."""

from __future__ import annotations

import httpx
import pytest

from html_tree import Element, parse
from iokg.provenance.models import AssertionView, LikelihoodBand, Ref, SourceRef
from iokg.web.verdict import Words, confidence

PRC = "spamouflage--attributedTo--prc-government"
#: The page weight bound of issue "The answer first", in bytes of HTML.
MAX_ENTITY_PAGE_BYTES = 120_000


@pytest.fixture(scope="module")
def site(data_site):
    """The app over the curated data, in this process, shared with the other modules."""
    return data_site


def get(site, path: str, **params: str) -> tuple[httpx.Response, Element]:
    r = site.get(path, params=params, timeout=60)
    assert r.status_code == 200, r.text[:300]
    return r, parse(r.text, site.base)


def lines(page: Element) -> dict[str, Element]:
    """The verdict's lines by claim id, in order."""
    verdict = page.find("section", id="verdict")
    return {li.attrs["id"].removeprefix("verdict-"): li for li in verdict.find_all("li", cls="verdict__line")}


def test_the_verdict_comes_first_in_main(site):
    _, page = get(site, "/e/spamouflage")
    main = page.find("main")
    sections = [e for e in main.iter() if e.tag in ("section", "details", "nav")]
    assert sections[0].attrs["id"] == "verdict"
    assert page.find("h2", id="verdict-heading").text() == "Verdict: who Spamouflage is attributed to"


def test_spamouflage_verdict_names_origins_and_deniers_ordered_by_support(site):
    _, page = get(site, "/e/spamouflage")
    by_claim = lines(page)
    assert list(by_claim) == [PRC, "spamouflage--attributedTo--prc-law-enforcement", "spamouflage--attributedTo--mps",
                              "spamouflage--attributedTo--mps-912-group",
                              "spamouflage--attributedTo--amateurs-or-private-firm",
                              "spamouflage--attributedTo--operators-across-china"]
    counts = [int(li.find("strong", cls="verdict__origins").text().split()[0]) for li in by_claim.values()]
    assert counts == sorted(counts, reverse=True) == [12, 3, 2, 2, 1, 1]
    prc = by_claim[PRC]
    target = prc.find("a", cls="verdict__target")
    assert target.text() == "Government of the People's Republic of China"  # the whole name
    assert target.attrs["href"] == f"#claim-{PRC}"
    text = prc.text()
    # the origins with their names, not only their number
    for name in ("CNN", "Global Affairs Canada", "Institute for Strategic Dialogue", "Liu Xin", "Meta Platforms",
                 "Researchers not named by Rolling Stone", "Rolling Stone", "The Guardian", "The New York Times",
                 "Twitter (company)", "Voice of America"):
        assert name in text
    assert prc.find(cls="verdict__contest").text() == (
        "disputed by Graphika (2019-09); denied by Embassy of the People's Republic of China in Washington (2023)")
    assert prc.find(cls="verdict__dates").text() == "2019-09 to 2024"
    # words of confidence with whose they are (none of these is an ICD 203 term: listed, unranked)
    words = prc.find(cls="verdict__words").text()
    assert "widely believed (paraphrase by Wikipedia (English))" in words and "not ranked" in words
    # a claim nobody contests says so
    law = by_claim["spamouflage--attributedTo--prc-law-enforcement"]
    assert law.find(cls="verdict__contest").text() == "No recorded dispute"


def test_every_verdict_line_and_page_anchor_lands_on_this_page(site):
    _, page = get(site, "/e/spamouflage")
    ids = {e.attrs["id"] for e in page.iter() if "id" in e.attrs}
    anchors = [a.attrs["href"][1:] for a in page.find_all("a") if a.attrs.get("href", "").startswith("#")]
    assert anchors and set(anchors) <= ids, sorted(set(anchors) - ids)
    for claim_id, li in lines(page).items():
        assert li.find("a", cls="verdict__target").attrs["href"] == f"#claim-{claim_id}"
        row = page.find("li", id=f"claim-{claim_id}")
        # the row sits in the attribution group, which starts open: a link lands without JavaScript
        group = next(e for e in row.ancestors() if e.tag == "details")
        assert group.attrs["id"] == "group-attribution" and "open" in group.attrs


def test_the_mps_attribution_leads_to_the_denial_above_it(site):
    """MPS sits in the PRC government; the attribution to the PRC government is denied: the MPS line
    and the chains through MPS say so and link to it."""
    _, page = get(site, "/e/spamouflage")
    for claim_id in ("spamouflage--attributedTo--mps", "spamouflage--attributedTo--mps-912-group"):
        (above,) = lines(page)[claim_id].find_all(cls="verdict__above")
        assert above.links() == [f"#claim-{PRC}"]
        assert above.text() == ("Above it: Spamouflage is attributed to Government of the People's Republic of "
                                "China: disputed by Graphika (2019-09); denied by Embassy of the People's Republic "
                                "of China in Washington (2023)")
    through_mps = [li for li in page.find("ol", cls="chain-list").find_all("li")
                   if "/c/spamouflage--attributedTo--mps" in li.links()]
    assert through_mps
    for li in through_mps:
        assert f"#claim-{PRC}" in li.links()
        assert ("Contested above it: “Spamouflage is attributed to Government of the People's Republic of China” is "
                "disputed by Graphika (2019-09); denied by Embassy of the People's Republic of China in Washington "
                "(2023).") in li.text()


def test_spicypanda_verdict_and_the_overlap_it_does_not_carry(site):
    _, page = get(site, "/e/spicypanda")
    (cicc,) = lines(page).values()
    assert cicc.find("a", cls="verdict__target").text() == "Chongqing International Communications Center"
    assert cicc.text().startswith("Chongqing International Communications Center: 1 independent origin "
                                  "(DHS Office of Intelligence and Analysis) · No recorded dispute · very likely "
                                  "(DHS Office of Intelligence and Analysis’ own words)")
    assert cicc.find(cls="verdict__dates").text() == "2023-04-27"
    note = page.find("p", id="not-carried-spicypanda--overlapsWith--spamouflage")
    assert note.text() == ("SPICYPANDA overlaps with Spamouflage (DHS Office of Intelligence and Analysis): "
                           "attribution not carried. What Spamouflage is attributed to is not thereby "
                           "SPICYPANDA’s attribution.")
    assert note.links() == ["#claim-spicypanda--overlapsWith--spamouflage"]
    # none of Spamouflage's attributions is listed as SPICYPANDA's
    assert "Government of the People's Republic of China" not in page.find("section", id="verdict").text()


def test_an_organization_shows_what_is_attributed_to_it(site):
    _, page = get(site, "/e/mps")
    assert page.find("h2", id="verdict-heading").text() == "Verdict: what is attributed to Ministry of Public Security"
    (line,) = lines(page).values()
    assert line.find("a", cls="verdict__target").text() == "Spamouflage"
    assert line.find(cls="verdict__origins").text() == "2 independent origins"


def test_sections_after_the_verdict_fold_without_javascript(site):
    r, page = get(site, "/e/spamouflage")
    assert "<script" not in r.text
    folded = page.find("main").find_all("details")
    assert {d.attrs["id"] for d in folded} >= {"names-section", "chains-section", "group-attribution",
                                               "group-techniques", "timeline-section", "sources-section"}
    for d in folded:
        assert d.find_all("summary")[0].find("h2")  # each section is named in its summary
    opened = {d.attrs["id"] for d in folded if "open" in d.attrs}
    assert opened == {"chains-section", "group-attribution", "group-membership"}


@pytest.mark.parametrize("path", ["/e/spamouflage", "/e/spicypanda", "/e/prc-government"])
def test_entity_pages_stay_light(site, path):
    r, _ = get(site, path)
    assert len(r.content) < MAX_ENTITY_PAGE_BYTES, f"{path}: {len(r.content):,} bytes"


# ---------------------------------------------------------------- words of confidence

def said(words: str | None, rank: int | None = None, whose: str = "asserter", party: str = "Lab") -> AssertionView:
    source = SourceRef(id="doc", iri="i", title="T", publisher="Paper", kind="news-article",
                       kind_label="news article", date="2020")
    band = LikelihoodBand(key=f"k{rank}", label=words or "", rank=rank) if rank else None
    return AssertionView(iri=f"a-{words}", source=source, said_by=Ref(id="lab", kind="entity", iri="l", label=party),
                         stance="supports", confidence_words=words, confidence_whose=whose, likelihood=band)


def test_confidence_ranks_only_icd_203_words():
    strongest, weakest, unranked = confidence([said("likely", 5), said("believes", whose="carrier"),
                                               said("very likely", 6), said(None), said("believes", whose="carrier")])
    assert strongest == Words("very likely", "Lab’s own words", 6)
    assert weakest == Words("likely", "Lab’s own words", 5)
    assert unranked == [Words("believes", "paraphrase by Paper")]  # each once, not ranked against the others
    assert confidence([said("very likely", 6)]) == (Words("very likely", "Lab’s own words", 6), None, [])
    assert confidence([said(None)]) == (None, None, [])
