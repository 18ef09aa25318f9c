"""The lookup routes over HTTP, against a real uvicorn process serving the fixture store."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

ERROR_KEYS = {"status", "type", "message"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def client(lookups_store_path, tmp_path_factory):
    port = _free_port()
    env = {**os.environ, "IOKG_STORE": str(lookups_store_path)}
    log = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "iokg.api.app:create_app_from_env",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # wait until it answers (polling, not an assertion)
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {proc.returncode}:\n{log.read_text()}")
            try:
                httpx.get(base + "/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn did not answer within 30 s:\n{log.read_text()}")
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=10, follow_redirects=False) as c:
            yield c
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def error_of(response, status: int, kind: str | tuple[str, ...]) -> str:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    kinds = (kind,) if isinstance(kind, str) else kind
    assert body["error"]["status"] == status and body["error"]["type"] in kinds, body
    return body["error"]["message"]


# ---------------------------------------------------------------- routes
def test_search(client):
    body = client.get("/search", params={"q": "Panda"}).json()
    assert [(h["id"], h["kind"], h["matched"], h["exact"], h["field"]) for h in body["results"][:2]] == [
        ("panda-a", "entity", "Panda", True, "alias"), ("panda-b", "entity", "Panda", True, "alias")]
    assert body["results"][0]["url"] == "https://w3id.org/iokg/id/entity/panda-a"
    assert body["truncated"] is False and body["offset"] == 0 and body["total"] == len(body["results"])
    body = client.get("/search", params={"q": "panda", "limit": 1}).json()
    assert [h["id"] for h in body["results"]] == ["panda-a"] and body["truncated"] is True
    second = client.get("/search", params={"q": "panda", "limit": 1, "offset": 1}).json()
    assert [h["id"] for h in second["results"]] == ["panda-b"]
    body = client.get("/search", params={"q": "lab a", "kind": "publisher"}).json()
    assert [(h["kind"], h["id"], h["sources"], h["url"]) for h in body["results"]] == [
        ("publisher", "Lab A", 1, "https://w3id.org/iokg/sources?publisher=Lab+A")]
    assert client.get("/search", params={"q": '"} ; DROP ALL ; {'}).json()["results"] == []


def test_entity(client):
    body = client.get("/entities/panda-a").json()
    assert (body["id"], body["type"], body["label"]) == ("panda-a", "cluster", "PANDA-A")
    claims = {c["id"]: c for c in body["claims"]}
    att = claims["panda-a--attributedTo--center"]
    assert [a["source"]["id"] for a in att["assertions"]["supports"]] == ["gov-2023-report", "wiki-2024-dragon"]
    assert [a["source"]["id"] for a in att["assertions"]["denies"]] == ["ministry-2023-denial"]
    assert att["corroboration"]["independent_origins"] == 1
    assert [o["id"] for o in att["corroboration"]["origins"]] == ["government-agency-d"]
    assert att["corroboration"]["relays"] == ["wiki-2024-dragon"]
    assert [(x["party"]["id"], x["stance"]) for x in att["corroboration"]["contesting"]] == [
        ("ministry", "denies"), ("skeptic-institute", "disputes")]
    wiki = att["assertions"]["supports"][1]
    assert (wiki["said_by"]["id"], wiki["via"], wiki["own_voice"]) == ("government-agency-d", ["gov-2023-report"], False)
    assert att["assertions"]["supports"][0]["likelihood"] == {"key": "very-likely", "label": "very likely", "rank": 6}
    assert body["aliases"] == [{"name": "Panda", "sources": [{
        "id": "lab-2019-dragon", "iri": "https://w3id.org/iokg/id/source/lab-2019-dragon",
        "title": "The Dragon Network: a first look", "publisher": "Lab A", "publisher_id": "lab-a",
        "kind": "research-report",
        "kind_label": "research report", "date": "2019-09"}]}]


def test_attribution(client):
    body = client.get("/entities/panda-a/attribution").json()
    assert sorted(c["nodes"] for c in body["chains"]) == [["panda-a", "center", "city-gov"],
                                                         ["panda-a", "dragon", "ministry"]]
    assert body["as_of"] is None
    body = client.get("/entities/panda-a/attribution", params={"as_of": "2019-09-30"}).json()
    assert body["as_of"] == "2019-09-30"
    assert {h["claim"] for h in body["hops"]} == {"panda-a--partOf--dragon", "dragon--attributedTo--ministry"}
    assert [c["hops"] for c in body["chains"]] == [["panda-a--partOf--dragon", "dragon--attributedTo--ministry"]]
    hop = next(h for h in body["hops"] if h["claim"] == "panda-a--partOf--dragon")
    assert (hop["subject"]["id"], hop["object"]["id"], hop["supported"]) == ("panda-a", "dragon", True)


@pytest.mark.parametrize(("as_of", "day"), [("2019", "2019-12-31"), ("2019-09", "2019-09-30"),
                                             ("2019-09-30", "2019-09-30"), ("2019-08", "2019-08-31")])
def test_attribution_as_of_takes_a_year_month_or_day_up_to_its_last_day(client, as_of, day):
    by_day = client.get("/entities/panda-a/attribution", params={"as_of": day}).json()
    body = client.get("/entities/panda-a/attribution", params={"as_of": as_of}).json()
    assert body["as_of"] == day
    assert body["hops"] == by_day["hops"] and body["chains"] == by_day["chains"]
    rows = client.get("/queries/attribution", params={"entity": "panda-a", "as_of": as_of}).json()["rows"]
    assert {r["as_of"] for r in rows} <= {day}


def test_attribution_as_of_month_counts_the_month_lab_dated_by_month(client):
    # the lab's report is dated 2019-09: it counts from 2019-09-30, so not as of August
    august = client.get("/entities/panda-a/attribution", params={"as_of": "2019-08"}).json()
    september = client.get("/entities/panda-a/attribution", params={"as_of": "2019-09"}).json()
    assert august["hops"] == [] and september["hops"]


def test_bad_as_of_names_the_accepted_forms(client):
    message = error_of(client.get("/entities/panda-a/attribution", params={"as_of": "2019-13"}), 400, "invalid_query")
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in message and "2019-13" in message


def test_claim(client):
    body = client.get("/claims/panda-a--accountCount--about-300").json()
    assert (body["value"], body["value_type"], body["qualifier"], body["object"]) == ("300", "integer", "about", None)
    assert [o["id"] for o in body["corroboration"]["origins"]] == ["lab-a"]
    assert body["corroboration"]["independent_origins"] == 1


def test_source(client):
    body = client.get("/sources/gov-2023-report").json()
    assert body["sha256"] == "f6c33e36724096457ef3f000f458f5b50278da1c421dbed5b85d0567944a345e"
    assert body["handling"] == "U//FOUO"
    assert [d["id"] for d in body["derivatives"]] == ["wiki-2024-dragon"]
    assert {(c["claim"]["id"], c["assertion"]["stance"]) for c in body["claims"]} == {
        ("panda-a--attributedTo--center", "supports"), ("center--subOrganizationOf--city-gov", "supports"),
        ("panda-a--accountCount--450", "supports")}
    relay = client.get("/sources/daily-2019-relay").json()
    assert [d["id"] for d in relay["derived_from"]] == ["lab-2019-dragon"]


def test_queries_list_and_run(client):
    listed = {q["name"]: q for q in client.get("/queries").json()}
    assert {"assertions", "attribution", "corroboration", "entity", "searchable", "source", "technique"} <= set(listed)
    assert listed["corroboration"]["title"] == "Independent origins per claim"
    assert listed["attribution"]["params"] == [
        {"name": "entity", "type": "entity", "optional": False,
         "description": "where the chains start, a cluster or campaign id, e.g. spicypanda"},
        {"name": "as_of", "type": "date", "optional": True,
         "description": "only assertions dated on or before this day (YYYY-MM-DD; a year or month counts "
                        "to its last day)"}]
    body = client.get("/queries/corroboration", params={"claim": "panda-a--attributedTo--center"}).json()
    assert body["truncated"] is False
    assert len(body["rows"]) == 1
    row = body["rows"][0]
    assert (row["independentOrigins"], row["supportingAssertions"], row["origins"], row["relays"],
            row["contesting"]) == (1, 2, "government-agency-d", "wiki-2024-dragon", "ministry skeptic-institute")
    assert row["claim"] == "https://w3id.org/iokg/id/claim/panda-a--attributedTo--center"
    body = client.get("/queries/assertions", params={"source": "ministry-2023-denial"}).json()
    assert {r["assertion"] for r in body["rows"]} == {
        "https://w3id.org/iokg/id/assertion/panda-a--attributedTo--center/ministry-2023-denial/ministry",
        "https://w3id.org/iokg/id/assertion/dragon--attributedTo--ministry/ministry-2023-denial/ministry"}
    assert "stance" in body["columns"]


CORRO = ("/queries/corroboration", {"claim": "panda-a--attributedTo--center"})


@pytest.mark.parametrize(("how", "media_type"), [
    ({"headers": {"Accept": "text/csv"}}, "text/csv"),
    ({"params": {"as": "csv"}}, "text/csv"),
    ({"headers": {"Accept": "text/tab-separated-values"}}, "text/tab-separated-values"),
    ({"params": {"as": "tsv"}, "headers": {"Accept": "application/json"}}, "text/tab-separated-values"),
])
def test_named_query_as_csv_and_tsv(client, how, media_type):
    path, params = CORRO
    r = client.get(path, params={**params, **how.get("params", {})}, headers=how.get("headers", {}))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in r.headers["vary"]
    as_json = client.get(path, params=params).json()
    if media_type == "text/csv":
        table = list(csv.reader(io.StringIO(r.text)))
    else:
        table = [line.split("\t") for line in r.text.splitlines()]
    assert table[0] == as_json["columns"]
    assert [dict(zip(table[0], line)) for line in table[1:]] == [
        {c: str(row.get(c, "")) for c in as_json["columns"]} for row in as_json["rows"]]


@pytest.mark.parametrize(("params", "headers"), [({}, {}), ({"as": "json"}, {"Accept": "text/csv"}),
                                                 ({}, {"Accept": "text/html,*/*;q=0.8"})])
def test_named_query_json_by_default_and_by_as(client, params, headers):
    path, claim = CORRO
    r = client.get(path, params={**claim, **params}, headers=headers)
    assert r.headers["content-type"] == "application/json"
    assert r.json()["rows"][0]["independentOrigins"] == 1


def test_named_query_format_errors(client):
    path, params = CORRO
    error_of(client.get(path, params={**params, "as": "xlsx"}), 400, "invalid_request")
    error_of(client.get(path, params=params, headers={"Accept": "image/png"}), 406, "not_acceptable")


@pytest.mark.parametrize(("path", "params", "words"), [
    ("/queries/corroboration", {"claim": "panda-a--attributedTo--nobody"}, "no claim with id 'panda-a--attributedTo--nobody'"),
    ("/queries/assertions", {"source": "no-such-report"}, "no source with id 'no-such-report'"),
    ("/queries/assertions", {"entity": "nobody"}, "no entity with id 'nobody'"),
    ("/queries/attribution", {"entity": "lab-2019-dragon"}, "no entity with id 'lab-2019-dragon'"),
])
def test_named_query_id_that_names_nothing_is_404(client, path, params, words):
    message = error_of(client.get(path, params=params), 404, "not_found")
    assert words in message
    for fmt in ("csv", "tsv"):
        error_of(client.get(path, params={**params, "as": fmt}), 404, "not_found")


def test_iri_dereferencing_redirects(client):
    for path, target in [("/id/entity/panda-a", "/entities/panda-a"),
                         ("/id/entity/dragon/alias/storm-9", "/entities/dragon"),
                         ("/id/source/lab-2019-dragon", "/sources/lab-2019-dragon"),
                         ("/id/claim/panda-a--partOf--dragon", "/claims/panda-a--partOf--dragon"),
                         ("/id/assertion/panda-a--partOf--dragon/wiki-2024-dragon", "/claims/panda-a--partOf--dragon"),
                         ("/id/technique/T0049.004", "/techniques/T0049.004"), ("/id/tactic/TA17", "/techniques/TA17")]:
        r = client.get(path, headers={"host": "evil.example"})
        assert r.status_code == 303
        assert r.headers["location"] == target  # a path: the Host header cannot send anyone elsewhere
        assert client.get(r.headers["location"]).status_code == 200
    error_of(client.get("/id/graph/data"), 404, "not_found")
    error_of(client.get("/techniques/T9999"), 404, "not_found")
    error_of(client.get("/techniques/spamouflage"), 404, "not_found")


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("path", ["/entities/nobody", "/entities/x%3E%20%7D%20%3B%20DROP", "/entities/nobody/attribution",
                                  "/claims/nope--partOf--nothing", "/claims/x%3E%20%7D%20%3B%20DROP",
                                  "/sources/panda-a", "/queries/nope"])
def test_not_found_in_error_shape(client, path):
    assert error_of(client.get(path), 404, "not_found")


def test_unknown_route_in_error_shape(client):
    error_of(client.get("/no/such/route"), 404, "not_found")


@pytest.mark.parametrize("path,params", [
    ("/search", {"q": ""}), ("/search", {}), ("/search", {"q": "a", "limit": "many"}),
    ("/search", {"q": "a", "limit": 0}),
    ("/entities/panda-a/attribution", {"as_of": "2019-13"}),
    ("/entities/panda-a/attribution", {"as_of": "2019-9"}),
    ("/entities/panda-a/attribution", {"as_of": "yesterday"}),
    ("/search", {"q": "a", "kind": "spaceship"}), ("/search", {"q": "a", "offset": -1}),
    ("/queries/attribution", {"entity": "panda-a", "as_of": "2019-02-30"}),
    ("/queries/corroboration", {"bogus": "1"}),
    ("/queries/corroboration", {"claim": "x> } ; DROP"}),
    ("/queries/attribution", {}),
])
def test_bad_parameters_are_400_in_error_shape(client, path, params):
    # FastAPI's own parameter checks say invalid_request; the core's say invalid_query
    message = error_of(client.get(path, params=params), 400, ("invalid_query", "invalid_request"))
    assert message


# ---------------------------------------------------------------- OpenAPI
def test_openapi_lists_routes_and_schemas(client):
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for route in ["/search", "/entities/{id}", "/entities/{id}/attribution", "/claims/{id}", "/sources/{id}",
                  "/queries", "/queries/{name}", "/id/{kind}/{rest}"]:
        assert "get" in paths[route], route
    schemas = doc["components"]["schemas"]
    for name in ["SearchResults", "EntityView", "ClaimView", "AttributionView", "Hop", "Chain", "SourceView",
                 "AssertionView", "StanceGroups", "Corroboration", "NamedQueryInfo", "QueryRows"]:
        assert name in schemas, name
    ok = paths["/entities/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/EntityView"}
    params = {p["name"]: p for p in paths["/entities/{id}/attribution"]["get"]["parameters"]}
    assert params["as_of"]["in"] == "query"


def test_named_query_obeys_the_row_cap_setting(lookups_store_path, sites):
    body = sites(lookups_store_path, max_result_rows=5).get("/queries/stats").json()
    assert len(body["rows"]) == 5
    assert body["truncated"] is True
