"""What issue 8 asks of the curated data, as tables: the facts the five reference documents give
(each with the document it is read in and its asserting party), and the judgement calls that must
carry a note. `test_coverage.py` checks each row against the built store.

A fact names its claim (subject, predicate, and object or value), or, for a characterization,
the key words of its excerpt; `party` is the asserting party (a document's own voice is its
publisher's); `words` must occur in the excerpt (quotes and white space normalised).
"""

from __future__ import annotations

from dataclasses import dataclass

DHS = "dhs-2023-spicypanda"
WIKI = "wikipedia-spamouflage-2024"
RS = "rollingstone-2023-08-chinese-intel-officers"
SUMMARY = "outlet-2023-cnn-investigation-summary"
ASPI = "aspi-strategist-2020-06-12-twitter-data"

#: who speaks when each document speaks in its own voice (its publisher)
OWN = {DHS: "dhs-ia", WIKI: "wikipedia", RS: "rolling-stone", SUMMARY: "unidentified-outlet", ASPI: "aspi"}


@dataclass(frozen=True)
class Fact:
    doc: str
    subject: str
    predicate: str
    party: str
    object: str | None = None
    value: str | None = None
    qualifier: str | None = None
    words: str | tuple[str, ...] = ()
    stance: str = "Supports"
    speaker: str | None = None
    via: str | None = None  # the first carrier, where the party speaks through a record of its own


def said(doc, subject, predicate, obj=None, *, party=None, **kw) -> Fact:
    return Fact(doc, subject, predicate, party or OWN[doc], object=obj, **kw)


def judged(doc, subject, words, *, party=None, **kw) -> Fact:
    """A characterization, found by the key words of its excerpt."""
    return Fact(doc, subject, "characterizedAs", party or OWN[doc], words=words, **kw)


