"""While these tests run, Hypothesis keeps its files (the Unicode tables and source constants
it caches) under var/, which git ignores, not in a ``.hypothesis/`` folder in the working tree;
the properties keep no example database at all (``strategies.PROPERTY``)."""

from pathlib import Path

import pytest
from hypothesis import configuration, core
from hypothesis.vendor import pretty

HYPOTHESIS_HOME = Path(__file__).resolve().parents[2] / "var" / "hypothesis"


@pytest.fixture(autouse=True)
def hypothesis_files_under_var():
    before = getattr(configuration, "__hypothesis_home_directory", None)
    configuration.set_hypothesis_home_dir(HYPOTHESIS_HOME)
    yield
    configuration.set_hypothesis_home_dir(before)


@pytest.fixture(autouse=True)
def failing_examples_are_printed(monkeypatch):
    """schemathesis's pytest plugin replaces Hypothesis's printer, for the whole session, with
    one that prints nothing (its own runs are faster so): a failure here would then read
    ``Failing test case: check(operations=,)``. These tests get the real printer back."""
    monkeypatch.setattr(core, "RepresentationPrinter", pretty.RepresentationPrinter)
