"""The reproducers of two surprises of the free-threaded builds (issue 21): warm thread pools
whose function's constant is mortal, and sub-interpreter calls that each make a thread state.
Their findings on made-up points (which say nothing measured) and on the committed data, and
the rows each demo stores under every variant.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from conftest import REPO
from demo_checks import check_stored, located, record_fixture, run_of, variants

from inparallel.analysis import findings
from inparallel.analysis.demos.surprise_pool import surprise_pool_constant
from inparallel.analysis.demos.surprise_subinterp_calls import surprise_subinterp_calls
from inparallel.analysis.results import machine_results
from inparallel.build import catalog


class Result(SimpleNamespace):
    """What a finding reads of ``stats.MachineResult``: points and ``select``."""

    def select(self, **match):
        return [p for p in self.points if all(getattr(p, k) == v for k, v in match.items())]


def _point(variant, workload, strategy, workers, seconds, **params):
    return SimpleNamespace(variant=variant, env={}, label=variant, workload=workload,
                           strategy=strategy, workers=workers, params=params, unit="s",
                           median=seconds, low=seconds * 0.99, high=seconds * 1.01, ok=True,
                           paired=None, precise=True)


def _pool(variant, compiled_x, bytecode_x, mortal=True):
    """Sequential and a pool of two threads, each doing two tasks; the pool at ``*_x``."""
    points = []
    for how, speedup, immortal in (("compiled", compiled_x, not mortal),
                                   ("from-bytecode", bytecode_x, True)):
        params = {"tasks": 2, "constant_immortal": immortal}
        points += [_point(variant, how, "sequential", 1, 1.0, **params),
                   _point(variant, how, "threads", 2, 1.0 / speedup, **params)]
    return points


def test_the_pool_finding_holds_where_the_source_says_the_constant_counts():
    result = Result(points=_pool("3.14t", 0.5, 1.9) + _pool("3.15t", 1.9, 1.9))
    verdict = surprise_pool_constant(result)
    assert verdict.status == "holds", verdict.condition
    assert verdict.numbers["counted"] == "3.14t" and verdict.numbers["borrowed"] == "3.15t"
    assert verdict.numbers["counted_compiled"].startswith("3.14t: 0.50")
    assert "{" not in findings.finding("surprise-pool-constant").sentence(verdict)


@pytest.mark.parametrize("points", [
    _pool("3.14t", 1.9, 1.9) + _pool("3.15t", 1.9, 1.9),  # the compiled copy scaled too
    _pool("3.14t", 0.5, 0.5) + _pool("3.15t", 1.9, 1.9),  # bytecode did not cure it
    _pool("3.14t", 0.5, 1.9, mortal=False) + _pool("3.15t", 1.9, 1.9),  # not the constant
    _pool("3.14t", 0.5, 1.9) + _pool("3.15t", 0.5, 1.9),  # 3.15t's borrowing did not help
], ids=["compiled-scaled", "bytecode-slow", "immortal", "borrow-slow"])
def test_data_against_the_cause_contradict_the_pool_finding(points):
    assert surprise_pool_constant(Result(points=points)).status == "fails"


def test_the_pool_finding_needs_a_free_threaded_build():
    assert surprise_pool_constant(Result(points=_pool("3.14", 0.9, 0.9))).status == "no-data"


def _calls(variant, per_call, one_entry, worn):
    """Both ways of calling on a fresh interpreter, and per call after 100 more entries."""
    return [_point(variant, "enter", "per-call", 1, per_call, wear=0),
            _point(variant, "enter", "one-entry", 1, one_entry, wear=0),
            _point(variant, "enter", "per-call", 1, worn, wear=100)]


def test_the_calls_finding_holds_when_the_entry_is_the_cost_and_grows():
    result = Result(points=_calls("3.14", 1e-4, 2e-6, 1e-4) + _calls("3.14t", 1e-3, 3e-6, 2e-3))
    verdict = surprise_subinterp_calls(result)
    assert verdict.status == "holds", verdict.condition
    assert verdict.numbers["dearer"] == "3.14t: 10.0\N{MULTIPLICATION SIGN}"
    assert verdict.numbers["free_growth"] == "3.14t: +100 %"
    assert verdict.numbers["gil_growth"] == "3.14: +0 %"
    assert verdict.numbers["wear"] == "100"
    assert "{" not in findings.finding("surprise-subinterp-calls").sentence(verdict)


@pytest.mark.parametrize("points", [
    _calls("3.14", 1e-4, 2e-6, 1e-4) + _calls("3.14t", 1e-4, 3e-6, 2e-4),  # no dearer
    _calls("3.14", 1e-4, 2e-6, 1e-4) + _calls("3.14t", 1e-3, 8e-4, 2e-3),  # one entry as dear
    _calls("3.14", 1e-4, 2e-6, 1e-4) + _calls("3.14t", 1e-3, 3e-6, 1e-3),  # no growth
], ids=["not-dearer", "not-the-entry", "no-growth"])
def test_data_against_the_cause_contradict_the_calls_finding(points):
    assert surprise_subinterp_calls(Result(points=points)).status == "fails"


def test_the_calls_finding_needs_a_twin():
    points = _calls("3.14t", 1e-3, 3e-6, 2e-3)
    assert surprise_subinterp_calls(Result(points=points)).status == "no-data"


@pytest.mark.parametrize("demo,check", [("surprise_pool", surprise_pool_constant),
                                        ("surprise_subinterp_calls", surprise_subinterp_calls)])
def test_the_findings_hold_on_the_committed_data(demo, check):
    results = machine_results(REPO / "data", demo)
    assert results, f"no committed data of the {demo} demo"
    for result in results:
        verdict = check(result)
        assert verdict.status == "holds", (result.machine.label, verdict.condition)


pool_record = record_fixture("surprise_pool")
calls_record = record_fixture("surprise_subinterp_calls")


@pytest.mark.build
def test_the_records_are_schema_valid_with_full_provenance(pool_record, calls_record):
    check_stored(pool_record, "surprise_pool")
    check_stored(calls_record, "surprise_subinterp_calls")


@pytest.mark.build
@pytest.mark.parametrize("variant", variants())
def test_only_bytecode_makes_the_constant_immortal_and_only_on_free_threaded_builds(
        pool_record, variant):
    run = run_of(pool_record, variant)
    workers = max(r["workers"] for r in run["results"])
    assert sorted((r["workload"], r["strategy"], r["workers"]) for r in run["results"]) == [
        ("compiled", "sequential", 1), ("compiled", "threads", workers),
        ("from-bytecode", "sequential", 1), ("from-bytecode", "threads", workers)]
    free_threaded = catalog.load()[variant].free_threaded
    for row in run["results"]:
        assert row["correct"] is True, row
        want = free_threaded and row["workload"] == "from-bytecode"
        assert row["params"]["constant_immortal"] is want, (row["workload"], row["strategy"])


@pytest.mark.build
@pytest.mark.parametrize("variant", variants())
def test_both_ways_of_calling_are_timed_fresh_and_worn(calls_record, variant):
    run = run_of(calls_record, variant)
    rows = [(r["strategy"], r["params"].get("wear")) for r in run["results"]]
    if not run["results"][0]["available"]:
        assert sorted(rows) == [("one-entry", None), ("per-call", None)]
        return
    assert sorted(rows) == [("one-entry", 0), ("one-entry", 20), ("per-call", 0),
                            ("per-call", 20)]
    for row in run["results"]:
        assert row["error"] is None and row["values"], row


@pytest.mark.build
@pytest.mark.parametrize("variant", variants())
def test_the_warm_pools_spin_comes_from_bytecode_even_where_none_is_written(tmp_path, variant):
    # A copy of demos/ without __pycache__, imported as the runner does: what the harness fix
    # (demos/precompiled.py) must get right on its first run.
    for source in (REPO / "demos").glob("*.py"):
        shutil.copy(source, tmp_path)
    probe = ("import sys, warm_pools\n"
             "constant = next(c for c in warm_pools.spin.__code__.co_consts if c == 1_000_003)\n"
             "print(sys.getrefcount(constant) >= 2**30)")
    done = subprocess.run([str(located()[variant].executable), "-c", probe], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
                               "PYTHONPATH": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    # Only the free-threaded builds make a .pyc's int constants immortal.
    assert done.stdout.strip() == str(catalog.load()[variant].free_threaded)
