"""Checking a `dataset` source's shipped files and reading them into assertions and indicators."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from iokg.errors import Problem
from iokg.ingest.reading import Corpus, Located, _yaml, line_of
from iokg.ingest.records import Assertion
from iokg.releases import meta_indicators as meta


@dataclass(frozen=True)
class KillChainStep:
    """A procedure of Meta's Online Operations Kill Chain, with its technique and tactic, as released."""

    procedure: str
    technique: str
    tactic: str

    @property
    def notation(self) -> str:
        """The procedure's number, e.g. ``0.9.4``."""
        return self.procedure.strip().split(" ", 1)[0]


@dataclass(frozen=True)
class Indicator:
    """One listed indicator, its value exactly as released."""

    dataset: str
    line: int
    value: str
    kind: str  # "link" (defanged as released) or "text" (a post title, a sentence)
    step: KillChainStep
    note: str | None
    network: str

    @property
    def defanged(self) -> bool:
        return self.kind == "link" and meta.is_defanged(self.value)


@dataclass
class ReadRelease:
    """What one dataset's files hold."""

    dataset: str
    indicators: list[Indicator] = field(default_factory=list)
    steps: dict[str, KillChainStep] = field(default_factory=dict)  # notation -> step
    counts: list[tuple[Located, str]] = field(default_factory=list)  # the assertions read in it
    files: dict[str, str] = field(default_factory=dict)  # role -> file, as reported


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def read_releases(corpus: Corpus, root: Path) -> tuple[list[ReadRelease], list[Problem]]:
    """Check and read the files of every `dataset` source of ``corpus`` (read from ``root``).

    The counts' assertions are appended to ``corpus.assertions``, read in the dataset, located
    at their line of the CSV file. Nothing of a file that fails its SHA-256 check is read.
    """
    root = Path(root)
    out, problems = [], []
    for loc in corpus.sources:
        s = loc.record
        if loc.partial or s.kind != "dataset" or s.release is None:
            continue
        yaml_path = Path(loc.file) if Path(loc.file).is_absolute() else root.parent / loc.file
        doc = _yaml().load(yaml_path.read_text(encoding="utf-8"))
        read = ReadRelease(s.id)
        problems += _reference_problems(s, corpus, loc, doc)
        ok: dict[str, tuple[Path, str]] = {}
        for i, f in enumerate(s.release.files):
            path = yaml_path.parent / f.path
            shown = str(Path(loc.file).parent / f.path)
            where = ("source", "release", "files", i)
            if not path.is_file():
                problems.append(Problem(loc.file, line_of(doc, where + ("path",)), f"source {s.id}",
                                        f"release file {f.path} is not there: ship it beside {Path(loc.file).name}"))
                continue
            actual = sha256_of(path)
            if actual != f.sha256:
                problems.append(Problem(loc.file, line_of(doc, where + ("sha256",)), f"source {s.id}",
                                        f"{f.path} does not match its recorded sha256 (the file's is {actual}): "
                                        "ship the released file unchanged, or record the release you ship"))
                continue
            ok[f.role] = (path, shown)
            read.files[f.role] = shown
        if "kill-chain" in ok:
            problems += _read_killchain(read, *ok["kill-chain"])
        if "indicators" in ok:
            problems += _read_indicators(read, s, *ok["indicators"], corpus)
        out.append(read)
    return out, problems


def _reference_problems(s, corpus: Corpus, loc: Located, doc) -> list[Problem]:
    """`accompanies` names a source, `documents` a takedown, `network` a campaign or cluster."""
    sources = {x.record.id for x in corpus.sources}
    types = {x.record.id: x.record.type for x in corpus.entities}
    rel, out = s.release, []
    wants = [("accompanies", rel.accompanies, sources, "a source id (the report it accompanies)"),
             ("documents", rel.documents, {i for i, t in types.items() if t == "takedown"}, "a takedown's entity id"),
             ("network", rel.network, {i for i, t in types.items() if t in ("campaign", "cluster")},
              "a campaign's or cluster's entity id")]
    for name, value, allowed, what in wants:
        if value is not None and value not in allowed:
            out.append(Problem(loc.file, line_of(doc, ("source", "release", name)), f"source {s.id}",
                               f"`{name}`: '{value}' is not {what}"))
    return out


def _read_killchain(read: ReadRelease, path: Path, shown: str) -> list[Problem]:
    try:
        for _, row in meta.rows(path, meta.KILLCHAIN_COLUMNS):
            step = KillChainStep(row["Procedure"], row["Technique"], row["Tactic"])
            read.steps[step.notation] = step
    except meta.FormatError as e:
        return [Problem(shown, e.line, "kill chain", str(e))]
    return []


def _read_indicators(read: ReadRelease, s, path: Path, shown: str, corpus: Corpus) -> list[Problem]:
    problems = []
    release = s.release
    try:
        for line, row in meta.rows(path, meta.INDICATOR_COLUMNS):
            value = row["Indicator"]
            step = KillChainStep(row["Procedure"], row["Technique"], row["Tactic"])
            if read.steps and step.notation not in read.steps:
                problems.append(Problem(shown, line, "indicator",
                                        f"procedure {row['Procedure']!r} is not in the kill-chain file"))
                continue
            count = meta.count_of(value)
            if count is not None:
                number, asset, predicate = count
                if predicate is None:
                    problems.append(Problem(shown, line, "indicator",
                                            f"a count of {asset!r}, for which no claim property is defined: add "
                                            "one to iokg.releases.meta_indicators.COUNTED_ASSETS and the vocabulary"))
                    continue
                a = Assertion.model_validate({
                    "subject": release.documents, "predicate": predicate, "value": number,
                    "stance": "supports", "said_by": s.publisher, "excerpt": value,
                    "locator": f"{Path(shown).name}, line {line} ({row['Procedure'].strip()})"})
                located = (Located(a, shown, line), s.id)
                corpus.assertions.append(located)
                read.counts.append(located)
                continue
            if not value.strip():
                problems.append(Problem(shown, line, "indicator", "the Indicator cell is empty"))
                continue
            read.indicators.append(Indicator(s.id, line, value, "link" if meta.is_link(value) else "text",
                                             read.steps.get(step.notation, step), row["Note"] or None,
                                             release.network))
    except meta.FormatError as e:
        problems.append(Problem(shown, e.line, "indicator file", str(e)))
    return problems
