"""Every fact the five reference documents state, checked against the graph built from data/.

One row per fact: (document, what the document says, a SPARQL ASK over the built store). The
helpers below only write the ASK text; each row names the exact source, claim, stance and, for
sources that derive from several, the reference the statement cites. A row fails if any of those
is missing or different, so each fact can fail on its own (see `test_a_fact_not_in_the_documents_fails`).
"""

from __future__ import annotations

import pytest

from iokg.store import run_query

PREFIXES = """
PREFIX iokg: <https://w3id.org/iokg/ns#>
PREFIX src: <https://w3id.org/iokg/id/source/>
PREFIX ent: <https://w3id.org/iokg/id/entity/>
PREFIX tech: <https://w3id.org/iokg/id/technique/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

DHS = "dhs-2023-spicypanda"
WIKI = "wikipedia-spamouflage-2024"
RS = "rollingstone-2023-08-chinese-intel-officers"
OUT = "outlet-2023-cnn-investigation-summary"
ASPI = "aspi-strategist-2020-06-12-twitter-data"


def _obj(o: str) -> str:
    return f"tech:{o}" if o.startswith("T0") else f"ent:{o}"


def said(source: str, subject: str, predicate: str, obj: str | None = None, *, value: str | None = None,
         qualifier: str | None = None, stance: str = "Supports", cites: list[str] = (),
         confidence: str | None = None, likelihood: str | None = None, original: bool = False) -> str:
    """ASK: `source` makes an assertion with `stance` on the claim (subject predicate object|value)."""
    lines = [f"?a iokg:source src:{source} ; iokg:stance iokg:{stance} ; iokg:claim ?c .",
             f"?c iokg:subject {_obj(subject)} ; iokg:predicate iokg:{predicate} ."]
    if obj is not None:
        lines.append(f"?c iokg:object {_obj(obj)} .")
    if value is not None:
        lines.append(f'?c iokg:value ?v . FILTER (STR(?v) = "{value}")')
    if qualifier is not None:
        lines.append(f'?c iokg:qualifier "{qualifier}" .')
    for c in cites:
        lines.append(f"?a iokg:cites src:{c} .")
    if confidence is not None:
        lines.append(f'?a iokg:confidenceWords "{confidence}" .')
    if likelihood is not None:
        lines.append(f"?a iokg:likelihood iokg:{likelihood} .")
    if original:
        lines.append("?a iokg:original true .")
    return "ASK {\n  " + "\n  ".join(lines) + "\n}"


def alias(entity: str, name: str, source: str) -> str:
    return f'ASK {{ ent:{entity} iokg:alias ?al . ?al iokg:name "{name}" ; iokg:usedBy src:{source} . }}'


def source_has(source: str, body: str) -> str:
    return f"ASK {{ src:{source} {body} }}"


def derives(child: str, parent: str) -> str:
    return f"ASK {{ src:{child} prov:wasDerivedFrom src:{parent} . }}"


R = {1: "cnn-2023-11-13", 2: "wired-2024-04-29", 3: "guardian-2024-04-05", 4: "nyt-2024-04-01",
     5: "voa-2024-04-08", 6: "guardian-2024-05-18", 7: "graphika-2021-02-spamouflage-breakout",
     8: "graphika-2019-09-cross-platform-spam", 9: "graphika-2020-04-return-of-the-dragon",
     10: "mandiant-2022-10-26-dragonbridge-midterms", 11: "guardian-2023-08-29", 13: "clemson-2022-places-youll-guo",
     14: "axios-2022-06-03", 15: "wapo-2020-08-12", 16: "cbs-2022-10-26", 17: "ctv-2023-11-01",
     18: "scmp-2023-01-27", 19: "bnn-bloomberg-2024-05-08", 20: "mandiant-2021-09-07-dozens-of-platforms",
     21: "bnn-bloomberg-2022-06-28", 22: "graphika-2020-08-12-spamouflage-goes-to-america", 23: "cbc-2023-10-23",
     24: "therecord-2023-08-29", 25: "axios-2019-09-25"}
META = "meta-2023-q2-threat-report"
DOJ = "doj-2023-04-complaint"

FACTS = [
    # ------------------------------------------------------------ 000: DHS report
    ("dhs", "report is a government report dated 2023-04-27",
     source_has(DHS, 'iokg:sourceKind iokg:GovernmentReport ; dcterms:date "2023-04-27"^^xsd:date .')),
    ("dhs", "report's SHA-256, size, page count and U//FOUO marking",
     source_has(DHS, 'iokg:sha256 "f6c33e36724096457ef3f000f458f5b50278da1c421dbed5b85d0567944a345e" ; '
                'iokg:fileSizeBytes 1288068 ; iokg:pageCount 7 ; iokg:handlingMarking "U//FOUO" .')),
    ("dhs", "SPICYPANDA very likely directed by CICC",
     said(DHS, "spicypanda", "attributedTo", "cicc", confidence="very likely", likelihood="VeryLikely")),
    ("dhs", "CICC is also called CICC", alias("cicc", "CICC", DHS)),
    ("dhs", "SPICYPANDA accounts partly part of DRAGONBRIDGE", said(DHS, "spicypanda", "overlapsWith", "spamouflage")),
    ("dhs", "SPICYPANDA is on Twitter", said(DHS, "spicypanda", "operatesOn", "twitter")),
    ("dhs", "SPICYPANDA active from at least January 2021",
     said(DHS, "spicypanda", "activeSince", value="2021-01", qualifier="at least")),
    ("dhs", "SPICYPANDA denigrates the United States", said(DHS, "spicypanda", "promotes", "anti-us")),
    ("dhs", "CICC is controlled by the municipal government",
     said(DHS, "cicc", "subOrganizationOf", "chongqing-municipal-government")),
    ("dhs", "DRAGONBRIDGE is a name of the network", alias("spamouflage", "DRAGONBRIDGE", DHS)),
    ("dhs", "DRAGONBRIDGE also known as SPAMOUFLAGE DRAGON", alias("spamouflage", "Spamouflage Dragon", DHS)),
    ("dhs", "DRAGONBRIDGE not previously attributed", said(DHS, "spamouflage", "attributedTo", "prc-government",
                                                           stance="Inconclusive")),
    ("dhs", "first observed in 2019", said(DHS, "spamouflage", "firstObserved", value="2019")),
    ("dhs", "first observed on Facebook", said(DHS, "spamouflage", "operatesOn", "facebook")),
    ("dhs", "first observed on YouTube", said(DHS, "spamouflage", "operatesOn", "youtube")),
    ("dhs", "posts in seven languages", said(DHS, "spamouflage", "languageCount", value="7")),
    ("dhs", "on 20 platforms", said(DHS, "spamouflage", "platformCount", value="20")),
    ("dhs", "on over 40 other websites", said(DHS, "spamouflage", "websiteCount", value="40", qualifier="more than")),
    ("dhs", "at least 100,000 accounts on one platform",
     said(DHS, "spamouflage", "accountCount", value="100000", qualifier="at least")),
    ("dhs", "criticized Hong Kong protests", said(DHS, "spamouflage", "promotes", "anti-hong-kong-protests")),
    ("dhs", "posts about the US withdrawal from Afghanistan", said(DHS, "spamouflage", "promotes", "us-afghanistan-withdrawal")),
    ("dhs", "posts about the 2022 Beijing Olympics", said(DHS, "spamouflage", "promotes", "beijing-olympics-2022")),
    ("dhs", "posts about the 2022 US midterm election", said(DHS, "spamouflage", "targets", "us-midterms-2022")),
    ("dhs", "content aligned with Beijing's interests", said(DHS, "spamouflage", "promotes", "pro-beijing")),

    # ------------------------------------------------------------ 001: encyclopedia
    ("wiki", "encyclopedia derives from its 25 references",
     "ASK { SELECT (COUNT(?r) AS ?n) WHERE { src:%s prov:wasDerivedFrom ?r . ?r iokg:citedAs ?loc . } "
     "HAVING (COUNT(?r) = 25) }" % WIKI),
    ("wiki", "encyclopedia revision dated only 2024", source_has(WIKI, 'dcterms:date "2024"^^xsd:gYear .')),
    ("wiki", "reference 1 is CNN's piece of 13 November 2023 by three authors",
     source_has(R[1], 'iokg:citedAs "reference 1" ; dcterms:publisher "CNN" ; dcterms:date "2023-11-13"^^xsd:date ; '
                'dcterms:creator "Donie O\'Sullivan", "Curt Devine", "Allison Gordon" .')),
    ("wiki", "reference 7 is Graphika's Spamouflage Breakout, February 2021",
     source_has(R[7], 'dcterms:title "Spamouflage Breakout: Chinese Spam Network Finally Starts to Gain Some Traction" ; '
                'dcterms:date "2021-02"^^xsd:gYearMonth .')),
    ("wiki", "reference 11 (The Guardian) relays Meta's report", derives(R[11], META)),
    ("wiki", "Storm 1376 is a name of the network", alias("spamouflage", "Storm 1376", WIKI)),
    ("wiki", "Dragonbridge is Mandiant's name", alias("spamouflage", "DRAGONBRIDGE", R[10])),
    ("wiki", "Graphika named it Spamouflage Dragon", alias("spamouflage", "Spamouflage Dragon", R[8])),
    ("wiki", "widely believed the Chinese government is behind it",
     said(WIKI, "spamouflage", "attributedTo", "prc-government", confidence="widely believed",
          cites=[R[1], R[4], R[5], R[3], R[14], R[23]])),
    ("wiki", "harasses dissidents and journalists", said(WIKI, "spamouflage", "usesTechnique", "T0048", cites=[R[1]])),
    ("wiki", "uses generative AI", said(WIKI, "spamouflage", "usesTechnique", "T0087.001", cites=[R[6]])),
    ("wiki", "named for spam camouflage", said(WIKI, "spamouflage", "usesTechnique", "T0049.004", cites=[R[8]])),
    ("wiki", "first targeted Guo Wengui in 2018", said(WIKI, "spamouflage", "targets", "guo-wengui", cites=[R[8]])),
    ("wiki", "active since 2018", said(WIKI, "spamouflage", "activeSince", value="2018", cites=[R[8]])),
    ("wiki", "Graphika 2019: not a state-backed operation",
     said(R[8], "spamouflage", "attributedTo", "prc-government", stance="Disputes")),
    ("wiki", "2019 takedowns followed Graphika's report", said(WIKI, "graphika-takedowns-2019", "concerns", "spamouflage",
                                                                cites=[R[9]])),
    ("wiki", "2020: praised China's COVID-19 response",
     said(WIKI, "spamouflage", "promotes", "praise-china-covid-response", cites=[R[9]])),
    ("wiki", "fictional personas", said(WIKI, "spamouflage", "usesTechnique", "T0143.002", cites=[R[7]])),
    ("wiki", "stolen accounts", said(WIKI, "spamouflage", "usesTechnique", "T0150.005", cites=[R[7]])),
    ("wiki", "amplified by Zhao Lijian", said(WIKI, "spamouflage", "amplifiedBy", "zhao-lijian", cites=[R[7]])),
    ("wiki", "amplified by Li Baorong", said(WIKI, "spamouflage", "amplifiedBy", "li-baorong", cites=[R[7]])),
    ("wiki", "Mandiant: targeted 2022 midterms",
     said(WIKI, "spamouflage", "targets", "us-midterms-2022", cites=[R[10], R[16]])),
    ("wiki", "a video discouraged voting", said(WIKI, "spamouflage", "promotes", "discourage-voting", cites=[R[10]])),
    ("wiki", "Mandiant is Google's", said(WIKI, "mandiant", "subOrganizationOf", "google", cites=[R[10]])),
    ("wiki", "DOJ indictment in April 2023", said(WIKI, "doj-2023-04-charges", "occurredOn", value="2023-04")),
    ("wiki", "34 MPS officers indicted", said(WIKI, "doj-2023-04-charges", "chargedCount", value="34", cites=[R[1], R[4]])),
    ("wiki", "Meta and researchers link the charges to Spamouflage",
     said(WIKI, "doj-2023-04-charges", "concerns", "spamouflage", cites=[R[1], R[4]])),
    ("wiki", "Meta took down nearly 9000 accounts and pages",
     said(WIKI, "meta-takedown-2023-q2", "removedAccountCount", value="9000", qualifier="nearly", cites=[R[11]])),
    ("wiki", "Meta's takedown announced August 2023",
     said(WIKI, "meta-takedown-2023-q2", "occurredOn", value="2023-08", cites=[R[11]])),
    ("wiki", "active on TikTok", said(WIKI, "spamouflage", "operatesOn", "tiktok", cites=[R[11]])),
    ("wiki", "fake research paper", said(WIKI, "spamouflage", "usesTechnique", "T0085.007", cites=[R[11]])),
    ("wiki", "blames the US for COVID-19", said(WIKI, "spamouflage", "promotes", "us-blamed-for-covid", cites=[R[11]])),
    ("wiki", "false American personas (ISD)", said(WIKI, "spamouflage", "usesTechnique", "T0097.101", cites=[R[5]])),
    ("wiki", "VOA relays ISD", derives(R[5], "isd-2024-04-research")),
    ("wiki", "MAGAflage is part of Spamouflage", said(WIKI, "magaflage", "partOf", "spamouflage", cites=[R[5]])),
    ("wiki", "MAGAflage on Twitter, found 2024", said(WIKI, "magaflage", "firstObserved", value="2024", cites=[R[5]])),
    ("wiki", "retweeted by Alex Jones", said(WIKI, "spamouflage", "amplifiedBy", "alex-jones", cites=[R[5]])),
    ("wiki", "political cartoons attacking Li-Meng Yan",
     said(WIKI, "spamouflage", "targets", "li-meng-yan", cites=[R[13]])),
    ("wiki", "attacks on Steve Bannon", said(WIKI, "spamouflage", "targets", "steve-bannon", cites=[R[13]])),
    ("wiki", "harassment of journalists of Chinese descent (ASPI)",
     said(WIKI, "spamouflage", "targets", "journalists-chinese-descent", cites=[R[14]])),
    ("wiki", "Axios relays ASPI's June 2022 report", derives(R[14], "aspi-2022-06-harassment-report")),
    ("wiki", "criticized Trump before 2020", said(WIKI, "spamouflage", "targets", "donald-trump", cites=[R[15]])),
    ("wiki", "criticized Pompeo", said(WIKI, "spamouflage", "targets", "mike-pompeo", cites=[R[7]])),
    ("wiki", "China's rise and America's fall", said(WIKI, "spamouflage", "promotes", "china-rise-america-fall", cites=[R[7]])),
    ("wiki", "deepfake of Liu Xin", said(WIKI, "spamouflage", "targets", "liu-xin", cites=[R[17]])),
    ("wiki", "allegations against Trudeau", said(WIKI, "spamouflage", "targets", "justin-trudeau", cites=[R[17]])),
    ("wiki", "attacked Lai Ching-te", said(WIKI, "spamouflage", "targets", "lai-ching-te", cites=[R[3], R[6]])),
    ("wiki", "2024 Taiwan election", said(WIKI, "spamouflage", "targets", "taiwan-election-2024", cites=[R[3]])),
    ("wiki", "fake audio clip of Terry Gou", said(WIKI, "spamouflage", "usesTechnique", "T0088", cites=[R[3]])),
    ("wiki", "US as threat to world peace", said(WIKI, "spamouflage", "promotes", "us-threat-to-world-peace", cites=[R[19]])),
    ("wiki", "criticism of US foreign policy", said(WIKI, "spamouflage", "promotes", "criticism-us-foreign-policy",
                                                     cites=[R[18]])),
    ("wiki", "called for protests (Mandiant)", said(WIKI, "spamouflage", "usesTechnique", "T0126", cites=[R[20], R[21]])),
    ("wiki", "manipulated images of protests", said(WIKI, "spamouflage", "usesTechnique", "T0086.003", cites=[R[20]])),
    ("wiki", "flooding search results", said(WIKI, "spamouflage", "usesTechnique", "T0049", cites=["clemson-2022-places-youll-guo"])),
    ("wiki", "linked to the MPS's 912 Special Project Working Group",
     said(WIKI, "spamouflage", "attributedTo", "mps-912-group", cites=[R[2]])),
    ("wiki", "912 group is part of the MPS", said(WIKI, "mps-912-group", "subOrganizationOf", "mps", cites=[R[2]])),
    ("wiki", "Global Affairs Canada linked it to China",
     said("global-affairs-canada-2023-statement", "spamouflage", "attributedTo", "prc-government")),
    ("wiki", "Elise Thomas: characteristic of a government campaign",
     said(R[2], "spamouflage", "attributedTo", "prc-government",
          confidence="characteristic of a government campaign")),
    ("wiki", "Elise Thomas is at ISD", said(WIKI, "elise-thomas", "memberOf", "isd", cites=[R[2]])),
    ("wiki", "Jack Stubbs: limited confidence in the indicted group's involvement",
     said(R[24], "spamouflage", "attributedTo", "mps-912-group", confidence="limited confidence")),
    ("wiki", "Nimmo 2019: amateurs or a private firm",
     said(R[25], "spamouflage", "attributedTo", "amateurs-or-private-firm", confidence="speculated")),
    ("wiki", "Graphika 2020 could not determine the relationship",
     said(R[15], "spamouflage", "attributedTo", "prc-government", stance="Inconclusive")),
    ("wiki", "Liu Pengyu denied China's involvement",
     said("liu-pengyu-2023-statement", "spamouflage", "attributedTo", "prc-government", stance="Denies")),
    ("wiki", "NYT: linked to an arm of the MPS", said(R[4], "spamouflage", "attributedTo", "mps", confidence="linked to")),

    # ------------------------------------------------------------ 002: Rolling Stone
    ("rollingstone", "dated August 2023, derives from Meta's report and the DOJ complaint",
     source_has(RS, f'dcterms:date "2023-08"^^xsd:gYearMonth ; prov:wasDerivedFrom src:{META}, src:{DOJ} .')),
    ("rollingstone", "Meta: China is behind it", said(RS, "spamouflage", "attributedTo", "prc-government", cites=[META])),
    ("rollingstone", "Meta believes a law enforcement agency is behind it",
     said(RS, "spamouflage", "attributedTo", "prc-law-enforcement", cites=[META], confidence="believes")),
    ("rollingstone", "overlap points to the MPS (Rolling Stone's inference)",
     said(RS, "spamouflage", "attributedTo", "mps", original=True)),
    ("rollingstone", "Meta spokesperson: complaint's activity is part of Spamouflage",
     said("meta-spokesperson-2023-08-statement", "doj-2023-04-charges", "concerns", "spamouflage")),
    ("rollingstone", "spokesperson statement is an official statement",
     source_has("meta-spokesperson-2023-08-statement", "iokg:sourceKind iokg:OfficialStatement .")),
    ("rollingstone", "on Facebook and Instagram", said(RS, "spamouflage", "operatesOn", "instagram", cites=[META])),
    ("rollingstone", "COVID-19 origins disinformation", said(RS, "spamouflage", "promotes", "covid-19-origins", cites=[META])),
    ("rollingstone", "34 officers indicted", said(RS, "doj-2023-04-charges", "chargedCount", value="34", cites=[DOJ])),
    ("rollingstone", "operatives in the 912 group of the MPS", said(RS, "mps-912-group", "subOrganizationOf", "mps", cites=[DOJ])),
    ("rollingstone", "intimidation of Chinese exiles", said(RS, "doj-2023-04-charges", "concerns", "chinese-dissidents-abroad")),
    ("rollingstone", "Google and Mandiant: urged not to vote",
     said(RS, "spamouflage", "promotes", "discourage-voting", cites=["google-mandiant-2022-midterms-research"])),
    ("rollingstone", "2022 midterms", said(RS, "spamouflage", "targets", "us-midterms-2022", cites=[META])),
    ("rollingstone", "search engine optimized headlines", said(RS, "spamouflage", "usesTechnique", "T0046", cites=[META])),
    ("rollingstone", "Ben Nimmo is Meta's threat intelligence lead", said(RS, "ben-nimmo", "memberOf", "meta", original=True)),
    ("rollingstone", "first appeared 2019", said(RS, "spamouflage", "firstObserved", value="2019", cites=[META])),

    # ------------------------------------------------------------ 003: outlet summarizing CNN
    ("cnn-summary", "outlet relays CNN", derives(OUT, R[1])),
    ("cnn-summary", "Spamouflage and Dragonbridge", alias("spamouflage", "DRAGONBRIDGE", OUT)),
    ("cnn-summary", "Chinese government set up the operation",
     said(OUT, "spamouflage", "attributedTo", "prc-government", cites=[R[1]])),
    ("cnn-summary", "ties to Chinese police (prosecutors and Meta)",
     said(OUT, "spamouflage", "attributedTo", "prc-law-enforcement", cites=[DOJ, META])),
    ("cnn-summary", "Meta removed nearly 8,000 accounts",
     said(OUT, "meta-takedown-2023-q2", "removedAccountCount", value="8000", qualifier="nearly", cites=[META])),
    ("cnn-summary", "Google closed more than 100,000 accounts",
     said(OUT, "google-account-closures", "removedAccountCount", value="100000", qualifier="more than",
          cites=["google-2023-statement-to-cnn"])),
    ("cnn-summary", "slurs against victims", said(OUT, "spamouflage", "usesTechnique", "T0048.002")),
    ("cnn-summary", "posed as Texas residents (Mandiant)",
     said(OUT, "spamouflage", "usesTechnique", "T0097.101", cites=["mandiant-2022-rare-earth-report"])),
    ("cnn-summary", "Pelosi riddled with scandal", said(OUT, "spamouflage", "targets", "nancy-pelosi")),
    ("cnn-summary", "Ben Nimmo at Meta", said(OUT, "ben-nimmo", "memberOf", "meta")),
    ("cnn-summary", "Liu Pengyu speaks for the embassy in Washington",
     said(OUT, "liu-pengyu", "memberOf", "prc-embassy-washington")),
    ("cnn-summary", "the denial is an official statement relayed by CNN",
     f"ASK {{ src:{R[1]} prov:wasDerivedFrom src:liu-pengyu-2023-statement . "
     "src:liu-pengyu-2023-statement iokg:sourceKind iokg:OfficialStatement . }"),

    # ------------------------------------------------------------ 004: ASPI Strategist
    ("aspi", "ASPI article by Jake Wallis, 2020-06-12, no mirror URL",
     source_has(ASPI, 'dcterms:creator "Jake Wallis" ; dcterms:date "2020-06-12"^^xsd:date . '
                'FILTER NOT EXISTS { src:%s iokg:url ?u }' % ASPI)),
    ("aspi", "names Tweeting and Retweeting through the Great Firewall",
     f"ASK {{ src:{ASPI} prov:wasDerivedFrom ?a, ?b . ?a dcterms:title \"Tweeting through the Great Firewall\" . "
     "?b dcterms:title \"Retweeting through the Great Firewall: a persistent and undeterred threat actor\" . }"),
    ("aspi", "almost 24,000 accounts taken down",
     said(ASPI, "twitter-takedown-2020", "removedAccountCount", value="24000", qualifier="nearly",
          cites=["twitter-2020-takedown-data"])),
    ("aspi", "350,000 tweets", said(ASPI, "twitter-takedown-2020", "removedPostCount", value="350000", qualifier="nearly")),
    ("aspi", "Twitter attributes it to the PRC",
     said("twitter-2020-takedown-data", "aspi-great-firewall-network", "attributedTo", "prc-government")),
    ("aspi", "posting hours match Beijing working hours",
     said(ASPI, "aspi-great-firewall-network", "attributedTo", "prc-government", original=True)),
    ("aspi", "targets Hong Kong and the diaspora", said(ASPI, "aspi-great-firewall-network", "targets", "chinese-diaspora")),
    ("aspi", "likely exploits the market for stolen accounts",
     said(ASPI, "aspi-great-firewall-network", "usesTechnique", "T0150.005", confidence="likely", likelihood="Likely")),
    ("aspi", "US protests folded into pro-CCP narratives",
     said(ASPI, "aspi-great-firewall-network", "promotes", "us-protests-2020")),
    ("aspi", "Zhao Lijian and Hua Chunying speak for the MFA", said(ASPI, "hua-chunying", "memberOf", "prc-mfa")),
    ("aspi", "Lijian Zhao is Zhao Lijian", alias("zhao-lijian", "Lijian Zhao", ASPI)),
]


def test_at_least_80_facts():
    assert len(FACTS) >= 80
    assert {doc for doc, _, _ in FACTS} == {"dhs", "wiki", "rollingstone", "cnn-summary", "aspi"}


@pytest.mark.parametrize("doc,fact,query", FACTS, ids=[f"{d}: {f}" for d, f, _ in FACTS])
def test_fact_is_in_the_graph(data_store, doc, fact, query):
    assert run_query(data_store, PREFIXES + query), f"{doc}: {fact} — not found by\n{query}"


def test_a_fact_not_in_the_documents_fails(data_store):
    """The helpers can fail: the same shape of query on a fact no document states is false."""
    assert not run_query(data_store, PREFIXES + said(DHS, "spicypanda", "attributedTo", "mps"))
    assert not run_query(data_store, PREFIXES + said(WIKI, "spamouflage", "attributedTo", "prc-government",
                                                     stance="Disputes"))
    # doc 004 never names Spamouflage: nothing links its network to it
    assert not run_query(data_store, PREFIXES + "ASK { ?c iokg:subject ent:aspi-great-firewall-network ; "
                                                "iokg:object ent:spamouflage }")
