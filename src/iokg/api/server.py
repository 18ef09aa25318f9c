"""Start the HTTP server: ``run(settings)``, or ``python -m iokg.api.server`` (settings from
``IOKG_*`` environment variables). ``IOKG_SERVER`` picks the ASGI server: uvicorn (with uvloop
and httptools, its access log on) or granian (one worker process, uvloop, no access log); see
docs/performance.md for how they measured."""

from __future__ import annotations

import logging
import os

import uvicorn

from iokg.api.app import create_app
from iokg.settings import Settings

#: What granian imports in its worker process: the app built from ``IOKG_*`` variables.
APP_FACTORY = "iokg.api.app:app_from_environment"


def settings_environment(settings: Settings) -> dict[str, str]:
    """``settings`` as the ``IOKG_*`` variables that give them back (for a server's worker process)."""
    env = {}
    for name, value in settings.model_dump().items():
        if value is not None:
            env[f"IOKG_{name.upper()}"] = str(value)
    return env


def run(settings: Settings) -> None:
    """Serve the API on ``settings.host``:``settings.port`` until interrupted."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    logging.getLogger("iokg").setLevel(logging.INFO)
    if settings.server == "granian":
        run_granian(settings)
        return
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        loop="auto",
        http="auto",
        log_level="info",
    )


def run_granian(settings: Settings) -> None:
    """Serve with granian: its worker process builds the app from the same settings."""
    from granian import Granian
    from granian.constants import Interfaces, Loops

    create_app(settings)  # fail here, in the foreground, on a setting or a package that cannot serve
    os.environ.update(settings_environment(settings))
    Granian(APP_FACTORY, address=settings.host, port=settings.port, interface=Interfaces.ASGI, factory=True,
            workers=1, loop=Loops.uvloop, websockets=False).serve()


if __name__ == "__main__":
    run(Settings())
