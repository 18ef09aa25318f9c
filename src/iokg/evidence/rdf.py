"""Computed-evidence records as quads of a named graph of their own, ``graph/evidence``.

Each record ``<https://w3id.org/iokg/id/evidence/{id}>`` is an ``iokg:ComputedEvidence`` (a
``prov:Entity``, never an ``iokg:Assertion``): ``dcterms:identifier``, ``iokg:bearsOn`` the claim,
``iokg:analysis`` (its name), ``iokg:analysedDataset`` (the release's source or the imported
dataset), one ``iokg:parameter`` per parameter (``iokg:parameterName``, ``iokg:parameterValue``),
``iokg:measure``, ``iokg:computed`` (true or false), ``iokg:result`` (the figure, only when
computed), ``iokg:resultStatement`` (the sentence, or why nothing was computed), ``iokg:computedAt``
(the build id), ``iokg:inputDigest`` (the SHA-256 of each file it was computed from) and
``skos:note`` (the curator's). It ``prov:wasGeneratedBy`` an ``iokg:AnalysisRun`` (a
``prov:Activity``) that ``prov:used`` the dataset and ended at ``prov:endedAtTime``. A record has no
``rdfs:label`` or ``skos:prefLabel``: those name what search finds (`iokg.search.index`), and a
record is found through its claim.

>>> evidence_iri("x-1")
'https://w3id.org/iokg/id/evidence/x-1'
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pyoxigraph as ox

from iokg import vocab
from iokg.datasets.rdf import dataset_iri
from iokg.evidence.computing import Outcome
from iokg.evidence.records import EvidenceRecord

GRAPH_EVIDENCE = vocab.GRAPH_EVIDENCE

RDF_TYPE = ox.NamedNode(vocab.PREFIXES["rdf"] + "type")
PROV = vocab.PREFIXES["prov"]
SKOS = vocab.PREFIXES["skos"]
DCTERMS = vocab.PREFIXES["dcterms"]
XSD = vocab.PREFIXES["xsd"]

#: The iokg terms these quads use (the ontology defines each).
TERMS = ("ComputedEvidence", "AnalysisRun", "AnalysisParameter", "bearsOn", "analysis", "analysedDataset",
         "parameter", "parameterName", "parameterValue", "measure", "computed", "result", "resultStatement",
         "computedAt", "inputDigest")


def evidence_iri(evidence_id: str) -> str:
    return f"{vocab.ID}evidence/{evidence_id}"


def input_iri(record: EvidenceRecord) -> str:
    return vocab.source_iri(record.release) if record.release else dataset_iri(record.input_id)


def _t(local: str) -> ox.NamedNode:
    return ox.NamedNode(vocab.NS + local)


def _value(value: int | float) -> ox.Literal:
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(repr(float(value)), datatype=ox.NamedNode(XSD + "double"))


def record_quads(record: EvidenceRecord, outcome: Outcome, build_id: str, at: dt.datetime) -> list[ox.Quad]:
    g = ox.NamedNode(GRAPH_EVIDENCE)
    node = ox.NamedNode(evidence_iri(record.id))
    run = ox.NamedNode(f"{node.value}/run")
    used = ox.NamedNode(input_iri(record))
    out: list[ox.Quad] = []

    def add(s, p, o) -> None:
        out.append(ox.Quad(s, p, o, g))

    add(node, RDF_TYPE, _t("ComputedEvidence"))
    add(node, RDF_TYPE, ox.NamedNode(PROV + "Entity"))
    add(node, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(record.id))
    add(node, _t("bearsOn"), ox.NamedNode(vocab.claim_iri(record.claim)))
    add(node, _t("analysis"), ox.Literal(record.analysis))
    add(node, _t("analysedDataset"), used)
    for name, value in record.parameters.items():
        p = ox.NamedNode(f"{node.value}/parameter/{quote(name, safe='')}")
        add(node, _t("parameter"), p)
        add(p, RDF_TYPE, _t("AnalysisParameter"))
        add(p, _t("parameterName"), ox.Literal(name))
        add(p, _t("parameterValue"), ox.Literal(str(value)))
    add(node, _t("measure"), ox.Literal(record.measure))
    add(node, _t("computed"), ox.Literal("true" if outcome.computed else "false",
                                         datatype=ox.NamedNode(XSD + "boolean")))
    if outcome.computed and outcome.value is not None:
        add(node, _t("result"), _value(outcome.value))
    add(node, _t("resultStatement"), ox.Literal(outcome.statement))
    add(node, _t("computedAt"), ox.Literal(build_id))
    for name, sha in outcome.inputs:
        add(node, _t("inputDigest"), ox.Literal(f"sha256:{sha} {name}"))
    if record.note:
        add(node, ox.NamedNode(SKOS + "note"), ox.Literal(record.note))
    add(node, ox.NamedNode(PROV + "wasGeneratedBy"), run)
    add(run, RDF_TYPE, _t("AnalysisRun"))
    add(run, RDF_TYPE, ox.NamedNode(PROV + "Activity"))
    add(run, ox.NamedNode(PROV + "used"), used)
    add(run, ox.NamedNode(PROV + "endedAtTime"),
        ox.Literal(at.isoformat().replace("+00:00", "Z"), datatype=ox.NamedNode(XSD + "dateTime")))
    return out
