"""Dumps over HTTP and the VoID description, from a real server over the store built from the
curated data: every dump re-loads into a fresh pyoxigraph store with exactly the served quads."""

from __future__ import annotations

import gzip
import hashlib
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from iokg import vocab
from iokg.build import build
from iokg.export.dumps import read_manifest
from iokg.store import open_read_only, resolve_store
from sparql_server import in_process

DUMPS = {
    "iokg.trig": ("application/trig", ox.RdfFormat.TRIG),
    "iokg.nq": ("application/n-quads", ox.RdfFormat.N_QUADS),
    "iokg.jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
DCTERMS = rdflib.DCTERMS
META_RELEASE_GRAPH = vocab.GRAPH_RELEASE + "meta-2023-q2-spamouflage-indicators"


@pytest.fixture(scope="module")
def data_server(data_site):
    return data_site


@pytest.fixture(scope="module")
def served_quads(data_store) -> set[ox.Quad]:
    return set(open_read_only(data_store))


def error_of(response: httpx.Response, status: int, type_: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["type"] == type_
    return body["error"]["message"]


@pytest.mark.parametrize("name", sorted(DUMPS))
@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_each_dump_reloads_to_exactly_the_served_quads(data_server, served_quads, name, compressed):
    media_type, fmt = DUMPS[name]
    r = data_server.get(f"/dumps/{name}{'.gz' if compressed else ''}", timeout=30)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == ("application/gzip" if compressed else media_type)
    body = gzip.decompress(r.content) if compressed else r.content
    fresh = ox.Store()
    fresh.load(body, format=fmt)
    assert len(fresh) == len(served_quads) > 7000
    assert set(fresh) == served_quads


def test_dumps_carry_validators_tied_to_the_build(data_server, data_store):
    build_id = resolve_store(data_store).name
    manifest = read_manifest(resolve_store(data_store) / "dumps")
    url = data_server.url + "/dumps/iokg.nq.gz"
    r = httpx.get(url)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert etag == f'"{build_id}/iokg.nq.gz"'
    assert parsedate_to_datetime(modified) == manifest.built
    assert r.headers["content-length"] == str(len(r.content))
    assert hashlib.sha256(r.content).hexdigest() == manifest.file("iokg.nq.gz").sha256

    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", W/{etag}'},
                    {"If-None-Match": "*"}, {"If-Modified-Since": modified}):
        again = httpx.get(url, headers=headers)
        assert again.status_code == 304, headers
        assert again.content == b""
        assert again.headers["etag"] == etag and again.headers["last-modified"] == modified
    earlier = format_datetime(manifest.built.replace(year=manifest.built.year - 1), usegmt=True)
    for headers in ({"If-None-Match": '"an-older-build/iokg.nq.gz"'},
                    {"If-Modified-Since": earlier},
                    # If-None-Match decides when both are given
                    {"If-None-Match": '"an-older-build/iokg.nq.gz"', "If-Modified-Since": modified},
                    {"If-Modified-Since": "not a date"}):
        assert httpx.get(url, headers=headers).status_code == 200, headers
    head = httpx.head(url)
    assert head.status_code == 200 and head.headers["etag"] == etag and head.content == b""


def test_the_listing(data_server, data_store, served_quads):
    r = data_server.get("/dumps/")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    listing = r.json()
    assert listing["build"] == resolve_store(data_store).name
    assert listing["triples"] == len(served_quads)
    assert {g["name"]: g["triples"] for g in listing["graphs"]} == {
        g: sum(1 for q in served_quads if q.graph_name.value == g)
        for g in (vocab.GRAPH_DATA, vocab.GRAPH_ONTOLOGY, vocab.GRAPH_TECHNIQUES, vocab.GRAPH_DERIVED,
                  vocab.GRAPH_SUPPORTED, vocab.GRAPH_EVIDENCE, META_RELEASE_GRAPH)}
    assert [d["name"] for d in listing["dumps"]] == [
        "iokg.trig", "iokg.trig.gz", "iokg.nq", "iokg.nq.gz", "iokg.jsonld", "iokg.jsonld.gz",
        "iokg.stix.json", "claims.csv"]
    for d in listing["dumps"]:
        file = httpx.get(d["url"], timeout=30)
        assert len(file.content) == d["bytes"]
        assert hashlib.sha256(file.content).hexdigest() == d["sha256"]
    assert listing["void"] == data_server.url + "/.well-known/void"
    assert listing["sparql"] == data_server.url + "/sparql"


def test_the_listing_for_a_browser_is_a_page(data_server):
    r = data_server.get("/dumps/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Accept" in r.headers["vary"]
    for name in ("iokg.trig", "iokg.nq.gz", "iokg.jsonld"):
        assert f'href="{data_server.url}/dumps/{name}"' in r.text
    assert "CC BY-SA 4.0" in r.text


def test_unknown_dump_is_404(data_server):
    message = error_of(data_server.get("/dumps/iokg.xlsx"), 404, "not_found")
    assert "iokg.trig" in message


def test_a_store_not_built_by_iokg_has_no_dumps(server):
    message = error_of(httpx.get(server.url + "/dumps/"), 404, "not_found")
    assert "iokg build" in message
    error_of(httpx.get(server.url + "/dumps/iokg.trig"), 404, "not_found")
    error_of(httpx.get(server.url + "/.well-known/void"), 404, "not_found")


def test_a_new_build_brings_new_dumps_and_validators(tmp_path):
    from conftest import BASIC

    store = tmp_path / "store"
    build(BASIC, store)
    with in_process(store, max_concurrent_queries=1) as s:
        first = s.get("/dumps/iokg.trig")
        build(BASIC, store)
        r = s.get("/dumps/iokg.trig", headers={"If-None-Match": first.headers["etag"]})
        assert r.status_code == 200
        assert r.headers["etag"] != first.headers["etag"]
        assert r.headers["etag"] == f'"{resolve_store(store).name}/iokg.trig"'
        assert r.content == first.content  # same data, same bytes


def test_build_writes_the_dumps_into_the_build_and_the_export(data_store):
    folder = resolve_store(data_store) / "dumps"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*DUMPS, *(n + ".gz" for n in DUMPS), "iokg.stix.json", "claims.csv", "manifest.json"])
    assert data_store.with_suffix(".trig").read_bytes() == (folder / "iokg.trig").read_bytes()


