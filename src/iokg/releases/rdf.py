"""A release's dataset record, kill chain and indicators as quads of the data graph.

- the dataset source gets ``iokg:releaseRepository``, ``iokg:releaseCommit``, ``iokg:licenceName``,
  ``iokg:accompanies`` (the report), ``iokg:documentsTakedown`` (the takedown),
  ``iokg:caveat`` (the publisher's words), ``iokg:creditLine``, ``iokg:indicatorCount`` and one ``iokg:ReleaseFile``
  per file (``iokg:path``, ``iokg:fileSha256``, ``iokg:fileRole``, ``iokg:releasedAs``);
- the release's content (its kill-chain steps and indicators, below) is in a named graph of its
  own, ``<https://w3id.org/iokg/graph/release/{dataset}>``, under the release's licence: the graph
  describes itself with ``dcterms:license`` (the SPDX licence IRI, when the licence is an SPDX id
  such as MIT), ``dcterms:title``, ``dcterms:source`` (the dataset source) and ``dcterms:rights``
  (the credit line), which the VoID description reads (`iokg.export.void`); the dataset record
  itself, curated in YAML, stays in graph/data;
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
>>> release_graph_iri("meta-x"), licence_iri("MIT"), licence_iri("see the README")
('https://w3id.org/iokg/graph/release/meta-x', 'https://spdx.org/licenses/MIT', None)
"""

from __future__ import annotations

import re
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


def release_graph_iri(dataset: str) -> str:
    """The named graph of a release's content."""
    return f"{vocab.GRAPH_RELEASE}{dataset}"


_SPDX_ID = re.compile(r"^[A-Za-z][A-Za-z0-9.+-]*$")


def licence_iri(name: str) -> str | None:
    """The SPDX licence list IRI of a licence given by its SPDX id (``MIT``, ``Apache-2.0``), else None."""
    name = name.strip()
    return f"https://spdx.org/licenses/{name}" if _SPDX_ID.match(name) else None


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
        graph = ox.NamedNode(release_graph_iri(s.id))

        def released(s_, p, o, graph=graph) -> None:
            quads.append(ox.Quad(s_, p, o, graph))

        dcterms = vocab.PREFIXES["dcterms"]
        if licence := licence_iri(rel.licence):
            released(graph, ox.NamedNode(dcterms + "license"), ox.NamedNode(licence))
        released(graph, ox.NamedNode(dcterms + "title"), ox.Literal(f"Released data: {s.title}, as released"))
        released(graph, ox.NamedNode(dcterms + "source"), node)
        if rel.credit:
            released(graph, ox.NamedNode(dcterms + "rights"), ox.Literal(rel.credit))
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
            released(snode, RDF_TYPE, _t("KillChainStep"))
            released(snode, ox.NamedNode(SKOS + "notation"), ox.Literal(step.notation))
            released(snode, _t("killChainProcedure"), ox.Literal(step.procedure.strip()))
            released(snode, _t("killChainTechnique"), ox.Literal(step.technique.strip()))
            released(snode, _t("killChainTactic"), ox.Literal(step.tactic.strip()))
        for ind in r.indicators:
            inode = ox.NamedNode(indicator_iri(ind.dataset, ind.line))
            released(inode, RDF_TYPE, _t("Indicator"))
            released(inode, _t("indicatorValue"), ox.Literal(ind.value))
            released(inode, _t("defanged"), _bool(ind.defanged))
            released(inode, _t("indicatorKind"), ox.Literal(ind.kind))
            released(inode, _t("killChainStep"), ox.NamedNode(killchain_iri(ind.step.notation)))
            released(inode, _t("indicatorOf"), ox.NamedNode(vocab.entity_iri(ind.network)))
            released(inode, _t("releasedIn"), node)
            released(inode, _t("line"), _int(ind.line))
            if ind.note:
                released(inode, _t("releaseNote"), ox.Literal(ind.note))
    return quads
