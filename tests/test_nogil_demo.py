"""End to end: `invoke demo nogil --quick` against really built 3.14 and 3.14t.

On a machine without the builds this builds both first (about 10 minutes on two cores);
afterwards they come from the build cache.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, invoke

from inparallel.records import store

PROVENANCE = {
    "machine": {"cpu_model", "cpu_count", "os", "kernel", "arch", "hostname"},
    "interpreter": {"version", "configure_args", "free_threaded_build", "executable"},
}


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    done = invoke("demo", "nogil", "--quick", "--workers", "1,2",
                  env={"INPARALLEL_DATA": str(data)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    files = list((data / "nogil").glob("*_quick.json"))
    assert len(files) == 1
    return json.loads(files[0].read_text()), done.stdout


@pytest.mark.build
def test_record_is_schema_valid_with_full_provenance(record):
    data, _ = record
    assert store.problems(data) == []
    assert data["quick"] is True
    for key in PROVENANCE["machine"]:
        assert data["machine"][key], key
    assert len(data["repository"]["commit"]) == 40
    for run in data["runs"]:
        for key in PROVENANCE["interpreter"]:
            assert key in run["interpreter"], key


@pytest.mark.build
def test_free_threaded_build_ran_without_the_gil_and_the_gil_build_with_it(record):
    runs = {run["variant"]: run for run in record[0]["runs"]}
    assert set(runs) == {"3.14", "3.14t"}
    assert runs["3.14t"]["gil_enabled_at_end"] is False
    assert runs["3.14t"]["interpreter"]["free_threaded_build"] is True
    assert "--disable-gil" in runs["3.14t"]["interpreter"]["configure_args"]
    assert runs["3.14"]["gil_enabled_at_end"] is True
    assert runs["3.14"]["interpreter"]["free_threaded_build"] is False
    for run in runs.values():
        assert run["interpreter"]["version"] == "3.14.7"
        assert run["error"] is None


@pytest.mark.build
def test_every_thread_computed_the_right_answer(record):
    for run in record[0]["runs"]:
        assert [row["workers"] for row in run["results"]] == [1, 2]
        for row in run["results"]:
            assert row["correct"] is True
            assert len(row["values"]) == 1  # --quick: one timed repeat after the warm-up


@pytest.mark.build
def test_the_live_table_and_verdict_were_shown(record):
    _, output = record
    assert "speedup" in output
    assert "throughput over 1 thread" in output
    charts = [line.split("chart: ", 1)[1] for line in output.splitlines() if "chart: " in line]
    assert len(charts) == 2, "a light and a dark chart, drawn from the stored file"
    for chart in charts:
        assert "build/charts" in chart, "a quick run never replaces the site's chart"
        assert "<svg" in Path(chart).read_text()


def test_the_demo_script_checks_its_own_answers():
    # Run with the tooling interpreter: any Python runs the demo, GIL or not.
    done = subprocess.run(
        [sys.executable, "nogil.py", "--quick", "--workers", "1,3", "--json"],
        cwd=REPO / "demos", capture_output=True, text=True, check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["workers"] for r in rows if r["type"] == "row"] == [1, 3]
    assert all(r["correct"] for r in rows if r["type"] == "row")
    assert rows[-1]["type"] == "interpreter"
