"""``python -m iokg.api``: serve the API with its settings from ``IOKG_*`` variables
(`iokg.api.server.run`).

A package's ``__main__`` module is the one main module that spawned processes do not import again,
so the query workers (`iokg.sparql.executor`) start without importing the app; under ``python -m
iokg.api.server`` each of them imports the whole app first (about 0.5 s of CPU per worker)."""

from iokg.api.server import run
from iokg.settings import Settings

run(Settings())