S = "spamouflage"
FACTS: dict[str, Fact] = {
    # ------------------------------------------------------------ 000: DHS
    "dhs: SPICYPANDA published sophisticated content": judged(DHS, "spicypanda", "has published sophisticated content"),
    "dhs: SPICYPANDA failed to grow a follower base": judged(DHS, "spicypanda", "failed to grow a follower base"),
    "dhs: SPICYPANDA is English-language": judged(DHS, "spicypanda", "English-language"),
    "dhs: the attribution is a framework for other PRC clusters":
        judged(DHS, "spicypanda", "a framework for identifying and attributing other PRC clusters"),
    "dhs: tracked for three years by private sector researchers":
        judged(DHS, S, "tracked for the past three years by private sector researchers"),
    "dhs: many clusters of co-managed accounts": judged(DHS, S, "many clusters of co-managed accounts that seemingly operate independently"),
    "dhs: rarely engages with authentic users": judged(DHS, S, "rarely engages with authentic social media users"),
    "dhs: some limited success in reaching individuals": judged(DHS, S, "some limited success in reaching individuals"),
    "dhs: assumes similar account numbers on other platforms":
        judged(DHS, S, "we assume it has employed similar numbers of accounts on other major platforms"),

    # ------------------------------------------------------------ 002: Rolling Stone
    "rs: researchers unable to prove a link until now":
        said(RS, S, "attributedTo", "prc-government", party="unnamed-researchers-rolling-stone",
             words="unable to publicly prove a link until now"),
    "rs: the charges of conspiracy to threaten and to harass":
        said(RS, "doj-2023-04-charges", "charges", "mps-officers-charged",
             words="conspiracy to transmit interstate threats and conspiracy to commit interstate harassment"),
    "rs: the complaint's host of accounts under false names":
        said(RS, "mps-complaint-campaign", "usesTechnique", "T0143.002", party="us-doj",
             words="a host of accounts under false names", via="doj-2023-04-complaint"),
    "rs: has not meddled as aggressively as the IRA":
        judged(RS, S, "meddled as aggressively in U.S. elections as other actors, like Russia’s Internet Research Agency"),
    "rs: the midterm video (Google and Mandiant)":
        said(RS, S, "usesTechnique", "T0087", party="google", words="In one video posted by the trolls"),
    "rs: Meta's geographically dispersed, centrally provisioned operators":
        said(RS, S, "attributedTo", "operators-across-china", party="meta",
             words=("geographically dispersed operators across China", "centrally provisioned")),
    "rs: Nimmo's largest known covert influence operation":
        judged(RS, S, "it is the largest known covert influence operation", party="meta", speaker="ben-nimmo"),
    "rs: Nimmo's volume over audience building":
        judged(RS, S, "putting volume over audience building", party="meta", speaker="ben-nimmo"),
    "rs: Nimmo's who's kidding whom":
        said(RS, S, "targets", "foreign-audiences", party="meta", speaker="ben-nimmo", stance="Inconclusive",
             words="who's kidding whom"),
    "rs: dozens of personnel and thousands of pieces of content":
        judged(RS, S, "dozens of personnel behind it, and thousands of pieces of content"),
    "rs: English and Mandarin used interchangeably": judged(RS, S, "use English and Mandarin interchangeably"),

    # ------------------------------------------------------------ 003: the CNN summary
    "summary: the State Department's multibillion-dollar effort":
        said(SUMMARY, S, "partOf", "prc-information-effort", party="us-state-department", words="multibillion-dollar effort"),
    "summary: the effort shapes the world's information environment":
        judged(SUMMARY, "prc-information-effort", "to shape the world's information environment", party="us-state-department"),
    "summary: hundreds of thousands of accounts":
        said(SUMMARY, S, "accountCount", value="100000", qualifier="at least", party="cnn",
             words="hundreds of thousands of accounts"),
    "summary: spread across all major platforms": judged(SUMMARY, S, "spread across all major social media platforms", party="cnn"),
    "summary: X blocked hundreds of thousands of accounts":
        said(SUMMARY, "x-state-backed-account-blocks", "removedAccountCount", value="100000", qualifier="at least",
             party="twitter-company", words="blocking hundreds of thousands"),
    "summary: the George Floyd anniversary plan (DOJ)":
        said(SUMMARY, "doj-2023-04-charges", "concerns", "george-floyd-anniversary-plan", party="us-doj",
             words="second anniversary of George Floyd", via="doj-2023-04-complaint"),
    "summary: goal of constant fear and paranoia": judged(SUMMARY, S, "constant fear and paranoia", party="cnn"),
    "summary: Nimmo's evolving in tactics and themes":
        judged(SUMMARY, S, "evolving in tactics and themes", party="meta", speaker="ben-nimmo"),

    # ------------------------------------------------------------ 001: the encyclopedia
    "wiki: mostly dormant after the 2019 takedowns (Graphika 2020)":
        judged(WIKI, S, "mostly dormant for a period of time", party="graphika",
               via="graphika-2020-04-return-of-the-dragon"),
    "wiki: re-emerged in early 2020 (Graphika 2020)":
        said(WIKI, "spamouflage-reemergence-2020", "occurredOn", value="2020", party="graphika", words="In early 2020"),
    "wiki: ISD could not rule out Biden personas":
        said(WIKI, "spamouflage-biden-personas", "partOf", S, party="isd", stance="Inconclusive",
             words="could not be ruled out", via="isd-2024-04-research"),
    "wiki: Russian campaigns used the persona strategy first (ISD)":
        said(WIKI, "russian-disinformation-campaigns", "usesTechnique", "T0097.101", party="isd",
             words="previously used by Russian disinformation campaigns"),
    "wiki: April 2021 calls for protests in New York (Mandiant)":
        said(WIKI, S, "callsForProtestsAgainst", "guo-wengui", party="mandiant",
             words="in April 2021, Spamouflage accounts called for protests in New York City"),
    "wiki: no evidence protesters were mobilized (Mandiant)":
        judged(WIKI, S, "no evidence that protesters were successfully mobilized", party="mandiant"),
    "wiki: ineffective at getting views from real users (Wired)":
        judged(WIKI, S, "largely been ineffective at getting views and engagement from real users", party="wired"),
    "wiki: operators unfamiliar with the global information environment (Wired)":
        judged(WIKI, S, "lack of familiarity with the global information environment", party="wired"),
    "wiki: AI will not necessarily make it more effective (Wired)":
        judged(WIKI, S, "will not necessarily make the operation more effective", party="wired"),
    "wiki: may gain more traction (Wired)": judged(WIKI, S, "may start to gain more traction", party="wired"),
    "wiki: Graphika's clumsy voiceovers (2020)": judged(WIKI, S, '"clumsy" text-to-speech voiceovers', party="graphika"),
    "wiki: poor quality, few authentic views (Washington Post)":
        judged(WIKI, S, "of poor quality and received few authentic views", party="washington-post"),
    "wiki: little genuine engagement (Graphika 2019)":
        judged(WIKI, S, "did not receive much genuine engagement or views from real users", party="graphika"),
    "wiki: some success with real users (Graphika 2021)":
        judged(WIKI, S, "begun to see some success in receiving views from real users", party="graphika"),
    "wiki: some organic engagement (VOA)": judged(WIKI, S, "some success in receiving organic engagement", party="voa"),
    "wiki: Trump personas received real engagement (ISD)":
        judged(WIKI, "magaflage", "received engagement from real users", party="isd"),
    "wiki: engagement from real American users (VOA)":
        judged(WIKI, "magaflage", "received engagement from real American users", party="voa"),
    "wiki: increasingly uses generative AI (Guardian)":
        judged(WIKI, S, "increasingly utilized generative artificial intelligence", party="the-guardian"),
    "wiki: world's largest known online disinformation operation (CNN)":
        judged(WIKI, S, "world's largest known online disinformation operation", party="cnn"),
    "wiki: content amplified or repeated by other accounts (NYT)":
        judged(WIKI, S, "sometimes amplified or repeated content from", party="nyt"),
    "wiki: digital transnational repression (ASPI)": judged(WIKI, S, "digital transnational repression", party="aspi"),
    "wiki: able to disrupt discussions (Clemson)": judged(WIKI, S, "able to disrupt discussions", party="clemson-university"),
    "wiki: fake audio clip of Terry Gou": said(WIKI, S, "impersonates", "terry-gou", party="the-guardian",
                                               words="fake audio clip of Terry Gou"),
    "wiki: deepfake of Liu Xin": said(WIKI, S, "impersonates", "liu-xin", party="ctv-news", words="depicted via deepfake"),
    "wiki: Twitter attributes it to the Chinese government":
        said(WIKI, S, "attributedTo", "prc-government", party="twitter-company",
             words="attributed to the Chinese government by Twitter and Meta"),
    "wiki: Meta attributes it to the Chinese government":
        said(WIKI, S, "attributedTo", "prc-government", party="meta",
             words="attributed to the Chinese government by Twitter and Meta"),
    "wiki: Meta's office-hours timing": said(WIKI, S, "attributedTo", "prc-government", party="meta",
                                             words="office hours in China", via="meta-2023-q2-threat-report"),
    "wiki: the DOJ did not name Spamouflage":
        said(WIKI, "doj-2023-04-charges", "concerns", S, party="us-doj", stance="Inconclusive",
             words="did not explicitly refer to Spamouflage by name"),
    "wiki: rather than partisan election interference (Graphika 2021)":
        said(WIKI, S, "targets", "us-election-2020", party="graphika", stance="Disputes",
             words="rather than partisan election interference"),

    # ------------------------------------------------------------ 004: ASPI Strategist
    "aspi: posting in Beijing office hours though Twitter is blocked":
        said(ASPI, "aspi-great-firewall-network", "attributedTo", "prc-government",
             words=("between 8 am and 5 pm Monday to Friday", "Twitter is blocked in mainland China")),
    "aspi: regimented posting suggests inauthenticity and coordination":
        judged(ASPI, "aspi-great-firewall-network", "regimented posting pattern clearly suggests inauthenticity and coordination"),
    "aspi: ongoing, refined tactics and focus (ASPI 2020 report)":
        judged(ASPI, "aspi-great-firewall-network", "this campaign is ongoing, has refined its tactics and focus",
               via="aspi-2020-retweeting-through-the-great-firewall"),
    "aspi: the Taiwan political-warfare campaign":
        said(ASPI, "prc-political-warfare-taiwan", "targets", "taiwan-country", words="political warfare against Taiwan"),
    "aspi: learning from Russian disinformation campaigns":
        judged(ASPI, "prc-influence-operations-2020", "learning from the strategies and effects of Russian disinformation campaigns"),
    "aspi: Zhao and Hua promote globalresearch.ca":
        said(ASPI, "mfa-spokespeople-fringe-site-tweets", "concerns", "globalresearch-ca", words="globalresearch.ca"),
    "aspi: Zhao and Hua promote thegrayzone.com":
        said(ASPI, "mfa-spokespeople-fringe-site-tweets", "concerns", "thegrayzone-com", words="thegrayzone.com"),
    "aspi: Zhao tweets from fringe sites": said(ASPI, "mfa-spokespeople-fringe-site-tweets", "conductedBy", "zhao-lijian"),
    "aspi: Hua tweets from fringe sites": said(ASPI, "mfa-spokespeople-fringe-site-tweets", "conductedBy", "hua-chunying"),
    "aspi: the false Italy video": said(ASPI, "italy-chanting-video-tweets", "conductedBy", "zhao-lijian",
                                        words="falsely claiming to depict Italians chanting support for China"),
    **{f"aspi: undeclared political ads by {outlet}":
       said(ASPI, "state-media-undeclared-facebook-ads", "conductedBy", outlet, words="undeclared political ads")
       for outlet in ("xinhua", "global-times", "cgtn", "cctv")},
    "aspi: the repurposed post of a Swedish student":
        said(ASPI, "swedish-student-post-repurposing", "concerns", "swedish-student-ningbo",
             words="Swedish student living in the city of Ningbo"),
    "aspi: ASPI's report, covert activity amplifying state media":
        said(ASPI, "covert-amplification-layer", "amplifies", "chinese-state-media",
             words="a layer of covert influence activity", via="aspi-2020-retweeting-through-the-great-firewall"),
    "aspi: the Global Engagement Center's finding":
        said(ASPI, "covert-amplification-layer", "amplifies", "chinese-diplomats", party="global-engagement-center",
             words="amplify PRC diplomats and state media", via="gec-2020-covert-amplification-finding"),
    "aspi: the Influence Tracker's unusual retweet reach":
        said(ASPI, "covert-amplification-layer", "amplifies", "chinese-diplomats",
             words="unusual patterns in the retweet reach", via="aspi-influence-tracker"),
    "aspi: the Digital Forensic Center's Serbia network":
        said(ASPI, "dfc-serbia-automated-network", "pushesNarrative", "praise-prc-medical-aid-serbia",
             party="digital-forensic-center", words="medical aid to Serbia"),
    "aspi: the DFC network is rapidly growing":
        judged(ASPI, "dfc-serbia-automated-network", "rapidly growing network", party="digital-forensic-center"),
    "aspi: the Italy bot study": said(ASPI, "italy-pro-china-bot-activity", "pushesNarrative", "pro-china",
                                      party="italy-study-authors", words="bot-driven inauthentic activity"),
    "aspi: the Italian embassy's account boosted":
        said(ASPI, "italy-pro-china-bot-activity", "amplifies", "prc-embassy-italy", party="italy-study-authors",
             words="artificial boosting of the Twitter account of the PRC’s Italian embassy"),
    "aspi: ProPublica's more than 10,000 accounts":
        said(ASPI, "propublica-twitter-network", "accountCount", value="10000", qualifier="more than",
             party="propublica", words="more than 10,000 stolen and fake Twitter accounts"),
    "aspi: some pushback from Twitter": judged(ASPI, "covert-amplification-layer", "some pushback from Twitter on aspects of these assertions"),
    "aspi: the influence-for-hire caveat": judged(ASPI, "covert-amplification-layer", "influence-for-hire shadow economy"),
    "aspi: trolling spiked in geopolitical tension":
        judged(ASPI, "pro-china-anti-taiwan-trolling", "spiked during periods of geopolitical tension"),
    "aspi: the effort is ongoing and unlikely to relent":
        judged(ASPI, "prc-influence-operations-2020", "ongoing and is unlikely to relent"),
}


