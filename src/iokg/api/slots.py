"""A query slot for each request that reads the graph, waited for on the event loop.

Routes that run the core's lookups are plain ``def`` (FastAPI runs them on its thread pool, and
pyoxigraph's results are read where they are made). Before such a route runs, `hold_slot` waits
for a free slot of the app's `iokg.sparql.service.QueryService` without holding a thread, and
gives the request a `iokg.sparql.service.PooledStore`: the route's named queries run in the query
workers, under the time limit. `graph_of` is that store.

A router whose every route reads the graph takes ``dependencies=[Depends(hold_slot)]``; a single
route takes ``dependencies=[...]`` in its decorator.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request

from iokg.store import Store


async def hold_slot(request: Request) -> AsyncIterator[None]:
    """Hold a query slot while the request is answered; its store is `graph_of(request)`."""
    async with request.app.state.service.slot() as store:
        request.state.store = store
        yield


def graph_of(request: Request) -> Store:
    """The store of the slot the request holds (see `hold_slot`)."""
    store = getattr(request.state, "store", None)
    if store is None:
        raise RuntimeError(f"{request.url.path} reads the graph without a query slot: give its route "
                           "Depends(iokg.api.slots.hold_slot)")
    return store
