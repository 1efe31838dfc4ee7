"""The overhead demo: each workload's answer on every variant, and the GIL state recorded.

The free-threaded builds also run with PYTHON_GIL=1 (the demo's extra runs); those rows
must say the GIL was on, and the plain free-threaded runs that it was off.
"""

import pytest
from demo_checks import check_rows, check_stored, located, record_fixture, run_of, variants

pytestmark = pytest.mark.build

WORKLOADS = ("numeric", "objects", "calls", "json", "sort")

record = record_fixture("overhead")


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "overhead")


@pytest.mark.parametrize("variant", variants())
def test_every_workload_ran_once_in_one_thread_with_the_right_answer(record, variant):
    run = run_of(record, variant)
    check_rows(run, WORKLOADS, ["sequential"], [1])
    assert all(row["correct"] is True for row in run["results"])


@pytest.mark.parametrize("variant", variants())
def test_the_gil_state_is_recorded_and_is_what_the_build_promises(record, variant):
    run = run_of(record, variant)
    free_threaded = located()[variant].info.free_threaded_build
    assert run["gil_enabled_at_end"] is not free_threaded
    for row in run["results"]:
        assert row["params"]["gil_enabled"] is not free_threaded
        assert row["params"]["free_threaded_build"] is free_threaded


@pytest.mark.parametrize("variant", [v for v in variants() if v.values[0].endswith("t")])
def test_free_threaded_builds_also_ran_with_the_gil_switched_on(record, variant):
    run = run_of(record, variant, {"PYTHON_GIL": "1"})
    check_rows(run, WORKLOADS, ["sequential"], [1])
    assert run["gil_enabled_at_end"] is True
    for row in run["results"]:
        assert row["params"]["gil_enabled"] is True
        assert row["params"]["PYTHON_GIL"] == "1"