# -- VoID ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "fmt"), [(None, "turtle"), ("text/turtle", "turtle"),
                                             ("application/ld+json", "json-ld"),
                                             ("application/rdf+xml", "xml"),
                                             ("application/n-triples", "nt")])
def test_void_describes_the_dataset(data_server, data_store, served_quads, accept, fmt):
    r = data_server.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == {
        "turtle": "text/turtle", "json-ld": "application/ld+json", "xml": "application/rdf+xml",
        "nt": "application/n-triples"}[fmt]
    g = rdflib.Graph().parse(data=r.content, format=fmt)
    ds = g.value(predicate=rdflib.RDF.type, object=VOID.Dataset, any=True)
    datasets = set(g.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    ds = datasets.pop()
    assert (ds, rdflib.RDF.type, VOID.Dataset) in g
    assert g.value(ds, VOID.triples).toPython() == len(served_quads)
    manifest = read_manifest(resolve_store(data_store) / "dumps")
    assert g.value(ds, DCTERMS.modified).toPython() == manifest.built
    assert g.value(ds, VOID.sparqlEndpoint) == rdflib.URIRef(data_server.url + "/sparql")
    service = g.value(ds, DCAT.accessService)
    assert g.value(service, DCAT.endpointURL) == rdflib.URIRef(data_server.url + "/sparql")

    licences = {}
    for subset in g.objects(ds, VOID.subset):
        graph = str(g.value(subset, SD.name))
        assert g.value(subset, VOID.triples).toPython() == sum(
            1 for q in served_quads if q.graph_name.value == graph)
        licences[graph] = str(g.value(subset, DCTERMS.license))
    assert licences == {
        vocab.GRAPH_DATA: "https://www.apache.org/licenses/LICENSE-2.0",
        vocab.GRAPH_ONTOLOGY: "https://www.apache.org/licenses/LICENSE-2.0",
        vocab.GRAPH_TECHNIQUES: "https://creativecommons.org/licenses/by-sa/4.0/",
        vocab.GRAPH_DERIVED: "https://www.apache.org/licenses/LICENSE-2.0",
        vocab.GRAPH_SUPPORTED: "https://www.apache.org/licenses/LICENSE-2.0",
        vocab.GRAPH_EVIDENCE: "https://www.apache.org/licenses/LICENSE-2.0",
        META_RELEASE_GRAPH: "https://spdx.org/licenses/MIT",
    }
    # the release's content is a graph of its own, crediting Meta under the release's licence
    release = next(s for s in g.objects(ds, VOID.subset) if str(g.value(s, SD.name)) == META_RELEASE_GRAPH)
    assert str(g.value(release, DCTERMS.source)) == vocab.source_iri("meta-2023-q2-spamouflage-indicators")
    assert str(g.value(release, DCTERMS.rights)) == "Indicators: Meta, facebook/threat-research, MIT License."

    dumps = {str(u) for u in g.objects(ds, VOID.dataDump)}
    # void:dataDump is for RDF dumps; the STIX bundle is a distribution only
    assert dumps == {f"{data_server.url}/dumps/{f.name}" for f in manifest.files
                     if f.format not in ("STIX 2.1", "CSV")}
    for dist in g.objects(ds, DCAT.distribution):
        url = str(g.value(dist, DCAT.downloadURL))
        file = manifest.file(url.rsplit("/", 1)[1])
        assert g.value(dist, DCAT.byteSize).toPython() == file.bytes
        assert str(g.value(dist, DCTERMS["format"])) == file.format_iri
        checksum = g.value(dist, rdflib.URIRef("http://spdx.org/rdf/terms#checksum"))
        assert str(g.value(checksum, rdflib.URIRef("http://spdx.org/rdf/terms#checksumValue"))) == file.sha256
    assert len(set(g.objects(ds, DCAT.distribution))) == 8


def test_void_is_negotiated_and_revalidated(data_server):
    url = data_server.url + "/.well-known/void"
    error_of(httpx.get(url, headers={"Accept": "image/png"}), 406, "not_acceptable")
    r = httpx.get(url)
    assert "Accept" in r.headers["vary"]
    assert httpx.get(url, headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    other = httpx.get(url, headers={"Accept": "application/ld+json"})
    assert other.headers["etag"] != r.headers["etag"]
