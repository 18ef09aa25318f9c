"""The query service's two doors and the lookups' store, over real worker processes: slots waited for
without threads, the time limit inside the pool for lookups too, errors that cross the pipe as
themselves, typed parameters, and the same query asked twice in one slot run once."""

from __future__ import annotations

import asyncio
import datetime as dt
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from iokg import errors, provenance
from iokg.dates import AsOf
from iokg.queries import get_query
from iokg.sparql.negotiation import Formats
from iokg.sparql.service import QueryService
from iokg.sparql.worker import RowsJob

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 3000^3 rows
SIMPLE = "SELECT ?o WHERE { <http://example.org/n7> ?p ?o }"
CSV = Formats("text/csv", "application/n-triples")


def run(coroutine):
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps a loop running in this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def service(store: Path, **limits) -> QueryService:
    settings = {"query_timeout_ms": 5000, "max_result_rows": 10, "max_concurrent_queries": 1, **limits}
    return QueryService(store, **settings)


def test_requests_wait_for_a_slot_on_the_event_loop_not_on_threads(big_store):
    """With one worker busy on a slow query, twenty more requests wait without taking a thread each."""

    async def scenario():
        async with service(big_store, query_timeout_ms=1500) as s:
            threads_before = threading.active_count()
            slow = asyncio.create_task(s.sparql(RUNAWAY, formats=CSV))
            await asyncio.sleep(0.2)  # the slow query holds the only slot
            waiting = [asyncio.create_task(s.sparql(SIMPLE, formats=CSV)) for _ in range(20)]
            await asyncio.sleep(0.3)
            threads_while_waiting = threading.active_count()
            assert not any(t.done() for t in waiting), "the requests were answered while the slot was taken"
            outcomes = await asyncio.gather(slow, *waiting, return_exceptions=True)
            return threads_before, threads_while_waiting, outcomes

    threads_before, threads_while_waiting, outcomes = run(scenario())
    # the slot's one thread (waiting on its worker's pipe), not one per waiting request
    assert threads_while_waiting <= threads_before + 1
    slow, *answered = outcomes
    assert isinstance(slow, errors.QueryTimeout) and slow.limit.setting == "IOKG_QUERY_TIMEOUT_MS"
    # each waited at most the time limit for a slot: answered after the kill, or told the slots stayed busy
    for outcome in answered:
        if isinstance(outcome, Exception):
            assert isinstance(outcome, errors.QueryTimeout)
            assert outcome.limit.setting == "IOKG_MAX_CONCURRENT_QUERIES"
        else:
            assert outcome.body == b"o\r\nvalue 7\r\n"


def test_a_lookup_runs_in_the_workers_under_the_time_limit(big_store):
    """A lookup's queries share one time limit; a runaway one is stopped and the service goes on."""

    def lookup(store):
        store.select(SIMPLE)
        return store.select(RUNAWAY)

    async def scenario():
        async with service(big_store, query_timeout_ms=800) as s:
            started = time.monotonic()
            with pytest.raises(errors.QueryTimeout) as stopped:
                await s.lookup(lookup)
            took = time.monotonic() - started
            after = await s.lookup(lambda store: store.select(SIMPLE))
            return stopped.value, took, after

    error, took, after = run(scenario())
    assert error.limit.setting == "IOKG_QUERY_TIMEOUT_MS" and error.limit.value == 800
    assert 0.8 <= took < 10
    assert [row["o"].value for row in after] == ["value 7"]


def test_errors_cross_the_pipe_as_themselves(small_store):
    """A syntax error raised in the worker arrives as that InvalidQuery, its place and expectation kept."""

    async def scenario():
        async with service(small_store) as s:
            with pytest.raises(errors.InvalidQuery) as syntax:
                await s.sparql("SELECT ?s WHERE { ?s ?p", formats=CSV)
            with pytest.raises(errors.Forbidden):
                await s.sparql("INSERT DATA { <http://a> <http://b> <http://c> }", formats=CSV)
            with pytest.raises(errors.NotAcceptable):
                await s.sparql("CONSTRUCT WHERE { ?s ?p ?o }", formats=Formats("text/csv", None))
            return syntax.value

    error = run(scenario())
    assert type(error) is errors.InvalidQuery
    assert error.position == (1, 24) and error.expected
    assert "line 1, column 24" in str(error)


@pytest.mark.parametrize("error", [
    errors.QueryTimeout("slow", limit=errors.Limit("IOKG_QUERY_TIMEOUT_MS", 5)),
    errors.InvalidQuery("bad", position=(2, 3), expected=["}"]),
    errors.RequestTooLarge("big", limit=errors.Limit("IOKG_MAX_REQUEST_BYTES", 10)),
    errors.IngestError([errors.Problem("a.yaml", 4, "x", "wrong")]),
    errors.DatasetNotFound("none"),
])
def test_every_kind_of_error_pickles_as_itself(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)
    assert (copy.limit, copy.position, copy.expected) == (error.limit, error.position, error.expected)


def test_the_named_query_door_binds_typed_values_and_cuts_at_the_row_cap(lookups_store_path):
    async def scenario():
        async with service(lookups_store_path, max_result_rows=3) as s:
            named, rows = await s.rows("stats", {})
            with pytest.raises(errors.EntityNotFound):
                await s.rows("attribution", {"entity": "nobody-at-all"})
            with pytest.raises(errors.InvalidQuery):
                await s.rows("attribution", {"entity": "spicypanda", "as_of": "2020-13"})
            return named, rows

    named, rows = run(scenario())
    assert named.name == "stats" and len(rows.rows) == 3 and rows.truncated
    assert "class" in rows.columns


def test_a_date_is_parsed_once_and_bound_as_given():
    q = get_query("attribution")
    as_text = q.bind({"entity": "spicypanda", "as_of": "2020-06"})
    as_parsed = q.bind({"entity": "spicypanda", "as_of": AsOf.parse("2020-06", "as_of")})
    as_day = q.bind({"entity": "spicypanda", "as_of": dt.date(2020, 6, 30)})
    assert as_text == as_parsed == as_day
    with pytest.raises(errors.InvalidQuery):
        q.bind({"entity": "spicypanda", "as_of": 2020})


@pytest.mark.parametrize("materialized", [False, True])
def test_one_slot_runs_the_same_query_once(lookups_store_path, monkeypatch, materialized):
    """The entity page asks for the entity's head in two lookups: the workers see it once (a store
    without the build's materialized rows); with them, the workers see no query at all."""
    jobs: list[str] = []

    async def scenario():
        async with service(lookups_store_path) as s:
            if not materialized:
                s.materialized = None
            submit = s.executor.submit

            def counted(job, **kwargs):
                if isinstance(job, RowsJob):
                    jobs.append(job.query)
                return submit(job, **kwargs)

            monkeypatch.setattr(s.executor, "submit", counted)

            def page(store):
                return provenance.entity(store, "panda-a"), provenance.attribution(store, "panda-a")

            return await s.lookup(page)

    view, chains = run(scenario())
    assert view.id == "panda-a" and chains.entity.id == "panda-a"
    assert jobs.count(get_query("entity").text) == (0 if materialized else 1)
    assert not materialized or jobs == []
