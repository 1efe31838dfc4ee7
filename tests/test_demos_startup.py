"""The startup demo: every strategy started a worker and ran the trivial task, everywhere."""

import pytest
from demo_checks import (
    WORKER_STRATEGIES,
    check_rows,
    check_stored,
    check_subinterpreter_api,
    quick_record,
    run_of,
    variants,
)

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return quick_record("startup", tmp_path_factory.mktemp("data"))


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "startup")


@pytest.mark.parametrize("variant", variants())
def test_first_start_repeated_start_and_round_trip_for_every_strategy(record, variant):
    run = run_of(record, variant)
    check_rows(run, ("first", "start", "round-trip"), WORKER_STRATEGIES, [1])
    check_subinterpreter_api(run)
    for row in run["results"]:
        if row["available"]:
            assert row["correct"] is True
            assert len(row["values"]) == 1  # --quick: one repeat, and "first" is one anyway
