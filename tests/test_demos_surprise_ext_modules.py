"""The reproducer of a surprise (issue 21): extension modules that refuse sub-interpreters. Its
rows, and its finding on made-up points (which say nothing measured) and on the committed data.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import REPO
from demo_checks import check_stored, record_fixture, run_of, variants

from inparallel.analysis import findings
from inparallel.analysis.demos import surprise_ext_modules
from inparallel.analysis.results import machine_results
from inparallel.build import catalog

# --- extension modules -----------------------------------------------------------------------

#: From CPython's source at v3.14.7 (docs/surprises.md cites the lines): single-phase init
#: (readline, _tkinter, _tracemalloc) or Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED (_curses)...
REFUSED_WHEN_CHECKED = ("readline", "_curses", "_tkinter", "_tracemalloc")
#: ... and no Py_mod_multiple_interpreters slot, so the default: only with a shared GIL.
SHARED_GIL_ONLY = "faulthandler"


class Result(SimpleNamespace):
    """What a finding reads of ``stats.MachineResult``: points and ``select``."""

    def select(self, **match):
        return [p for p in self.points if all(getattr(p, k) == v for k, v in match.items())]


def _ext_points(variant, imported):
    """One ext-import point per (module, kind); ``imported(module, kind)`` says 1 or 0."""
    return [SimpleNamespace(variant=variant, env={}, workload="ext-import", strategy=kind,
                            params={"module": module}, median=float(imported(module, kind)),
                            ok=True)
            for module in (*surprise_ext_modules.EXT_MODULES, surprise_ext_modules.EXT_CONTROL)
            for kind in surprise_ext_modules.EXT_CONFIGS]


def _as_the_source_says(free_threaded):
    def imported(module, kind):
        if module == surprise_ext_modules.EXT_CONTROL:
            return True
        if module == SHARED_GIL_ONLY:
            return kind != "isolated"
        return kind == "legacy" and not free_threaded
    return imported


def test_the_ext_finding_sorts_the_refusals_by_their_cause():
    result = Result(points=_ext_points("3.14", _as_the_source_says(False))
                    + _ext_points("3.14t", _as_the_source_says(True)))
    verdict = surprise_ext_modules.surprise_ext_modules(result)
    assert verdict.status == "holds", verdict.condition
    assert verdict.numbers["refused"] == ", ".join(surprise_ext_modules.EXT_MODULES)
    assert verdict.numbers["checked"] == ", ".join(REFUSED_WHEN_CHECKED)
    assert verdict.numbers["own_gil"] == SHARED_GIL_ONLY
    assert verdict.numbers["legacy"] == ", ".join(surprise_ext_modules.EXT_MODULES)
    assert verdict.numbers["free_legacy"] == ", ".join(REFUSED_WHEN_CHECKED)
    assert "{" not in findings.finding("surprise-ext-modules").sentence(verdict)


def test_a_module_that_imports_in_an_isolated_interpreter_contradicts_the_finding():
    def imported(module, kind):
        return module == "readline" or _as_the_source_says(False)(module, kind)
    result = Result(points=_ext_points("3.14", imported)
                    + _ext_points("3.14t", _as_the_source_says(True)))
    assert surprise_ext_modules.surprise_ext_modules(result).status == "fails"


def test_the_ext_finding_needs_both_builds():
    result = Result(points=_ext_points("3.14", _as_the_source_says(False)))
    assert surprise_ext_modules.surprise_ext_modules(result).status == "no-data"


def test_the_ext_finding_holds_on_the_committed_data():
    results = machine_results(REPO / "data", "surprise_ext_modules")
    assert results, "no committed data of the surprise_ext_modules demo"
    for result in results:
        verdict = surprise_ext_modules.surprise_ext_modules(result)
        assert verdict.status == "holds", (result.machine.label, verdict.condition)


ext_record = record_fixture("surprise_ext_modules")


@pytest.mark.build
def test_the_ext_record_is_schema_valid_with_full_provenance(ext_record):
    check_stored(ext_record, "surprise_ext_modules")


@pytest.mark.build
@pytest.mark.parametrize("variant", variants())
def test_each_kind_of_sub_interpreter_refuses_what_the_source_says(ext_record, variant):
    run = run_of(ext_record, variant)
    rows = {(r["params"]["module"], r["strategy"]): r for r in run["results"]}
    assert len(rows) == len(run["results"]) == 6 * 3
    if run["interpreter"]["version"].startswith("3.12"):
        assert not any(r["available"] for r in rows.values())
        return
    free_threaded = catalog.load()[variant].free_threaded
    for (module, kind), row in rows.items():
        assert row["available"] and row["error"] is None, row
        expected = _as_the_source_says(free_threaded)(module, kind)
        assert row["values"] == [int(expected)], (module, kind, row["params"]["message"])
        if not expected:
            assert "does not support loading in subinterpreters" in row["params"]["message"]
