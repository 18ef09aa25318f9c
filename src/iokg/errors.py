"""Every error iokg reports to a user, defined here once. The API layer (`iokg.api.errors`) maps
each class to one HTTP status and one JSON shape; nothing else defines an error a user sees.

An error carries what the error shape shows besides its message: the ``limit`` it ran into (the
setting that sets it and its value), and for a SPARQL syntax error the ``position`` (line, column)
and what the parser ``expected``. Every error pickles as itself, attributes included, so a query
worker sends the error it raised across its pipe and the server raises that same error:

>>> import pickle
>>> e = QueryTimeout("query stopped", limit=Limit("IOKG_QUERY_TIMEOUT_MS", 500))
>>> copy = pickle.loads(pickle.dumps(e))
>>> type(copy).__name__, str(copy), copy.limit
('QueryTimeout', 'query stopped', Limit(setting='IOKG_QUERY_TIMEOUT_MS', value=500))
>>> pickle.loads(pickle.dumps(IngestError([Problem("a.yaml", 3, "x", "bad")]))).problems[0].line
3
>>> str(InvalidQuery("bad", position=(1, 2)).in_context("entity"))
'entity: bad'
"""

from __future__ import annotations

import copy
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """A limit: the environment name of its setting and its value (units are in the name)."""

    setting: str
    value: int


class IokgError(Exception):
    """Base of every error iokg reports to a user.

    ``limit``: the configured limit that was hit, if any; ``position`` (line, column, from 1) and
    ``expected`` (terminals the parser could have taken): for a SPARQL syntax error.
    """

    limit: Limit | None = None
    position: tuple[int, int] | None = None
    expected: list[str] | None = None

    def __init__(self, message: str = "", *, limit: Limit | None = None,
                 position: tuple[int, int] | None = None, expected: list[str] | None = None):
        super().__init__(message)
        if limit is not None:
            self.limit = limit
        if position is not None:
            self.position = position
        if expected is not None:
            self.expected = expected

    def in_context(self, what: str) -> IokgError:
        """The same error, its message starting with ``what`` (e.g. the named query's name)."""
        named = copy.copy(self)
        named.args = (f"{what}: {self}",)
        return named


class StoreNotFound(IokgError):
    """The store path does not hold a store (or it could not be read)."""


class EntityNotFound(IokgError):
    """No entity, source or claim has the id asked for."""


class DatasetNotFound(EntityNotFound):
    """No dataset with that id has been imported."""


class DumpsNotFound(IokgError):
    """The store has no dumps (it was not made by `iokg build`, or before dumps existed)."""


class InvalidQuery(IokgError):
    """A SPARQL query (or its parameters) that cannot be run; the message says why."""


class QueryTimeout(IokgError):
    """A query ran past its time limit and was stopped (or waited too long for a free slot)."""


class ResourceLimit(IokgError):
    """A query needed more of a limited resource (memory) than it may have, and was stopped."""


class Forbidden(IokgError):
    """A request the read-only service refuses (updates, federated SERVICE, ...)."""


class ProtocolError(IokgError):
    """A request that does not follow the SPARQL 1.1 Protocol (HTTP 400)."""


class NotAcceptable(ProtocolError):
    """No format the client accepts can carry this result (HTTP 406)."""


class UnsupportedMediaType(ProtocolError):
    """A POST body of a media type the protocol does not define (HTTP 415)."""


class RequestTooLarge(ProtocolError):
    """A request (body or query string) larger than ``IOKG_MAX_REQUEST_BYTES`` (HTTP 413); ``limit``
    names the setting."""


class QueryWorkerFailed(IokgError):
    """A query worker died, or the engine failed in an unexpected way (HTTP 500)."""


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

    def __reduce__(self):
        return (type(self), (self.problems,), self.__dict__)
