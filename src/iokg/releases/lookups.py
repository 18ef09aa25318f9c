"""Lookups over the releases in the graph: a dataset release, its indicators (paged), and every
figure given for a takedown, the released counts beside the reported ones.

Indicator values are returned exactly as released; a defanged link says so (``defanged: true``)
and is never turned back into a live address. Figures are listed, never added up or reconciled.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from iokg.errors import EntityNotFound, InvalidQuery
from iokg.provenance.lookups import check_id
from iokg.provenance.rows import local, text
from iokg.queries import run_named as run

PER_PAGE = 100


class ReleaseFileView(BaseModel):
    path: str
    role: str
    sha256: str
    released_as: str | None = None


class Figure(BaseModel):
    """One document's (or release's) figure for the takedown, with who gives it and where."""

    claim: str
    predicate: str
    label: str = Field(description="The property's label, e.g. 'removed accounts'.")
    value: int
    qualifier: str | None = None
    source: str
    source_title: str
    released: bool = Field(description="True when read in a data release, false when a document reports it.")
    party: str
    party_label: str | None = None
    excerpt: str | None = None
    locator: str | None = None


class TakedownFigures(BaseModel):
    takedown: str
    released: list[Figure] = []
    reported: list[Figure] = []


class ReleaseView(BaseModel):
    id: str
    title: str
    publisher: str
    date: str
    repository: str
    commit: str | None = None
    licence: str
    credit: str | None = Field(default=None, description="How to credit the release, as its provenance note asks.")
    accompanies: str | None = None
    accompanies_title: str | None = None
    takedown: str
    takedown_label: str
    caveat: str | None = None
    indicator_count: int
    files: list[ReleaseFileView]
    figures: TakedownFigures


class IndicatorView(BaseModel):
    value: str = Field(description="Exactly as released: a defanged link stays defanged.")
    defanged: bool
    kind: str = Field(description="link (a link or handle) or text (a post title, a sentence).")
    step: str
    procedure: str
    technique: str
    tactic: str
    note: str | None = None
    network: str
    network_label: str
    line: int


class IndicatorPage(BaseModel):
    dataset: str
    page: int
    per_page: int
    total: int
    pages: int
    indicators: list[IndicatorView]


def takedown_figures(store, takedown: str) -> TakedownFigures:
    """Every count given for the takedown: released counts and reported figures, each as given."""
    check_id("entity", takedown)
    out = TakedownFigures(takedown=takedown)
    for row in run(store, "takedown-figures", takedown=takedown):
        f = Figure(claim=text(row, "claimId"), predicate=local(text(row, "predicate")),
                   label=text(row, "predicateLabel"), value=int(text(row, "value")),
                   qualifier=text(row, "qualifier"), source=text(row, "sourceId"),
                   source_title=text(row, "sourceTitle"), released=text(row, "released") == "true",
                   party=local(text(row, "party")), party_label=text(row, "partyLabel"),
                   excerpt=text(row, "excerpt"), locator=text(row, "locator"))
        (out.released if f.released else out.reported).append(f)
    return out


def release(store, dataset: str) -> ReleaseView:
    check_id("source", dataset)
    rows = run(store, "release", dataset=dataset)
    if not rows:
        raise EntityNotFound(f"no data release with id '{dataset}'")
    head = rows[0]
    takedown = text(head, "takedownId")
    publisher = text(head, "publisher")
    repository = text(head, "repository")
    licence = text(head, "licence")
    return ReleaseView(
        id=dataset, title=text(head, "title"), publisher=publisher, date=text(head, "date"),
        repository=repository, commit=text(head, "commit"), licence=licence,
        credit=text(head, "credit"),
        accompanies=text(head, "reportId"), accompanies_title=text(head, "reportTitle"),
        takedown=takedown, takedown_label=text(head, "takedownLabel"), caveat=text(head, "caveat"),
        indicator_count=int(text(head, "indicatorCount")),
        files=[ReleaseFileView(path=text(r, "path"), role=text(r, "role"), sha256=text(r, "sha256"),
                               released_as=text(r, "releasedAs")) for r in rows],
        figures=takedown_figures(store, takedown))


def page_number(raw: str | None) -> int:
    """``page`` as a number from 1; anything else is `InvalidQuery` (a 400)."""
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 6:
        raise InvalidQuery(f"`page` must be a whole number from 1, got '{raw[:20]}'")
    return int(raw)


def indicators(store, dataset: str, page: int = 1, per_page: int = PER_PAGE) -> IndicatorPage:
    """One page of the dataset's indicators, in file order."""
    check_id("source", dataset)
    rows = run(store, "indicators", dataset=dataset)
    if not rows and not run(store, "release", dataset=dataset):
        raise EntityNotFound(f"no data release with id '{dataset}'")
    total = len(rows)
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise EntityNotFound(f"page {page} of the indicators of '{dataset}' does not exist: there are {pages}")
    chosen = rows[(page - 1) * per_page: page * per_page]
    return IndicatorPage(dataset=dataset, page=page, per_page=per_page, total=total, pages=pages, indicators=[
        IndicatorView(value=text(r, "value"), defanged=text(r, "defanged") == "true", kind=text(r, "kind"),
                      step=text(r, "step"), procedure=text(r, "procedure"), technique=text(r, "technique"),
                      tactic=text(r, "tactic"), note=text(r, "note"), network=text(r, "networkId"),
                      network_label=text(r, "networkLabel"), line=int(text(r, "line")))
        for r in chosen])


__all__ = ["takedown_figures", "release", "indicators", "page_number"]