@dataclass(frozen=True)
class Decision:
    """A judgement call and the words its note must contain: on a source record, or on an assertion."""

    words: str
    source: str | None = None  # the note of this source record
    assertion: Fact | None = None  # or the note of this assertion


def on(fact: Fact, words: str) -> Decision:
    return Decision(words, assertion=fact)


DECISIONS: dict[str, Decision] = {
    "DHS does not attribute DRAGONBRIDGE as a whole": Decision("no attribution of the network is recorded from DHS", source=DHS),
    "DHS's 'not previously attributed' is no inconclusive stance": on(
        said(DHS, S, "characterizedAs", "not-previously-attributed"), 'the earlier "inconclusive" on the Chinese government is gone'),
    "DHS names no city government (no Chongqing government)": on(
        said(DHS, "spicypanda", "attributedTo", "cicc"), "DHS names no city government"),
    "'At least some of the accounts' is a quantity": on(
        said(DHS, "spicypanda", "overlapsWith", S), "is a quantity, not a confidence word"),
    "DHS's topic list does not say the midterms were targeted": on(
        said(DHS, S, "postsAbout", "us-midterms-2022"), "DHS is no origin of \"targets the 2022 midterms\""),
    "the CNN summary is dated by the year the document gives": Decision("it is NOT a publication date given by any document",
                                                                          source=SUMMARY),
    "the CNN summary's locators use one numbering": Decision("all locators now use this one numbering", source=SUMMARY),
    "Rolling Stone's paragraphs counted from the first after the headline": Decision(
        "so the last paragraph (\"It always comes back down ...\") is paragraph 16", source=RS),
    "the Texas plant report is not the mines report (summary)": on(
        said(SUMMARY, S, "callsForProtestsAgainst", "rare-earth-processing-plant-plans", party="mandiant"),
        "no document says the two are one"),
    "the mines report is not the Texas plant report (encyclopedia)": on(
        said(WIKI, S, "callsForProtestsAgainst", "proposed-rare-earth-mines-us-canada", party="mandiant"),
        "no document says they are one report"),
    "the takedowns after Graphika's 2019 report are not dated": on(
        said(WIKI, "graphika-takedowns-2019", "concerns", S, party="graphika"), "the former occurredOn 2019 is dropped"),
    "the accounts accused Li-Meng Yan of spreading rumors": on(
        said(WIKI, S, "postsAbout", "covid-19", party="mandiant"), "the encyclopedia does not say they did"),
    "'limited confidence' is the encyclopedia's wording of Stubbs": on(
        said(WIKI, S, "attributedTo", "mps-912-group", party="graphika"), "not a quotation of him or of The Record"),
    "'speculated' is the encyclopedia's word for Nimmo": on(
        said(WIKI, S, "attributedTo", "amateurs-or-private-firm", party="graphika"), "the encyclopedia's word for what Nimmo said"),
    "Axios 2019 states no evidence": on(
        said(WIKI, S, "attributedTo", "amateurs-or-private-firm", party="graphika"),
        "The earlier evidence kind `behavioural-pattern` is dropped"),
    "Thomas's 'characteristic of a government campaign' is a paraphrase": on(
        said(WIKI, S, "attributedTo", "prc-government", party="isd"), "the words are the encyclopedia's paraphrase"),
    "VOA, not ISD, is the party of 'widely believed'": on(
        said(WIKI, S, "attributedTo", "prc-government", party="voa"),
        "no document says ISD attributed the network to the Chinese government"),
    "Meta's office-hours timing is an assertion of its own": on(
        said(WIKI, S, "attributedTo", "prc-government", party="meta", via="meta-2023-q2-threat-report"), "in its own assertion"),
    "the DOJ's silence on the name is a qualifying assertion": on(
        said(WIKI, "doj-2023-04-charges", "concerns", S, party="us-doj", stance="Inconclusive"),
        "Decided: a qualifying assertion"),
    "Graphika 2021's 'rather than partisan election interference'": on(
        said(WIKI, S, "targets", "us-election-2020", party="graphika", stance="Disputes"), "Judgement call"),
    "the Hong Kong protests were attacked, not promoted": on(
        said(WIKI, S, "attacks", "hong-kong-protests", party="graphika"), 'formerly recorded as "promotes"; corrected'),
    "the rare earth plant was protested, not promoted": on(
        said(SUMMARY, S, "callsForProtestsAgainst", "rare-earth-processing-plant-plans", party="mandiant"),
        'Replaces the former "promotes rare-earth-mining"'),
    "the George Floyd protests were posted about, not promoted": on(
        said(WIKI, S, "postsAbout", "george-floyd-protests", party="washington-post"), "Was `promotes george-floyd-protests`"),
    "COVID-19 was posted about, not promoted": on(
        said(WIKI, S, "postsAbout", "covid-19", party="washington-post"), "Was `promotes covid-19`"),
    "'state-linked' is no confidence word (ASPI 2019)": on(
        said(ASPI, "aspi-great-firewall-network", "attributedTo", "prc-government", party="aspi",
             via="aspi-2019-09-tweeting-through-the-great-firewall"), "not a word of confidence"),
    "ASPI 2019 states no platform data": on(
        said(ASPI, "aspi-great-firewall-network", "attributedTo", "prc-government", party="aspi",
             via="aspi-2019-09-tweeting-through-the-great-firewall"), "platform-data was recorded before without basis"),
    "Twitter's dataset is never the source of ASPI's findings": Decision(
        "Twitter's dataset is never made the source of ASPI's findings", source=ASPI),
    "Twitter's pushback is recorded, but as no dispute of any one claim": on(
        judged(ASPI, "covert-amplification-layer", "pushback"), "Twitter is not recorded as disputing any one claim"),
    "the influence-for-hire caveat is no finding of outsourcing": on(
        judged(ASPI, "covert-amplification-layer", "influence-for-hire"), "It is a general caveat"),
}
