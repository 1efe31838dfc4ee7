"""The io demo: every strategy gets every answer from the local server, on every variant.

One ``invoke demo io --quick`` run covers every available variant (8 requests with 20 ms
latency, 4 and 16 in flight: a few seconds each); the tests judge each variant's rows.
No test looks at a time.
"""

import json

import pytest
from demo_checks import check_rows, check_stored, record_fixture, run_demo_code, run_of, variants

pytestmark = pytest.mark.build

WORKERS = [4, 16]  # the demo's default: more requests in flight than cores


record = record_fixture("io")


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "io")


@pytest.mark.parametrize("variant", variants())
def test_every_strategy_got_every_answer(record, variant):
    run = run_of(record, variant)
    series = tuple(int(p) for p in run["interpreter"]["version"].split(".")[:2])
    # Each version's default start method: fork until 3.13, forkserver from 3.14 on Linux.
    processes = "processes-forkserver" if series >= (3, 14) else "processes-fork"
    rows = run["results"]
    sequential = [r for r in rows if r["strategy"] == "sequential"]
    check_rows({**run, "results": sequential}, ["requests"], ["sequential"], [1])
    check_rows({**run, "results": [r for r in rows if r["strategy"] != "sequential"]},
               ["requests"], ["asyncio", "threads", processes, "subinterpreters-pool"], WORKERS)
    pool = [r for r in rows if r["strategy"] == "subinterpreters-pool"]
    assert {r["available"] for r in pool} == {series >= (3, 14)}
    assert all(r["params"]["requests"] == 8 and r["params"]["latency_ms"] == 20
               for r in rows if r["available"])


# A server that is gone must make error rows, not a crashed demo.
NO_SERVER = """
import socket, harness, io_demo
with socket.socket() as s:  # a port that nobody listens on
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
out, args = harness.Output(True), harness.parse_args("", io_demo.SIZES, ["--quick"], io_demo.EXTRA)
io_demo.measure(out, args, port, 2, {"sequential": io_demo.sequential,
                                     "asyncio": io_demo.with_asyncio})
print("went on")
"""


@pytest.mark.parametrize("variant", variants())
def test_a_failed_request_becomes_an_error_row_and_the_demo_goes_on(variant):
    done = run_demo_code(variant, NO_SERVER)
    assert done.returncode == 0, done.stderr[-2000:]
    *_, first, second, last = done.stdout.splitlines()
    assert last == "went on"
    for line in (first, second):
        row = json.loads(line)
        assert "ConnectionRefusedError" in row["error"], row
        assert row["values"] == [] and row["correct"] is None
