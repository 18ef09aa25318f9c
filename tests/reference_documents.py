"""The reference documents the curated data is read from (../shared/sources beside the checkout),
as text a reader sees, and the guards that hold the data to them; a dataset release shipped in
data/releases/ is its own reference: what is read in it is held to its files.

Each guard returns a list of problems (empty when the data keeps to the documents), so a test can
seed a violation and see it reported.
"""

from __future__ import annotations

import calendar
import html
import re
from pathlib import Path

from iokg.ingest.checks import normalise_text

ROOT = Path(__file__).resolve().parents[1]
SHARED_SOURCES = ROOT.parent / "shared" / "sources"

#: The source id of each reference document, and the file its copy is kept in.
DOCUMENTS = {
    "dhs-2023-spicypanda": "000_02aead86e42ac87d.txt",
    "wikipedia-spamouflage-2024": "001_c87de1aa6942a7f2.txt",
    "rollingstone-2023-08-chinese-intel-officers": "002_26d0efe7f74c4afa.txt",
    "outlet-2023-cnn-investigation-summary": "003_e4aa20fdf2cbd600.txt",
    "aspi-strategist-2020-06-12-twitter-data": "004_7171f408cb4b2dc7.txt",
}

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def reader_text(raw: str) -> str:
    """A capture as a reader sees it: JSON string escapes decoded, HTML tags dropped, entities unescaped."""
    text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)
    text = text.replace("\\/", "/").replace("\\n", "\n").replace('\\"', '"')
    text = re.sub(r"<[^>]*>", "", text)
    return html.unescape(text)


def load_documents(folder: Path = SHARED_SOURCES) -> dict[str, tuple[str, str]]:
    """Source id -> (normalised reader text, raw capture text)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"the reference documents are not at {folder}: the guards need ../shared/sources")
    out = {}
    for sid, name in DOCUMENTS.items():
        raw = (folder / name).read_text(encoding="utf-8")
        out[sid] = (normalise_text(reader_text(raw)), raw)
    return out


def load_releases(corpus, root: Path = ROOT) -> dict[str, dict[str, str]]:
    """Dataset id -> the text of each shipped file (by role) and of the folder's SOURCE.md (`source-note`)."""
    out = {}
    for loc in corpus.sources:
        s = loc.record
        if getattr(s, "kind", None) != "dataset" or s.release is None:
            continue
        folder = (root / loc.file).parent
        texts = {f.role: (folder / f.path).read_text(encoding="utf-8") for f in s.release.files}
        texts["source-note"] = (folder / "SOURCE.md").read_text(encoding="utf-8")
        out[s.id] = texts
    return out


def release_problems(corpus, releases) -> list[str]:
    """An assertion read in a release: its excerpt is a cell of the indicator file, and its figure is
    written in that excerpt (``7,704`` or ``7704``); a release's caveat is quoted in its SOURCE.md."""
    problems = []
    for loc, doc in corpus.assertions:
        if doc not in releases:
            continue
        a, text = loc.record, releases[doc]["indicators"]
        if not a.excerpt or a.excerpt not in text:
            problems.append(f"{loc.file}:{loc.line}: excerpt not found in the release file of {doc}: {a.excerpt!r}")
        elif isinstance(a.value, int) and not any(f in a.excerpt for f in (f"{a.value:,}", str(a.value))):
            problems.append(f"{loc.file}:{loc.line}: figure {a.value} is not in the released row {a.excerpt!r}")
    for loc in corpus.sources:
        s = loc.record
        if s.id in releases and s.release.caveat and \
                normalise_text(s.release.caveat) not in normalise_text(releases[s.id]["source-note"]):
            problems.append(f"{loc.file}:{loc.line}: caveat of {s.id} is not quoted in its SOURCE.md")
        if s.id in releases and s.release.credit and s.release.credit not in releases[s.id]["source-note"]:
            problems.append(f"{loc.file}:{loc.line}: credit line of {s.id} is not the one its SOURCE.md gives")
    return problems


def excerpt_problems(corpus, documents, releases: dict | None = None) -> list[str]:
    """Every excerpt occurs verbatim (white space, quotes and case normalised) in the document it is read in;
    one read in a dataset release is checked against the release's file (`release_problems`)."""
    releases = load_releases(corpus) if releases is None else releases
    problems = release_problems(corpus, releases)
    for loc, doc in corpus.assertions:
        a = loc.record
        if doc in releases:
            continue
        if doc not in documents:
            problems.append(f"{loc.file}:{loc.line}: assertion read in '{doc}', which is not a reference document")
            continue
        if a.excerpt and normalise_text(reader_text(a.excerpt)) not in documents[doc][0]:
            problems.append(f"{loc.file}:{loc.line}: excerpt not found in {doc}: {a.excerpt[:80]!r}")
    return problems


