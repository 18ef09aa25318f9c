"""Computed-evidence records: ``data/evidence/*.yaml`` read with the line of every value, and checked.

A file holds one list, ``evidence:``; each record says that an analysis of a dataset bears on a
claim. The result is never written in YAML: the build computes it afresh (`iokg.evidence.computing`).

```yaml
evidence:
  - id: meta-2023-q2-facebook-accounts-nearly-8000   # an id of its own
    claim: meta-takedown-2023-q2--removedAccountCount--nearly-8000
    release: meta-2023-q2-spamouflage-indicators     # a `dataset` source shipped in data/ ...
    # dataset: twitter-2020-takedown-data            # ... or an imported archive (`iokg import twitter-io`)
    analysis: stated-count
    parameters: {asset: Facebook accounts}
    measure: count
    note: "..."                                      # the curator's reason for the link
```

`read_evidence` reports every mistake of every file at once, each at its file and line: unknown
or missing fields, a bad or repeated id, a claim, release or analysis that does not exist (with
"did you mean"), parameters the analysis refuses, a measure it does not report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from iokg import vocab
from iokg.errors import InvalidQuery, Problem
from iokg.ingest.reading import Corpus, _yaml, line_of
from iokg.ingest.records import Id, Record, did_you_mean
from iokg.releases import ReadRelease

#: The folder of ``data/`` that holds the evidence records (the YAML reader of the curated
#: records leaves it to this module).
FOLDER = "evidence"


class EvidenceRecord(Record):
    """One computed-evidence record, as a curator writes it."""

    id: Id = Field(description="The record's own id.")
    claim: str = Field(min_length=1, description="The claim id the analysis bears on.")
    release: Id | None = Field(default=None, description="A `dataset` source shipped in data/ (e.g. Meta's release).")
    dataset: Id | None = Field(default=None, description="An archive imported with `iokg import twitter-io`.")
    analysis: str = Field(min_length=1, description="The analysis' name (see docs/computed-evidence.md).")
    parameters: dict[str, Any] = Field(default_factory=dict, description="The analysis' parameters, as its route takes them.")
    measure: str = Field(min_length=1, description="Which figure of the result is reported.")
    note: str | None = Field(default=None, description="The curator's reason for linking this claim.")

    @field_validator("parameters")
    @classmethod
    def _plain_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        for k, v in value.items():
            if not isinstance(v, (str, int, float, bool)) or isinstance(v, bool):
                raise ValueError(f"parameter `{k}`: give a text or a number (as in the analysis' URL), not {v!r}")
        return {str(k): v for k, v in value.items()}

    @model_validator(mode="after")
    def _one_input(self) -> "EvidenceRecord":
        if (self.release is None) == (self.dataset is None):
            raise ValueError("give exactly one of `release:` (a dataset source in data/) or `dataset:` "
                             "(an archive imported with `iokg import twitter-io`)")
        return self

    @property
    def input_id(self) -> str:
        return self.release or self.dataset or ""

    @property
    def input_kind(self) -> str:
        return "release" if self.release else "dataset"


class _File(Record):
    evidence: list[Any] = []


@dataclass(frozen=True)
class LocatedEvidence:
    record: EvidenceRecord
    file: str
    line: int


def evidence_files(data_dir: Path) -> list[Path]:
    folder = Path(data_dir) / FOLDER
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()) \
        if folder.is_dir() else []


def _shown(path: Path, data_dir: Path) -> str:
    root = Path(data_dir)
    return str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)


def read_evidence(data_dir: Path, corpus: Corpus | None = None, releases: list[ReadRelease] | None = None,
                  reported: list[Problem] = ()) -> tuple[list[LocatedEvidence], list[Problem]]:
    """Every record of ``data_dir/evidence/``, and every problem found in them.

    With ``corpus`` (the curated records) and ``releases`` (as `iokg.releases.read_releases` read
    them), the ids a record names are checked too. A claim missing because its release has a
    problem already ``reported`` (a refused file, a wrong reference) is that problem's consequence,
    not reported again. Records with problems are not returned."""
    from iokg.evidence.computing import analysis_for  # the analyses' tables

    out: list[LocatedEvidence] = []
    problems: list[Problem] = []
    first: dict[str, str] = {}
    claims = _claim_ids(corpus) if corpus is not None else None
    release_ids = ({x.record.id for x in corpus.sources if not x.partial and x.record.kind == "dataset"}
                   if corpus is not None else None)
    read_by_id = {r.dataset: r for r in releases or []}
    faulty = {Path(p.file).parent for p in reported}
    unsound = {x.record.id for x in (corpus.sources if corpus is not None else [])
               if not x.partial and x.record.kind == "dataset" and Path(x.file).parent in faulty}
    for path in evidence_files(data_dir):
        shown = _shown(path, data_dir)
        try:
            text = path.read_text(encoding="utf-8")
            doc = _yaml().load(text)
        except MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            problems.append(Problem(shown, mark.line + 1 if mark else 1, "file", f"malformed YAML ({e.problem}); fix the syntax"))
            continue
        except (YAMLError, UnicodeDecodeError) as e:
            problems.append(Problem(shown, 1, "file", f"cannot read YAML: {e}"))
            continue
        if doc is None:
            continue
        try:
            parsed = _File.model_validate(doc)
        except ValidationError as e:
            for err in e.errors():
                problems.append(Problem(shown, line_of(doc, tuple(err["loc"])), "file",
                                        "an evidence file holds one list, `evidence:`" if err["type"] == "extra_forbidden"
                                        else f"`evidence`: {err['msg']}"))
            continue
        for i, raw in enumerate(parsed.evidence):
            where = ("evidence", i)
            line = line_of(doc, where)
            name = f"evidence {raw.get('id')}" if isinstance(raw, dict) and isinstance(raw.get("id"), str) \
                else f"evidence #{i + 1}"

            def bad(message: str, field: str | None = None, *, name=name, where=where) -> None:
                problems.append(Problem(shown, line_of(doc, where + ((field,) if field else ())), name, message))

            try:
                rec = EvidenceRecord.model_validate(raw)
            except ValidationError as e:
                for err in e.errors():
                    loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
                    field = next((str(p) for p in loc if isinstance(p, str)), None)
                    msg = err["msg"].removeprefix("Value error, ")
                    if err["type"] == "missing":
                        msg = f"missing required field `{field}`"
                    elif err["type"] == "extra_forbidden":
                        fields = EvidenceRecord.model_fields
                        msg = (f"unknown field `{field}`: the fields are "
                               f"{', '.join(fields)};{did_you_mean(field, fields)}".rstrip(";"))
                    elif field:
                        msg = f"`{field}`: {msg}"
                    problems.append(Problem(shown, line_of(doc, where + loc[:1]), name, msg))
                continue
            before = len(problems)
            if rec.id in first:
                bad(f"duplicate id '{rec.id}': already used at {first[rec.id]}", "id")
            first.setdefault(rec.id, f"{shown}:{line}")
            # a release whose indicator file was refused has no counts read: its claims are missing
            # because of a problem already reported, not news
            unread = rec.release is not None and (rec.release in unsound or (
                rec.release in read_by_id and "indicators" not in read_by_id[rec.release].files))
            if claims is not None and rec.claim not in claims and not unread:
                bad(f"no claim with id '{rec.claim}'{did_you_mean(rec.claim, claims)} "
                    "(a claim id is subject--predicate--object, as on the claim's page)", "claim")
            if rec.release and release_ids is not None and rec.release not in release_ids:
                bad(f"'{rec.release}' is not a source of kind `dataset` shipped in data/"
                    f"{did_you_mean(rec.release, release_ids)} (an archive imported with "
                    "`iokg import twitter-io` is named with `dataset:`)", "release")
            try:
                analysis = analysis_for(rec.input_kind, rec.analysis)
            except InvalidQuery as e:
                bad(str(e), "analysis")
            else:
                try:
                    analysis.check(rec.parameters, read_by_id.get(rec.input_id))
                except InvalidQuery as e:
                    bad(f"parameters: {e}", "parameters")
                if rec.measure not in analysis.measures:
                    bad(f"analysis {rec.analysis} reports no measure '{rec.measure}': it reports "
                        f"{', '.join(analysis.measures)};{did_you_mean(rec.measure, analysis.measures)}".rstrip(";"), "measure")
            if len(problems) == before:
                out.append(LocatedEvidence(rec, shown, line))
    return out, problems


def _claim_ids(corpus: Corpus) -> set[str]:
    """The claim ids the assertions make, those that failed their shape checks included (so a record
    naming one is not reported twice)."""
    ids = set()
    for loc, _ in corpus.assertions:
        try:
            if not loc.partial:
                ids.add(loc.record.claim_id)
                continue
            raw = loc.record.raw if isinstance(loc.record.raw, dict) else {}
            value = raw.get("value")
            ids.add(vocab.claim_id(str(raw.get("subject")), str(raw.get("predicate")),
                                   obj=raw.get("object") if isinstance(raw.get("object"), str) else None,
                                   value=None if value is None else str(value),
                                   qualifier=raw.get("qualifier") if isinstance(raw.get("qualifier"), str) else None))
        except (AttributeError, TypeError, ValueError, KeyError):
            continue
    return ids
