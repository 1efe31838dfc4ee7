"""The startup demo: every strategy started a worker and ran the trivial task, everywhere."""

import pytest
from demo_checks import (
    WORKER_STRATEGIES,
    check_availability,
    check_rows,
    check_stored,
    record_fixture,
    run_of,
    variants,
)

pytestmark = pytest.mark.build

record = record_fixture("startup")


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "startup")


@pytest.mark.parametrize("variant", variants())
def test_first_start_repeated_start_and_round_trip_for_every_strategy(record, variant):
    run = run_of(record, variant)
    check_rows(run, ("first", "start", "round-trip"), WORKER_STRATEGIES, [1])
    check_availability(run)
    for row in run["results"]:
        if row["available"]:
            assert row["correct"] is True
            # "first" is one value by definition; --quick takes at most 3 (timer.MODES)
            assert len(row["values"]) == (1 if row["workload"] == "first" else 3), row


@pytest.mark.parametrize("variant", variants())
def test_a_worker_starts_beside_its_caller_on_one_cpu_as_a_batch_job(record, variant):
    rows = run_of(record, variant)["results"]
    assert {(row["params"]["cpus"], row["params"]["scheduler"]) for row in rows} == {(1, "batch")}
