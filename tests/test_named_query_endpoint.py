"""`GET /queries/{name}` answered by `iokg.api.routers.lookups.NamedQueryEndpoint` when the build's
materialized rows hold the answer: the same bytes and headers as the route, and everything else
(errors, queries not filed) left to the route."""

from __future__ import annotations

import pytest

from iokg.errors import IokgError
from iokg.sparql.service import QueryService

CLAIM = "panda-a--attributedTo--center"

ASKED = [
    ("/queries/corroboration", {"claim": CLAIM}, {}),
    ("/queries/corroboration", {"claim": CLAIM, "as": "csv"}, {}),
    ("/queries/assertions", {"entity": "panda-a"}, {"Accept": "text/tab-separated-values"}),
    ("/queries/attribution", {"entity": "panda-a", "as_of": "2030"}, {}),
    ("/queries/exists", {"thing": "https://w3id.org/iokg/id/entity/panda-a"}, {}),
]


def _served_by_route(monkeypatch):
    """Take the fast path away: only the route's own reading is left."""
    monkeypatch.setattr(QueryService, "materialized_rows", lambda self, name, values: None)


@pytest.mark.parametrize(("path", "params", "headers"), ASKED)
def test_the_fast_path_answers_as_the_route_does(lookups_store_path, sites, monkeypatch, path, params, headers):
    site = sites(lookups_store_path)
    fast = site.get(path, params=params, headers=headers)
    assert fast.status_code == 200, fast.text[:300]
    with monkeypatch.context() as m:
        _served_by_route(m)
        routed = site.get(path, params=params, headers=headers)
    assert routed.status_code == 200
    assert fast.content == routed.content
    for name in ("content-type", "vary", "x-content-type-options", "content-security-policy"):
        assert fast.headers.get(name) == routed.headers.get(name), name


def test_the_fast_path_needs_no_worker_and_no_route(lookups_store_path, sites, monkeypatch):
    site = sites(lookups_store_path)

    async def no_worker(self, *args, **kwargs):
        raise AssertionError("a filed answer reached the query door")

    monkeypatch.setattr(QueryService, "rows", no_worker)
    r = site.get("/queries/corroboration", params={"claim": CLAIM})
    assert r.status_code == 200 and r.json()["rows"][0]["claim"].endswith(CLAIM)


@pytest.mark.parametrize(("params", "status", "kind"), [
    ({"claim": "panda-a--attributedTo--nobody"}, 404, "not_found"),
    ({"claim": CLAIM, "as": "xlsx"}, 400, "invalid_request"),
    ({"claim": "not an id!"}, 400, "invalid_query"),
])
def test_what_the_fast_path_cannot_answer_the_route_answers_in_the_error_shape(
        lookups_store_path, sites, params, status, kind):
    r = sites(lookups_store_path).get("/queries/corroboration", params=params)
    assert r.status_code == status, r.text[:300]
    assert r.json()["error"]["type"] == kind


def test_a_query_the_build_does_not_file_goes_to_the_worker(lookups_store_path, sites, monkeypatch):
    site = sites(lookups_store_path)
    asked = []
    original = QueryService.rows

    async def counted(self, name, values):
        asked.append(name)
        return await original(self, name, values)

    monkeypatch.setattr(QueryService, "rows", counted)
    r = site.get("/queries/stats")
    assert r.status_code == 200 and r.json()["rows"]
    assert asked == ["stats"]


def test_materialized_rows_refuses_what_rows_refuses(lookups_store_path, sites):
    service = sites(lookups_store_path).app.state.service
    with pytest.raises(IokgError):
        service.materialized_rows("no-such-query", {})
    assert service.materialized_rows("stats", {}) is None
    named, rows = service.materialized_rows("corroboration", {"claim": CLAIM})
    assert named.name == "corroboration" and rows.rows
