"""A release's dataset record, kill chain and indicators as quads of the data graph.

- the dataset source gets ``iokg:releaseRepository``, ``iokg:releaseCommit``, ``iokg:licenceName``,
  ``iokg:accompanies`` (the report), ``iokg:documentsTakedown`` (the takedown),
  ``iokg:caveat`` (the publisher's words), ``iokg:creditLine``, ``iokg:indicatorCount`` and one ``iokg:ReleaseFile``
  per file (``iokg:path``, ``iokg:fileSha256``, ``iokg:fileRole``, ``iokg:releasedAs``);
- each kill-chain step is an ``iokg:KillChainStep`` (``skos:notation`` ``0.9.4``,
  ``iokg:killChainProcedure``, ``iokg:killChainTechnique``, ``iokg:killChainTactic``);
- each indicator ``<…/indicator/{dataset}/{line}>`` is an ``iokg:Indicator``: ``iokg:indicatorValue``
  exactly as released, ``iokg:defanged``, ``iokg:indicatorKind`` (``link`` or ``text``),
  ``iokg:killChainStep``, ``iokg:indicatorOf`` (the network), ``iokg:releasedIn`` (the dataset),
  ``iokg:line`` (its line in the file) and ``iokg:releaseNote`` (Meta's note, where given).

>>> indicator_iri("meta-x", 7)
'https://w3id.org/iokg/id/indicator/meta-x/7'
>>> killchain_iri("0.9.4")
'https://w3id.org/iokg/id/killchain/0.9.4'
"""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox

from iokg import vocab
from iokg.releases.reading import ReadRelease

DATA = ox.NamedNode(vocab.GRAPH_DATA)
RDF_TYPE = ox.NamedNode(vocab.PREFIXES["rdf"] + "type")
SKOS = vocab.PREFIXES["skos"]
XSD = vocab.PREFIXES["xsd"]


def indicator_iri(dataset: str, line: int) -> str:
    return f"{vocab.ID}indicator/{dataset}/{line}"


def killchain_iri(notation: str) -> str:
    return f"{vocab.ID}killchain/{quote(notation, safe='')}"


def _t(local: str) -> ox.NamedNode:
    return ox.NamedNode(vocab.NS + local)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def _bool(b: bool) -> ox.Literal:
    return ox.Literal("true" if b else "false", datatype=ox.NamedNode(XSD + "boolean"))


def release_quads(read: list[ReadRelease], sources: dict) -> list[ox.Quad]:
    """The quads of every release read; ``sources`` maps a dataset id to its `Source` record."""
    quads: list[ox.Quad] = []

    def add(s, p, o) -> None:
        quads.append(ox.Quad(s, p, o, DATA))

    steps_done: set[str] = set()
    for r in read:
        s = sources[r.dataset]
        rel = s.release
        node = ox.NamedNode(vocab.source_iri(s.id))
        add(node, _t("releaseRepository"), ox.Literal(rel.repository))
        if rel.commit:
            add(node, _t("releaseCommit"), ox.Literal(rel.commit))
        add(node, _t("licenceName"), ox.Literal(rel.licence))
        if rel.accompanies:
            add(node, _t("accompanies"), ox.NamedNode(vocab.source_iri(rel.accompanies)))
        add(node, _t("documentsTakedown"), ox.NamedNode(vocab.entity_iri(rel.documents)))
        if rel.caveat:
            add(node, _t("caveat"), ox.Literal(rel.caveat))
        if rel.credit:
            add(node, _t("creditLine"), ox.Literal(rel.credit))
        add(node, _t("indicatorCount"), _int(len(r.indicators)))
        for i, f in enumerate(rel.files, start=1):
            fnode = ox.NamedNode(f"{node.value}/file/{i}")
            add(node, _t("releaseFile"), fnode)
            add(fnode, RDF_TYPE, _t("ReleaseFile"))
            add(fnode, _t("path"), ox.Literal(f.path))
            add(fnode, _t("fileSha256"), ox.Literal(f.sha256))
            add(fnode, _t("fileRole"), ox.Literal(f.role))
            if f.released_as:
                add(fnode, _t("releasedAs"), ox.Literal(f.released_as))
        steps = list(r.steps.values()) + [i.step for i in r.indicators]
        for step in steps:
            if step.notation in steps_done:
                continue
            steps_done.add(step.notation)
            snode = ox.NamedNode(killchain_iri(step.notation))
            add(snode, RDF_TYPE, _t("KillChainStep"))
            add(snode, ox.NamedNode(SKOS + "notation"), ox.Literal(step.notation))
            add(snode, _t("killChainProcedure"), ox.Literal(step.procedure.strip()))
            add(snode, _t("killChainTechnique"), ox.Literal(step.technique.strip()))
            add(snode, _t("killChainTactic"), ox.Literal(step.tactic.strip()))
        for ind in r.indicators:
            inode = ox.NamedNode(indicator_iri(ind.dataset, ind.line))
            add(inode, RDF_TYPE, _t("Indicator"))
            add(inode, _t("indicatorValue"), ox.Literal(ind.value))
            add(inode, _t("defanged"), _bool(ind.defanged))
            add(inode, _t("indicatorKind"), ox.Literal(ind.kind))
            add(inode, _t("killChainStep"), ox.NamedNode(killchain_iri(ind.step.notation)))
            add(inode, _t("indicatorOf"), ox.NamedNode(vocab.entity_iri(ind.network)))
            add(inode, _t("releasedIn"), node)
            add(inode, _t("line"), _int(ind.line))
            if ind.note:
                add(inode, _t("releaseNote"), ox.Literal(ind.note))
    return quads
