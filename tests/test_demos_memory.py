"""The memory demo: every strategy measured idle and busy, in bytes, under every variant."""

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

# Two workers only: each value needs a fresh process, and two is the interesting case.
record = record_fixture("memory", "--workers", "2")


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "memory")


@pytest.mark.parametrize("variant", variants())
def test_idle_and_busy_workers_of_every_strategy_were_measured(record, variant):
    run = run_of(record, variant)
    check_rows(run, ("idle", "busy"), WORKER_STRATEGIES, [2])
    check_availability(run)
    for row in run["results"]:
        assert row["unit"] == "bytes"
        assert row["params"]["metric"] in ("PSS", "RSS")
        if row["available"]:
            assert row["correct"] is True
            assert all(isinstance(v, int) and v >= 0 for v in row["values"])
