"""The compat demo: module imports in sub-interpreters, and what turns the GIL back on.

One ``invoke demo compat --quick`` run covers every available variant (a few modules, and
on free-threaded builds two tiny C extensions compiled with gcc: seconds each).
"""

import pytest
from demo_checks import check_stored, located, record_fixture, run_demo_code, run_of, variants

from inparallel.build import catalog

pytestmark = pytest.mark.build

QUICK_MODULES = ("_decimal", "_datetime", "_ctypes", "readline", "zlib", "_zstd")
GIL_CASES = ("no-Py_mod_gil", "Py_MOD_GIL_NOT_USED")


record = record_fixture("compat")


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "compat")


@pytest.mark.parametrize("variant", variants())
def test_every_module_has_a_verdict_or_a_reason(record, variant):
    run = run_of(record, variant)
    rows = [r for r in run["results"] if r["workload"] == "subinterpreter-import"]
    assert [r["params"]["module"] for r in rows] == list(QUICK_MODULES)
    for row in rows:
        assert row["error"] is None, row
        if row["available"]:
            assert row["values"] in ([0], [1]) and row["unit"] == "bool", row
            assert (row["values"] == [0]) is bool(row["params"]["message"]), row
        else:
            assert row["reason"].startswith("not in this build"), row
    verdict = {r["params"]["module"]: r["values"] for r in rows}
    assert verdict["zlib"] == [1]  # a plain multi-phase module loads everywhere
    series = run["interpreter"]["version"][:4]
    # Measured here: 3.12 still has single-phase _decimal and _datetime; 3.13 ported them.
    assert verdict["_datetime"] == ([0] if series == "3.12" else [1])
    if series in ("3.12", "3.13", "3.14"):
        assert verdict["readline"] == [0]  # measured: still single-phase init up to 3.14
    if series in ("3.12", "3.13"):
        assert verdict["_zstd"] == []  # new in 3.14
    elif run["interpreter"]["origin"] == "built":
        # Our builds refuse to finish without it (inparallel.build.builder.required_modules); a
        # found interpreter may lack it, which the row then says.
        assert verdict["_zstd"] != []


@pytest.mark.parametrize("variant", variants())
def test_gil_rows_apply_to_free_threaded_builds_only(record, variant):
    run = run_of(record, variant)
    rows = {r["strategy"]: r for r in run["results"] if r["workload"] == "gil-after-import"}
    assert set(rows) == set(GIL_CASES)
    free_threaded = catalog.load()[variant].free_threaded
    for row in rows.values():
        assert row["available"] is free_threaded, row
        if not free_threaded:
            assert row["reason"].startswith("not applicable"), row


FREE_THREADED = [p for p in variants() if catalog.load()[p.values[0]].free_threaded]


@pytest.mark.parametrize("variant", FREE_THREADED)
def test_an_undeclared_extension_turns_the_gil_back_on_and_a_declared_one_does_not(
        record, variant):
    run = run_of(record, variant)
    rows = {r["strategy"]: r for r in run["results"] if r["workload"] == "gil-after-import"}
    undeclared, declared = rows["no-Py_mod_gil"], rows["Py_MOD_GIL_NOT_USED"]
    for row in (undeclared, declared):
        assert row["error"] is None and row["correct"] is True, row
        assert row["params"]["gil_before"] is False, row
    assert undeclared["values"] == [1] and undeclared["params"]["gil_after"] is True
    assert "GIL) has been enabled" in undeclared["params"]["warning"]
    assert declared["values"] == [0] and declared["params"]["gil_after"] is False
    assert declared["params"]["warning"] is None
    # Each extension was imported in its own process: the demo's own stayed GIL-free.
    assert run["gil_enabled_at_end"] is False
    assert located()[variant].info.free_threaded_build


@pytest.mark.parametrize("variant", variants())
def test_a_check_whose_process_dies_comes_back_as_an_error_not_a_crash(variant):
    done = run_demo_code(variant, "import compat; print(compat.in_fresh_process('os._exit(3)'))")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "(None, 'exited with code 3: no error output')"
