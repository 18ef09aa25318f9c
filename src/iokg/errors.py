"""Typed errors of the core. The API layer maps each to one HTTP status and one JSON shape."""

from __future__ import annotations

from dataclasses import dataclass


class IokgError(Exception):
    """Base of every error iokg reports to a user."""


class StoreNotFound(IokgError):
    """The store path does not hold a store."""


class EntityNotFound(IokgError):
    """No entity, source or claim has the id asked for."""


class InvalidQuery(IokgError):
    """A SPARQL query (or its parameters) that cannot be run; the message says why."""


class QueryTimeout(IokgError):
    """A query ran past its time limit and was stopped."""


class ResourceLimit(IokgError):
    """A query needed more of a limited resource (memory) than it may have, and was stopped."""


class Forbidden(IokgError):
    """A request the read-only service refuses (updates, federated SERVICE, ...)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the curated data, at a place a curator can open."""

    file: str
    line: int
    record: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.record}: {self.message}"


class IngestError(IokgError):
    """The curated data has problems; every one found is listed, each with file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))
