"""The imported datasets as RDF quads, for a build to add to the graph in a named graph of their own.

`dataset_quads(root)` describes every current dataset of a datasets folder:

- the dataset ``<https://w3id.org/iokg/id/dataset/{id}>``: ``a dcat:Dataset``,
  ``dcterms:identifier``, ``dcterms:title``, ``dcterms:modified`` (when imported), its summary
  figures (``iokg:accountCount``, ``iokg:hashedAccountCount``, ``iokg:tweetCount``,
  ``iokg:badRowCount``, ``iokg:firstTweetTime``, ``iokg:lastTweetTime``) and its release files
  (``dcat:distribution``: a ``dcat:Distribution`` with ``dcterms:title``, ``dcat:byteSize`` and an
  ``spdx:checksum`` holding the SHA-256);
- each account, ``<…/dataset/{id}/account/{userid}>`` (the userid percent-encoded, hashed ids
  exactly as released): ``a foaf:OnlineAccount``, ``dcterms:identifier`` (the userid),
  ``dcterms:isPartOf`` the dataset, ``iokg:idHashed``, and ``foaf:accountName`` (the screen name)
  only where the id is not hashed.

Linking a dataset to the takedown and report it documents is curated data, not this module's.
The ``iokg:`` terms above (`TERMS`) are for the ontology to define.

>>> dataset_iri("aspi-2020")
'https://w3id.org/iokg/id/dataset/aspi-2020'
>>> account_iri("aspi-2020", "Ul+6db/zS=")
'https://w3id.org/iokg/id/dataset/aspi-2020/account/Ul%2B6db%2FzS%3D'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import pyoxigraph as ox

from iokg import vocab
from iokg.datasets import layout

GRAPH_DATASETS = vocab.BASE + "graph/datasets"

DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = vocab.PREFIXES["dcterms"]
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
XSD = vocab.PREFIXES["xsd"]
RDF_TYPE = ox.NamedNode(vocab.PREFIXES["rdf"] + "type")

#: The iokg terms these quads use.
TERMS = ("accountCount", "hashedAccountCount", "tweetCount", "badRowCount", "firstTweetTime", "lastTweetTime",
         "idHashed")


def dataset_iri(dataset_id: str) -> str:
    return f"{vocab.ID}dataset/{dataset_id}"


def account_iri(dataset_id: str, userid: str) -> str:
    return f"{dataset_iri(dataset_id)}/account/{quote(userid, safe='')}"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(int(n)), datatype=_n(XSD + "integer"))


def _time(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=_n(XSD + "dateTime"))


def describe_dataset(dataset_id: str, manifest: dict[str, Any], graph: ox.NamedNode) -> list[ox.Quad]:
    """The quads about one dataset (not its accounts), from its manifest."""
    d = _n(dataset_iri(dataset_id))
    c, r = manifest["counts"], manifest["time_range"]
    out = [
        ox.Quad(d, RDF_TYPE, _n(DCAT + "Dataset"), graph),
        ox.Quad(d, _n(DCTERMS + "identifier"), ox.Literal(dataset_id), graph),
        ox.Quad(d, _n(DCTERMS + "title"), ox.Literal(manifest["title"]), graph),
        ox.Quad(d, _n(DCTERMS + "modified"), _time(manifest["imported_at"]), graph),
        ox.Quad(d, _n(vocab.term("accountCount")), _int(c["accounts"]), graph),
        ox.Quad(d, _n(vocab.term("hashedAccountCount")), _int(c["hashed_accounts"]), graph),
        ox.Quad(d, _n(vocab.term("tweetCount")), _int(c["tweets"]), graph),
        ox.Quad(d, _n(vocab.term("badRowCount")), _int(c["bad_rows"]), graph),
    ]
    for key, term in (("first_tweet", "firstTweetTime"), ("last_tweet", "lastTweetTime")):
        if r.get(key):
            out.append(ox.Quad(d, _n(vocab.term(term)), _time(r[key]), graph))
    for f in manifest["files"]:
        node = _n(f"{dataset_iri(dataset_id)}/file/{quote(f['name'], safe='')}")
        checksum = ox.BlankNode()
        out += [
            ox.Quad(d, _n(DCAT + "distribution"), node, graph),
            ox.Quad(node, RDF_TYPE, _n(DCAT + "Distribution"), graph),
            ox.Quad(node, _n(DCTERMS + "title"), ox.Literal(f["name"]), graph),
            ox.Quad(node, _n(DCAT + "byteSize"), _int(f["bytes"]), graph),
            ox.Quad(node, _n(SPDX + "checksum"), checksum, graph),
            ox.Quad(checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256"), graph),
            ox.Quad(checksum, _n(SPDX + "checksumValue"), ox.Literal(f["sha256"], datatype=_n(XSD + "hexBinary")),
                    graph),
        ]
    return out


def describe_accounts(dataset_id: str, users_parquet: Path, graph: ox.NamedNode) -> list[ox.Quad]:
    """The quads about each account of one dataset, read from its ``users.parquet``."""
    d = _n(dataset_iri(dataset_id))
    true = ox.Literal("true", datatype=_n(XSD + "boolean"))
    false = ox.Literal("false", datatype=_n(XSD + "boolean"))
    with duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}) as con:
        rows = con.read_parquet(str(users_parquet)).select("userid, user_screen_name, hashed").order("userid").fetchall()
    out = []
    for userid, screen_name, hashed in rows:
        a = _n(account_iri(dataset_id, userid))
        out += [
            ox.Quad(a, RDF_TYPE, _n(FOAF + "OnlineAccount"), graph),
            ox.Quad(a, _n(DCTERMS + "identifier"), ox.Literal(userid), graph),
            ox.Quad(a, _n(DCTERMS + "isPartOf"), d, graph),
            ox.Quad(a, _n(vocab.term("idHashed")), true if hashed else false, graph),
        ]
        if screen_name and not hashed:
            out.append(ox.Quad(a, _n(FOAF + "accountName"), ox.Literal(screen_name), graph))
    return out


def dataset_quads(root: Path, graph: str = GRAPH_DATASETS, *, accounts: bool = True) -> list[ox.Quad]:
    """Every current dataset of the datasets folder ``root`` (and, with ``accounts``, each of its
    accounts) as quads in ``graph``. An empty or missing folder gives no quads."""
    g = _n(graph)
    out: list[ox.Quad] = []
    for dataset_id, (folder, manifest) in layout.current_manifests(Path(root)).items():
        out += describe_dataset(dataset_id, manifest, g)
        if accounts:
            out += describe_accounts(dataset_id, folder / "users.parquet", g)
    return out
