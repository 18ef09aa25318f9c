"""A liveness check that touches neither the store nor a query worker."""

from __future__ import annotations

from fastapi import APIRouter, Request

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Is the server up?")
async def healthz(request: Request) -> dict[str, object]:
    """``{"status": "ok", "store": true}``; ``store`` says whether the store path exists."""
    return {"status": "ok", "store": request.app.state.settings.store.exists()}
