"""The runnable examples in the public docstrings (they use the shipped data)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "nanbei.data.derived",
    "nanbei.data.regions",
    "nanbei.data.samples",
    "nanbei.data.dropped",
    "nanbei.screen",
    "nanbei.panel",
    "nanbei.tables",
    "nanbei.fixed_effects",
    "nanbei.wording",
    "nanbei.effects.event_study",
    "nanbei.effects.prose",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert tried > 0 or name == "nanbei.fixed_effects"
    assert failures == 0
