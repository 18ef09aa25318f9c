"""Property-based fuzzing of every JSON route of the OpenAPI schema with schemathesis, against a real
server process over HTTP: valid parameters and invalid ones (wrong types, odd strings, huge numbers,
missing values). Whatever is sent, the answer is never a 5xx (schemathesis' `not_a_server_error`
check), and every error is in the one JSON error shape. Examples are bounded (`MAX_EXAMPLES` per
route and mode, derandomized) so the whole run stays well under a minute.

The schema is the app's own (``app.openapi()``), read at collection, so each route is a test of its
own; hypothesis drives schemathesis' strategies directly (its pytest plugin does not load on this
pytest).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from iokg.api.app import create_app
from iokg.settings import Settings
from test_faults import serve

#: Examples per route and generation mode (valid, then invalid input).
MAX_EXAMPLES = 8

SCHEMA = schemathesis.openapi.from_dict(create_app(Settings(store=Path("/nonexistent/store"))).openapi())
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}


@pytest.fixture(scope="module")
def fuzzed_server(basic_store):
    with serve(basic_store, query_timeout_ms=2000, max_concurrent_queries=2) as server:
        yield server


@pytest.fixture(scope="module")
def session():
    with requests.Session() as s:
        yield s


def test_the_fuzzing_covers_every_json_route():
    assert {"GET /sparql", "POST /sparql", "GET /search", "GET /entities/{id}", "GET /claims/{id}",
            "GET /sources/{id}", "GET /dumps/{name}", "GET /datasets/sql", "POST /datasets/sql",
            "GET /queries/{name}", "GET /id/{kind}/{rest}", "GET /releases/{id}/indicators"} <= set(OPERATIONS)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_route_answers_a_server_error_whatever_it_is_sent(fuzzed_server, session, label):
    operation = OPERATIONS[label]
    seen: dict[GenerationMode, list[int]] = {}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        statuses = seen.setdefault(mode, [])

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case) -> None:
            response = case.call(base_url=fuzzed_server.url, session=session, timeout=30)
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])
            kind = response.headers.get("content-type", [""])
            kind = kind[0] if isinstance(kind, list) else kind
            if response.status_code >= 400 and kind.startswith("application/json"):
                error = json.loads(response.content)["error"]
                assert error["status"] == response.status_code and error["type"] and error["message"], error

        try:
            fuzz()
        except Unsatisfiable:
            # nothing the schema forbids can be sent (no parameters, or free strings only)
            assert mode is GenerationMode.NEGATIVE and not statuses, label
    assert seen[GenerationMode.POSITIVE], "no request was made"
    assert fuzzed_server.process.poll() is None  # and the server is still there