def confidence_problems(corpus) -> list[str]:
    """Confidence words marked as the asserter's own occur in the excerpt."""
    problems = []
    for loc, _ in corpus.assertions:
        c = loc.record.confidence
        if c is not None and c.whose == "asserter":
            if not loc.record.excerpt or normalise_text(c.words) not in normalise_text(loc.record.excerpt):
                problems.append(f"{loc.file}:{loc.line}: the asserter's own words {c.words!r} are not in the excerpt")
    return problems


_MONTHS = list(calendar.month_name)
_ABBR = list(calendar.month_abbr)


def renderings(date: str) -> list[str]:
    """The ways a document may write a date at its precision (normalised as `normalise_text` does)."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return [str(parts[0])]
    y, m = parts[0], parts[1]
    month, abbr = _MONTHS[m], _ABBR[m]
    if len(parts) == 2:
        return [normalise_text(x) for x in (f"{month} {y}", f"{abbr} {y}", f"{abbr}. {y}", f"{y}-{m:02d}")]
    d = parts[2]
    forms = [f"{month} {d}, {y}", f"{month} {d} {y}", f"{d} {month} {y}", f"{abbr}. {d}, {y}",
             f"{abbr} {d}, {y}", f"{y}-{m:02d}-{d:02d}", f"{y}/{m:02d}/{d:02d}"]
    return [normalise_text(x) for x in forms]


def date_given(date: str, text: str, raw: str) -> bool:
    """The date, at its precision, is written in the document (its reader text or its capture)."""
    haystacks = (text, normalise_text(raw))
    forms = renderings(date)
    if len(date) == 7:  # a month is given if the document gives the month, or a day in it
        y, m = (int(p) for p in date.split("-"))
        days = calendar.monthrange(y, m)[1]
        forms += [f for d in range(1, days + 1) for f in renderings(f"{y:04d}-{m:02d}-{d:02d}")]
    return any(f in h for f in forms for h in haystacks)


def index_lines(folder: Path = SHARED_SOURCES) -> dict[str, str]:
    """Source id -> the index's line on that reference document (the index gives each one's date)."""
    text = (folder / "README.md").read_text(encoding="utf-8")
    return {sid: normalise_text(next(line for line in text.splitlines() if name in line))
            for sid, name in DOCUMENTS.items()}


def date_problems(corpus, documents, index: dict[str, str] | None = None,
                  releases: dict | None = None) -> list[str]:
    """Every date is one a document gives, at its precision: a source's date in a reference document that
    is, or derives from, that source (or, for a reference document and what is known only through it, in
    the index's line on that document); an assertion's own date and a date value in the document it is
    read in."""
    index = index_lines() if index is None else index
    derived = {loc.record.id: set(loc.record.derived_from) for loc in corpus.sources}

    def readers(sid: str) -> list[str]:
        return [d for d in documents if d == sid or sid in _ancestors(d, derived)]

    releases = load_releases(corpus) if releases is None else releases
    problems = []
    for loc in corpus.sources:
        s = loc.record
        if s.id in releases:  # a release's date is one its provenance note gives
            if normalise_text(s.date) not in normalise_text(releases[s.id]["source-note"]):
                problems.append(f"{loc.file}:{loc.line}: source {s.id}: date {s.date} is not given by its SOURCE.md")
            continue
        docs = readers(s.id)
        if docs and not any(date_given(s.date, *documents[d]) or date_given(s.date, index.get(d, ""), "")
                            for d in docs):
            problems.append(f"{loc.file}:{loc.line}: source {s.id}: date {s.date} is given by none of {docs}")
        if not docs:
            problems.append(f"{loc.file}:{loc.line}: source {s.id} is read in no reference document")
    for loc, doc in corpus.assertions:
        a = loc.record
        for date in (a.date, a.value if isinstance(a.value, str) else None):
            if date and doc in documents and not date_given(date, *documents[doc]):
                problems.append(f"{loc.file}:{loc.line}: date {date} is not given by {doc}")
    return problems


def _ancestors(sid: str, derived: dict[str, set[str]]) -> set[str]:
    out, todo = set(), [sid]
    while todo:
        for parent in derived.get(todo.pop(), ()):
            if parent not in out:
                out.add(parent)
                todo.append(parent)
    return out
