"""Bounded admission (`iokg.api.admission`): past IOKG_MAX_IN_FLIGHT requests at once, 503 at once.

Through the real app in process (httpx's ASGI transport): one slow page holds the only slot
while other requests arrive; they are refused with Retry-After in the one error shape, and
/healthz never is. The same over a real server under wrk is in tests/test_bench.py.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx

from iokg.api.admission import AdmissionLimit, overloaded_body
from iokg.api.app import create_app
from iokg.settings import Settings


def on_a_thread(coroutine):
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps a loop running in
    this one (under pytest-xdist a worker may have run them before this module)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _app(store, limit: int):
    return create_app(Settings(store=store, max_in_flight=limit))


def test_requests_past_the_limit_are_refused_with_retry_after(basic_store):
    app = _app(basic_store, 1)

    async def run():
        transport = httpx.ASGITransport(app=app)
        # httpx's transport does not run the lifespan that opens the query service: run it here
        async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport,
                                                                         base_url="http://test") as client:
            return await asyncio.gather(client.get("/e/alpha"), *(client.get("/entities/alpha") for _ in range(4)),
                                        client.get("/healthz"))

    first, *others, health = on_a_thread(run())
    assert first.status_code == 200
    refused = [r for r in others if r.status_code == 503]
    assert refused, [r.status_code for r in others]
    for r in refused:
        assert r.headers["retry-after"] == "1"
        assert r.headers["access-control-allow-origin"] == "*"
        error = r.json()["error"]
        assert error["status"] == 503 and error["type"] == "overloaded"
        assert error["limit"] == {"setting": "IOKG_MAX_IN_FLIGHT", "value": 1}
    assert health.status_code == 200


def test_under_the_limit_nothing_is_refused(basic_store):
    app = _app(basic_store, 64)

    async def run():
        transport = httpx.ASGITransport(app=app)
        # httpx's transport does not run the lifespan that opens the query service: run it here
        async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport,
                                                                         base_url="http://test") as client:
            return await asyncio.gather(*(client.get("/entities/alpha") for _ in range(8)))

    assert [r.status_code for r in on_a_thread(run())] == [200] * 8


def test_the_slot_is_given_back_when_the_app_fails():
    async def broken(scope, receive, send):
        raise RuntimeError("boom")

    limit = AdmissionLimit(broken, max_in_flight=1)

    async def run():
        for _ in range(3):
            try:
                await limit({"type": "http", "path": "/x"}, None, None)
            except RuntimeError:
                pass
        return limit.in_flight, limit.refused

    assert on_a_thread(run()) == (0, 0)


def test_refusal_body_is_the_error_shape():
    import json

    doc = json.loads(overloaded_body(7))
    assert set(doc) == {"error"} and doc["error"]["status"] == 503 and "7 requests" in doc["error"]["message"]


def test_a_request_still_sending_its_body_holds_no_place():
    """A client trickling its body is not counted until the body has arrived whole."""
    async def app(scope, receive, send):
        await receive()  # the body first, as a route with a body does
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limit = AdmissionLimit(app, max_in_flight=1)

    async def run():
        never = asyncio.Event()

        async def slow_body():
            await never.wait()  # the body never comes
            return {"type": "http.request", "body": b"", "more_body": False}

        sent = []

        async def send(message):
            sent.append(message)

        slow = asyncio.create_task(limit({"type": "http", "path": "/sparql",
                                          "headers": [(b"content-length", b"100")]}, slow_body, send))
        await asyncio.sleep(0.05)
        answered = []

        async def send_fast(message):
            answered.append(message)

        async def no_body():
            return {"type": "http.request", "body": b"", "more_body": False}

        await limit({"type": "http", "path": "/entities/alpha", "headers": []}, no_body, send_fast)
        slow.cancel()
        return answered[0]["status"], limit.in_flight

    status, in_flight = on_a_thread(run())
    assert status == 200 and in_flight == 0
