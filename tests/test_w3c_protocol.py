"""The W3C SPARQL 1.1 Protocol test suite (all 34 entries of its manifest), run from the
manifest itself against a real uvicorn process.

The manifest (``tests/fixtures/w3c-protocol/``, see its SOURCE.md) describes each test as HTTP
requests and the responses expected. Its paths start with ``/sparql/``; ours is ``/sparql``.
Each ``ut:graphData`` file is loaded as the named graph its label names.

The service is read-only, so the suite is run in its read-only reading: a request that is an
update (``application/sparql-update``, or an ``update`` parameter) must be refused with 403 in the
error shape instead of succeeding, and a later ASK that checks what the update wrote must answer
false, since nothing was written. Every other expectation is the manifest's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

from sparql_server import running_server

SUITE = Path(__file__).parent / "fixtures" / "w3c-protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    expected_format: str | None = None
    expected_boolean: bool | None = None

    @property
    def is_update(self) -> bool:
        media = self.headers.get("content-type", "").split(";")[0].strip()
        params = parse_qsl(urlsplit(self.path).query)
        if media == "application/x-www-form-urlencoded" and self.body:
            params += parse_qsl(self.body.decode("ascii", "replace"))
        return media == "application/sparql-update" or any(n == "update" for n, _ in params)


@dataclass
class ProtocolTest:
    name: str
    label: str
    requests: list[Request]
    graphs: dict[str, Path] = field(default_factory=dict)


def load_manifest() -> list[ProtocolTest]:
    g = rdflib.Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        requests = []
        for node in Collection(g, g.value(action, HT.requests)):
            headers = {}
            header_list = g.value(node, HT.headers)
            if header_list is not None:
                for h in Collection(g, header_list):
                    headers[str(g.value(h, HT.fieldName)).lower()] = str(g.value(h, HT.fieldValue))
            body = None
            body_node = g.value(node, HT.body)
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding)
            response = g.value(node, HT.resp)
            expected_boolean = g.value(response, MF.expectedBoolean)
            expected_format = g.value(response, MF.expectedFormat)
            requests.append(Request(
                method=str(g.value(node, HT.methodName)),
                path=str(g.value(node, HT.absolutePath)),
                headers=headers,
                body=body,
                statuses={str(s)[len(HTS):] for s in g.objects(response, MF.expectedStatus)},
                expected_format=str(expected_format) if expected_format is not None else None,
                expected_boolean=expected_boolean.toPython() if expected_boolean is not None else None,
            ))
        graphs = {str(g.value(d, rdflib.RDFS.label)): SUITE / Path(str(g.value(d, UT.graph))).name
                  for d in g.objects(entry, UT.graphData)}
        tests.append(ProtocolTest(str(entry).split("#")[-1], str(g.value(entry, MF.name)),
                                  requests, graphs))
    return tests


TESTS = load_manifest()


def test_the_manifest_has_its_34_tests():
    assert len(TESTS) == 34
    # 14 tests are about updates; two of them send one as text/plain or without a media type,
    # which is no update request at all (415, a 4xx as they expect)
    assert sum(1 for t in TESTS if any(r.is_update for r in t.requests)) == 12


@pytest.fixture(scope="module")
def suite_server(tmp_path_factory):
    """A server over the suite's data: each data file in the named graph its label names."""
    path = tmp_path_factory.mktemp("w3c") / "store"
    store = ox.Store(str(path))
    graphs = {name: file for t in TESTS for name, file in t.graphs.items()}
    for name, file in graphs.items():
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
                          for t in ox.parse(path=str(file), format=ox.RdfFormat.N_TRIPLES))
    store.flush()
    del store
    with running_server(path) as server:
        yield server


def status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


RESULTS_FORMATS = {f.media_type: f for f in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML,
                                             ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)}


def check_body(response: httpx.Response, request: Request, expected_boolean: bool | None) -> None:
    media = response.headers["content-type"].split(";")[0].strip()
    if request.expected_format in ("boolean", "tabular"):
        fmt = RESULTS_FORMATS.get(media)
        assert fmt is not None, f"{media} is no SPARQL results format"
        results = ox.parse_query_results(response.content, fmt)
        if request.expected_format == "boolean":
            assert isinstance(results, ox.QueryBoolean)
            if expected_boolean is not None:
                assert bool(results) is expected_boolean
        else:
            assert isinstance(results, ox.QuerySolutions)
            assert [v.value for v in results.variables] == ["value"]
            assert [row["value"].value for row in results] == ["1"]
    elif request.expected_format == "RDF":
        fmt = ox.RdfFormat.from_media_type(media)
        assert fmt is not None, f"{media} is no RDF format"
        triples = list(ox.parse(response.content, format=fmt))
        if b"CONSTRUCT" in (request.body or b""):
            assert len(triples) == 1 and triples[0].object == ox.Literal(
                "1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(suite_server, test: ProtocolTest):
    refused_update = False
    for request in test.requests:
        path = request.path.replace("/sparql/", "/sparql", 1)
        r = httpx.request(request.method, suite_server.url + path, headers=request.headers,
                          content=request.body, timeout=30)
        expected = set(request.statuses)
        if request.is_update:
            assert r.status_code == 403, (test.name, r.status_code, r.text)
            error = r.json()["error"]
            assert error["type"] == "forbidden" and "read-only" in error["message"]
            refused_update = True
            continue
        assert status_class(r.status_code) in expected, (test.name, r.status_code, r.text)
        if r.status_code < 300:
            boolean = request.expected_boolean
            if refused_update and boolean is True:
                boolean = False  # what the refused update would have written is not there
            check_body(r, request, boolean)
        elif r.status_code >= 400:
            assert set(json.loads(r.content)) == {"error"}
