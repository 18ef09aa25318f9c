"""The computed-evidence records of a claim, as pydantic models for its JSON lookup and its page.

`for_claim(store, claim_id)` runs the named query ``computed-evidence`` (``queries/computed-evidence.rq``)
with the claim bound as a term; each record comes back as a `ComputedEvidenceView`: what was
analysed, with which parameters, the result (or why there is none), the build that computed it,
the files' digests and where a reader re-runs it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from iokg.evidence.computing import rerun_path
from iokg.queries import run_named


class ComputedEvidenceView(BaseModel):
    """iokg's own analysis of a dataset, recorded as bearing on the claim: never a source's assertion."""

    id: str
    iri: str
    label: str = Field(description="“iokg analysis of <dataset>: <result sentence>”.")
    kind: str = Field(description="release (a dataset source shipped in the curated data) or dataset (an "
                                  "archive imported with `iokg import twitter-io`).")
    dataset: str = Field(description="The id of the release or dataset analysed.")
    dataset_title: str | None = None
    analysis: str
    parameters: dict[str, str] = Field(default_factory=dict)
    measure: str
    computed: bool = Field(description="False when the build could not compute it (e.g. the dataset is not "
                                       "imported): then `result` is null and `statement` says why.")
    result: float | int | None = None
    statement: str = Field(description="The result in words, or “not computed: …”.")
    computed_at: str = Field(description="The id of the build that computed it.")
    computed_time: str | None = None
    inputs: list[str] = Field(default_factory=list, description="sha256:<hex> <file> of each file it was computed from.")
    note: str | None = Field(default=None, description="The curator's reason for linking the claim.")
    rerun: str = Field(description="Path of the route or page where the analysis is re-run.")


def for_claim(store, claim_id: str) -> list[ComputedEvidenceView]:
    """The computed-evidence records bearing on ``claim_id`` (none for a store built without any)."""
    rows = run_named(store, "computed-evidence", claim=claim_id)
    views: dict[str, dict] = {}
    for row in rows:
        v = {k: t.value for k, t in row.items()}
        item = views.get(v["evidence"])
        if item is None:
            released = v.get("released") == "true"
            result = v.get("result")
            if result is not None:
                result = int(result) if row["result"].datatype.value.endswith("#integer") else float(result)
            item = views[v["evidence"]] = {
                "id": v["id"], "iri": v["evidence"],
                "label": f"iokg analysis of {v.get('datasetTitle') or v['datasetId']}: {v['statement']}",
                "kind": "release" if released else "dataset", "dataset": v["datasetId"],
                "dataset_title": v.get("datasetTitle"), "analysis": v["analysis"], "parameters": {},
                "measure": v["measure"], "computed": v["computed"] == "true", "result": result,
                "statement": v["statement"], "computed_at": v["computedAt"], "computed_time": v.get("endedAt"),
                "inputs": [], "note": v.get("note")}
        if v.get("paramName") is not None:
            item["parameters"][v["paramName"]] = v["paramValue"]
        if v.get("digest") and v["digest"] not in item["inputs"]:
            item["inputs"].append(v["digest"])
    out = []
    for item in views.values():
        item["rerun"] = rerun_path(item["kind"], item["dataset"], item["analysis"], item["parameters"])
        out.append(ComputedEvidenceView(**item))
    return out
