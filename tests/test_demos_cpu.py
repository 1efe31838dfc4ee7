"""The cpu demo: under every variant here, every strategy gives the sequential answer.

One ``invoke demo cpu --quick`` run covers all available variants (about 5 s each on two
cores); the tests then judge each variant's rows. No test looks at a time.
"""

import json

import pytest
from demo_checks import (
    ALL_STRATEGIES,
    check_availability,
    check_rows,
    check_stored,
    record_fixture,
    run_demo_code,
    run_of,
    variants,
)

pytestmark = pytest.mark.build

WORKLOADS = ("numeric", "objects")

record = record_fixture("cpu", "--workers", "1,2")


def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "cpu")


@pytest.mark.parametrize("variant", variants())
def test_every_strategy_ran_and_matched_the_sequential_answer(record, variant):
    run = run_of(record, variant)
    check_rows(run, WORKLOADS, ALL_STRATEGIES, [1, 2])
    check_availability(run)
    for row in run["results"]:
        assert row["correct"] is (True if row["available"] else None), row
        if row["strategy"].startswith("processes-"):
            assert row["params"]["start_method"] in row["strategy"]
            assert row["params"]["default_start_method"]


# A worker that raises must become a row with the error, whatever the strategy.
FAILING = """
import json, cpu, harness
args = harness.parse_args("", cpu.SIZES, ["--quick"])
print(json.dumps(cpu.measure("numeric", 2, "not a number", None, args)))
"""


@pytest.mark.parametrize("variant", variants())
def test_a_failing_worker_becomes_an_error_row_and_the_demo_goes_on(variant):
    done = run_demo_code(variant, FAILING)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(done.stdout.splitlines()[-1])
    assert [r["strategy"] for r in rows] == list(ALL_STRATEGIES)
    for row in rows:
        if row["available"]:
            assert "TypeError" in row["error"], row
            assert row["values"] == [] and row["correct"] is None


# Sub-interpreters start with the process's initial sys.path; strategies.py hands them
# the current one, so a module found through a later sys.path change works everywhere.
PATH_CHANGED = """
import json, os, sys, tempfile, strategies
folder = tempfile.mkdtemp()
with open(os.path.join(folder, "elsewhere.py"), "w") as module:
    module.write("def where():\\n    return __file__\\n")
sys.path.insert(0, folder)
import elsewhere
print(json.dumps({s: strategies.run(s, 1, elsewhere.where) for s in strategies.STRATEGIES
                  if strategies.availability(s) is None}))
"""


@pytest.mark.parametrize("variant", variants())
def test_every_worker_imports_from_the_current_sys_path(variant):
    done = run_demo_code(variant, PATH_CHANGED)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.splitlines()[-1])
    assert "subinterpreters" in found and "processes-spawn" in found
    assert len({tuple(where) for where in found.values()}) == 1, found
