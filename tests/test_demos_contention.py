"""The contention demo: shared and per-thread versions add up to the same totals.

One ``invoke demo contention --quick --workers 1,2`` run covers every available variant
(under a second each); the tests judge each variant's rows. No test looks at a time:
whether sharing slows the threads down is for the full run on a quiet machine.
"""

import pytest
from demo_checks import check_rows, check_stored, quick_record, run_of, variants

pytestmark = pytest.mark.build

WORKLOADS = ("dict", "list", "counter", "refcount")
STRATEGIES = ("threads-shared", "threads-local")


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return quick_record("contention", tmp_path_factory.mktemp("data"), "--workers", "1,2")


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "contention")


@pytest.mark.parametrize("variant", variants())
def test_every_workload_adds_up_with_and_without_sharing(record, variant):
    run = run_of(record, variant)
    check_rows(run, WORKLOADS, STRATEGIES, [1, 2])
    for row in run["results"]:
        assert row["correct"] is True, row
        assert row["params"]["ops"] == row["params"]["ops_per_thread"] * row["workers"]


@pytest.mark.parametrize("variant", variants())
def test_free_threaded_builds_ran_the_threads_without_the_gil(record, variant):
    run = run_of(record, variant)
    assert run["gil_enabled_at_end"] is not run["interpreter"]["free_threaded_build"]
