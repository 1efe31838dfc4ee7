"""Randomly corrupted copies of a real record: each is refused in one line, or loads consistently.

Never an uncaught exception, never a negative, non-finite or impossible number in a Record.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inparallel.paths import DATA
from inparallel.records import load
from inparallel.records.errors import InvalidRecord
from inparallel.records.model import Record

# tmp_path is shared by the examples of one test: each example overwrites the same file.
FIXTURE_PER_TEST = HealthCheck.function_scoped_fixture
FIXTURES = Path(__file__).parent / "fixtures" / "site" / "data"


def _real_record() -> Path:
    """The first committed nogil record (the headline demo), else the site fixture's."""
    for folder in (DATA, FIXTURES):
        found = sorted(p for p in folder.glob("nogil/*.json") if not p.name.endswith("_quick.json"))
        if found:
            return found[0]
    raise AssertionError("no nogil record to corrupt")


SOURCE = _real_record()
BASE = json.loads(SOURCE.read_text(encoding="utf-8"))


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in the document: the keys and indexes that lead to it."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PLACES = _paths(BASE)[1:]

SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(10**12), max_value=10**12)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8)
           | st.sampled_from([0, -1, -1.5, 1, 2, "", "2", 10**400, 1e308]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


def _mutate(doc: Any, place: tuple, action: str, value: Any) -> Any:
    """``doc`` with the item at ``place`` replaced, deleted or duplicated."""
    doc = json.loads(json.dumps(doc))
    parent = doc
    for key in place[:-1]:
        parent = parent[key]
    key = place[-1]
    if action == "delete":
        del parent[key]
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(key, parent[key])
    else:
        parent[key] = value
    return doc


def _consistent(record: Record) -> None:
    """What a loaded record promises every chart and page."""
    machine = record.machine
    assert 1 <= machine.usable_cpus <= machine.cpu_count
    for each in record.runs:
        assert each.duration_s >= 0 and math.isfinite(each.duration_s)
        for row in each.results:
            assert row.workers >= 1
            assert all(math.isfinite(v) and v >= 0 for v in row.values)
            if row.ok:
                assert row.min <= row.median <= row.max
                assert row.min == min(row.values) and row.max == max(row.values)
            if row.ci_low is not None:
                assert row.ci_low <= row.median <= row.ci_high


def _check(path: Path) -> None:
    try:
        record = load.read(path)
    except InvalidRecord as error:
        message = str(error)
        assert "\n" not in message and message.startswith(f"{path}: ")
    else:
        _consistent(record)


@settings(max_examples=300, deadline=None, suppress_health_check=[FIXTURE_PER_TEST])
@given(place=st.sampled_from(PLACES), action=st.sampled_from(["replace", "delete", "duplicate"]),
       value=VALUES)
def test_a_corrupted_field_is_refused_or_loads_consistently(tmp_path, place, action, value):
    path = tmp_path / "nogil" / SOURCE.name
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(_mutate(BASE, place, action, value)), encoding="utf-8")
    _check(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[FIXTURE_PER_TEST])
@given(data=st.data())
def test_corrupted_bytes_are_refused_or_load_consistently(tmp_path, data):
    raw = SOURCE.read_bytes()
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    noise = data.draw(st.binary(max_size=4))
    path = tmp_path / "nogil" / SOURCE.name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw[:cut] + noise + raw[cut + len(noise):])
    _check(path)


def test_the_property_tests_start_from_a_valid_record():
    assert load.read(SOURCE).runs, "the corruption tests need a valid starting point"


@pytest.mark.parametrize("place", [("runs", 0, "results", 0, "median"),
                                   ("machine", "usable_cpus")])
def test_the_issue_examples_are_refused(tmp_path, place):
    """A copy of a real run with a median of -1.5, or 0 CPUs: refused, never published."""
    path = tmp_path / "nogil" / SOURCE.name
    path.parent.mkdir()
    path.write_text(json.dumps(_mutate(BASE, place, "replace", -1.5 if "median" in place else 0)))
    with pytest.raises(InvalidRecord, match="below the allowed minimum"):
        load.read(path)
