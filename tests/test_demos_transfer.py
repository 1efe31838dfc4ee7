"""The transfer demo: every way of moving data brings back exactly what was sent.

One ``invoke demo transfer --quick`` run covers every available variant (1 KB to 256 KB,
a second or two each); the tests judge each variant's rows. No test looks at a time.
"""

import json

import pytest
from demo_checks import check_rows, check_stored, record_fixture, run_demo_code, run_of, variants

pytestmark = pytest.mark.build

QUICK_SIZES = [1024, 4096, 16384, 65536, 262144]
STRATEGIES = {
    "bytes": ("threads", "subinterpreters-shareable", "subinterpreters-memoryview",
              "processes-pickle", "processes-shm"),
    "list": ("threads", "subinterpreters-pickle", "processes-pickle"),
}


record = record_fixture("transfer")


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "transfer")


@pytest.mark.parametrize("variant", variants())
def test_every_strategy_brought_every_size_back_intact(record, variant):
    run = run_of(record, variant)
    assert [r["error"] for r in run["results"] if r["error"]] == []
    for size in QUICK_SIZES:
        # One row per workload and strategy at each size, each with a matching checksum.
        at_size = [r for r in run["results"] if r["params"]["size_bytes"] == size]
        for workload, strategies in STRATEGIES.items():
            check_rows({**run, "results": [r for r in at_size if r["workload"] == workload]},
                       [workload], strategies, [1])


@pytest.mark.parametrize("variant", variants())
def test_every_value_carries_the_page_faults_it_took(record, variant):
    # Linux counts minor faults per process: each value gets its count, so that a long value
    # that touched fresh memory shows as one (the surprises page's largest transfers).
    timed = [r for r in run_of(record, variant)["results"] if r["values"]]
    assert timed
    for row in timed:
        assert len(row["page_faults"]) == len(row["values"]), row["strategy"]
        assert all(count >= 0 for count in row["page_faults"])


@pytest.mark.parametrize("variant", variants())
def test_memoryview_sharing_is_unavailable_exactly_on_3_12(record, variant):
    run = run_of(record, variant)
    rows = [r for r in run["results"] if r["strategy"] == "subinterpreters-memoryview"]
    on_312 = run["interpreter"]["version"].startswith("3.12.")
    assert {r["available"] for r in rows} == {not on_312}
    if on_312:
        assert "memoryview" in rows[0]["reason"]


# A worker process that dies mid-transfer must become a row with the error.
CRASHING = """
import os, harness, placement, transfer
from concurrent.futures import ProcessPoolExecutor
out, args = harness.Output(True), harness.parse_args("", transfer.SIZES, ["--quick"])
args.placement = placement.beside_its_caller()
table = {"processes-pickle": (None, lambda pool, data: pool.submit(os._exit, 3).result())}
with ProcessPoolExecutor(1) as pool:
    for row in transfer.measure("bytes", table, {"processes-pickle": pool}, 1024, args):
        out.emit(row)
    print("went on")
"""


@pytest.mark.parametrize("variant", variants())
def test_a_crashed_worker_becomes_an_error_row_and_the_demo_goes_on(variant):
    done = run_demo_code(variant, CRASHING)
    assert done.returncode == 0, done.stderr[-2000:]
    *_, row_line, last = done.stdout.splitlines()
    row = json.loads(row_line)
    assert last == "went on"
    assert "BrokenProcessPool" in row["error"]
    assert row["values"] == [] and row["correct"] is None


@pytest.mark.parametrize("variant", variants())
def test_the_worker_and_its_caller_share_one_cpu_as_a_batch_job(record, variant):
    rows = run_of(record, variant)["results"]
    assert {(row["params"]["cpus"], row["params"]["scheduler"]) for row in rows} == {(1, "batch")}
