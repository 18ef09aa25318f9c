"""The analyses a computed-evidence record may name, and computing one record's result afresh.

Two kinds of input:

- a **release** shipped in ``data/`` (a `dataset` source, such as Meta's indicators), read
  straight from its checked CSV file at every build:
  ``stated-count`` (parameter ``asset``, e.g. ``Facebook accounts``: the count of that asset
  the release states, measure ``count``) and ``listed-indicators`` (parameter ``procedure``, a
  kill-chain notation such as ``0.9.4``: how many indicators the release lists under that step,
  measure ``count``);
- a **dataset** imported with ``iokg import twitter-io``: the named analyses of
  `iokg.datasets.analyses` (``working-hours``: measures ``share``, ``in_window``, ``tweets``;
  ``posting-hours``: ``tweets``; ``account-creation``: ``accounts``), run through `run_analysis`
  with the parameters their routes take.

`compute` never raises for a missing input: a dataset that is not imported gives an `Outcome`
that says so ("not computed: dataset X not imported"), never a figure from an earlier build.

>>> analysis_for("release", "stated-count").check({"asset": "Facebook Pages"}, None)
{'asset': 'Facebook Pages'}
>>> analysis_for("dataset", "working-hours").check({"tz": "Asia/Shanghai", "days": "mon-fri"})["days"]
[1, 2, 3, 4, 5]
>>> rerun_path("dataset", "x", "working-hours", {"tz": "Asia/Shanghai", "from_hour": 8})
'/datasets/x/working-hours?tz=Asia%2FShanghai&from_hour=8'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from iokg.datasets import layout
from iokg.datasets.analyses import ANALYSES, Analysis, run_analysis
from iokg.datasets.catalog import DatasetStore
from iokg.errors import InvalidQuery, IokgError
from iokg.ingest.records import did_you_mean
from iokg.releases import ReadRelease
from iokg.releases import meta_indicators as meta


@dataclass
class Outcome:
    """One record's result at this build: the figure and its sentence, or why there is none."""

    computed: bool
    statement: str
    value: int | float | None = None
    inputs: list[tuple[str, str]] = field(default_factory=list)  # (file name, SHA-256) it was computed from


def not_computed(reason: str) -> Outcome:
    return Outcome(False, f"not computed: {reason}")


# ---------------------------------------------------------------------------------- releases
@dataclass(frozen=True)
class ReleaseAnalysis:
    """An analysis of a release's indicator file: one required text parameter."""

    name: str
    title: str
    param: str
    measures: dict[str, str]

    def check(self, raw: Mapping[str, Any], read: ReadRelease | None = None) -> dict[str, Any]:
        unknown = sorted(set(raw) - {self.param})
        if unknown:
            raise InvalidQuery(f"unknown parameter(s) for {self.name}: {', '.join(unknown)} (allowed: {self.param})")
        if self.param not in raw:
            raise InvalidQuery(f"{self.name} needs the parameter `{self.param}`")
        value = str(raw[self.param]).strip()
        if self.param == "asset" and value not in meta.COUNTED_ASSETS:
            raise InvalidQuery(f"asset: '{value[:60]}' is not an asset Meta's releases count "
                               f"({', '.join(meta.COUNTED_ASSETS)});{did_you_mean(value, meta.COUNTED_ASSETS)}")
        if self.param == "procedure" and read is not None and read.steps and value not in read.steps:
            raise InvalidQuery(f"procedure: '{value[:20]}' is not a step of the release's kill chain"
                               f"{did_you_mean(value, read.steps)} (give its notation, e.g. 0.9.4)")
        return {self.param: value}


RELEASE_ANALYSES: dict[str, ReleaseAnalysis] = {a.name: a for a in [
    ReleaseAnalysis("stated-count", "Count of an asset the release states", "asset",
                    {"count": "the count of that asset the release states"}),
    ReleaseAnalysis("listed-indicators", "Indicators listed under a kill-chain step", "procedure",
                    {"count": "how many indicators the release lists under that kill-chain step"}),
]}


