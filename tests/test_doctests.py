"""The examples in the docstrings run and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "iokg.sparql.screening",
    "iokg.sparql.protocol",
    "iokg.sparql.limits",
    "iokg.sparql.executor",
    "iokg.api.errors",
    "iokg.api.app",
    "iokg.vocab",
    "iokg.settings",
    "iokg.store",
    "iokg.queries",
    "iokg.techniques",
    "iokg.ingest.records",
    "iokg.ingest.rdf",
    "iokg.sparql.tables",
    "iokg.sparql.negotiation",
    "iokg.sparql.description",
    "iokg.sparql.prefixes",
    "iokg.sparql.syntax",
    "iokg.sparql.rows",
    "iokg.export.dumps",
    "iokg.export.void",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
