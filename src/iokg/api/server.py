"""Start the HTTP server: ``run(settings)``, or ``python -m iokg.api.server`` (settings from
``IOKG_*`` environment variables). uvicorn picks uvloop and httptools when installed."""

from __future__ import annotations

import logging

import uvicorn

from iokg.api.app import create_app
from iokg.settings import Settings


def run(settings: Settings) -> None:
    """Serve the API on ``settings.host``:``settings.port`` until interrupted."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    logging.getLogger("iokg").setLevel(logging.INFO)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        loop="auto",
        http="auto",
        log_level="info",
    )


if __name__ == "__main__":
    run(Settings())