def compute_release(analysis: ReleaseAnalysis, params: dict[str, Any], path: Path, shown: str,
                    sha256: str) -> Outcome:
    """Read the release's indicator file ``path`` (checked against its SHA-256 by the build) afresh."""
    name = Path(shown).name
    inputs = [(name, sha256)]
    try:
        rows = list(meta.rows(path, meta.INDICATOR_COLUMNS))
    except (OSError, meta.FormatError) as e:
        return not_computed(f"{name} cannot be read ({e})")
    if analysis.name == "stated-count":
        asset = params["asset"]
        found = [(line, count[0]) for line, row in rows
                 if (count := meta.count_of(row["Indicator"])) is not None and count[1] == asset]
        if not found:
            return Outcome(False, f"not computed: the release states no count of {asset}", inputs=inputs)
        if len(found) > 1:
            lines = ", ".join(str(line) for line, _ in found)
            return Outcome(False, f"not computed: the release states {len(found)} counts of {asset} (lines {lines})",
                           inputs=inputs)
        line, number = found[0]
        return Outcome(True, f"the release states {number:,} {asset} ({name}, line {line})", number, inputs)
    procedure = params["procedure"]
    listed = [row for _, row in rows
              if row["Procedure"].strip().split(" ", 1)[0] == procedure
              and meta.count_of(row["Indicator"]) is None and row["Indicator"].strip()]
    step = listed[0]["Procedure"].strip() if listed else procedure
    return Outcome(True, f"the release lists {len(listed):,} indicators under kill-chain step {step} ({name})",
                   len(listed), inputs)


# ---------------------------------------------------------------------------------- datasets
@dataclass(frozen=True)
class DatasetAnalysis:
    """A named analysis of `iokg.datasets.analyses` and the figures of its result a record may report."""

    analysis: Analysis
    measures: dict[str, str]

    @property
    def name(self) -> str:
        return self.analysis.name

    def check(self, raw: Mapping[str, Any], read: ReadRelease | None = None) -> dict[str, Any]:
        return self.analysis.check(dict(raw))


DATASET_MEASURES: dict[str, dict[str, str]] = {
    "working-hours": {"share": "the share of tweets posted in the window",
                      "in_window": "the number of tweets posted in the window",
                      "tweets": "the number of tweets"},
    "posting-hours": {"tweets": "the number of tweets"},
    "account-creation": {"accounts": "the number of accounts"},
}
DATASET_ANALYSES: dict[str, DatasetAnalysis] = {
    name: DatasetAnalysis(ANALYSES[name], measures) for name, measures in DATASET_MEASURES.items()}


def compute_dataset(analysis: DatasetAnalysis, dataset: str, params: dict[str, Any], measure: str,
                    root: Path) -> Outcome:
    """Run the analysis over the imported dataset in the datasets folder ``root``."""
    root = Path(root)
    try:
        imported = layout.current_manifests(root) if root.is_dir() else {}
    except (OSError, ValueError) as e:
        return not_computed(f"the datasets folder cannot be read ({e})")
    if dataset not in imported:
        return not_computed(f"dataset {dataset} not imported (`iokg import twitter-io DIR --dataset {dataset}`, "
                            "then build again)")
    store = DatasetStore(root, timeout_ms=600_000)
    try:
        result = run_analysis(store, dataset, analysis.name, params)
    except IokgError as e:
        return not_computed(f"the analysis of dataset {dataset} failed ({str(e)[:200]})")
    finally:
        store.close()
    body = result.body
    inputs = [(f["name"], f["sha256"]) for f in body.get("source_files", [])]
    value = body.get(measure)
    if value is None:
        return Outcome(False, f"not computed: {analysis.measures[measure]} is undefined (no rows)", inputs=inputs)
    if analysis.name == "working-hours":
        statement = body["statement"]
    elif analysis.name == "posting-hours":
        statement = f"{value:,} tweets, by weekday and hour in {body['tz']}"
    else:
        statement = f"{value:,} accounts ({body.get('unknown', 0):,} with no creation date)"
    return Outcome(True, statement, value, inputs)


# ---------------------------------------------------------------------------------- both
def analysis_for(kind: str, name: str) -> ReleaseAnalysis | DatasetAnalysis:
    """The analysis ``name`` of an input of ``kind`` (``release`` or ``dataset``); `InvalidQuery` if none."""
    table: Mapping[str, Any] = RELEASE_ANALYSES if kind == "release" else DATASET_ANALYSES
    if name not in table:
        other = DATASET_ANALYSES if kind == "release" else RELEASE_ANALYSES
        hint = (f" ({name} is an analysis of {'an imported dataset' if kind == 'release' else 'a release'})"
                if name in other else did_you_mean(name, table))
        raise InvalidQuery(f"no analysis '{name[:60]}' of a {kind}: the {kind} analyses are "
                           f"{', '.join(table)};{hint}".rstrip(";"))
    return table[name]


def rerun_path(kind: str, input_id: str, analysis: str, params: Mapping[str, Any]) -> str:
    """Where a reader re-runs the analysis: the dataset's analysis route, or the release's page."""
    if kind == "release":
        return f"/r/{quote(input_id, safe='')}"
    query = urlencode({k: str(v) for k, v in params.items()})
    return f"/datasets/{quote(input_id, safe='')}/{analysis}" + (f"?{query}" if query else "")
