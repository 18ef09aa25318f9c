"""The examples in the docstrings of the datasets modules run and say what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "iokg.datasets.twitter_io",
    "iokg.datasets.values",
    "iokg.datasets.layout",
    "iokg.datasets.analyses",
    "iokg.datasets.output",
    "iokg.datasets.rdf",
    "iokg.datasets.synthetic",
    "iokg.web.dataset_charts",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
