"""The harness when things go wrong: a demo that crashes, one that hangs, a strategy that
cannot run, and a write that is interrupted. None of them may lose or corrupt data.

Fake demos live in a temporary demos/ folder (``runner.DEMOS`` is pointed at it) and run
under the tooling's own Python, so these tests need no CPython build and take seconds.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from inparallel.build import catalog
from inparallel.build.discovery import Located
from inparallel.build.interpreters import probe
from inparallel.measure import collect, runner
from inparallel.paths import DEMOS
from inparallel.records import store

PYTHON = Path(sys.executable)

# Each fake demo reports like a real one, through the real demos/harness.py.
PREAMBLE = f"""
import os, subprocess, sys, time
sys.path.insert(0, {str(DEMOS)!r})
import harness
out = harness.Output(True)
out.emit(harness.row("work", "threads", 1, [0.5], correct=True))
"""

FAKES = {
    "crashes": "raise RuntimeError('the worker exploded')",
    "hangs": """
        # A worker of its own, as a pool would have: a timeout must take it down too.
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        with open(os.environ["WORKER_PID_FILE"], "w") as f:
            f.write(str(worker.pid))
        time.sleep(120)
    """,
    "burns": """
        # Busy for CPU time (not wall time), in a worker the demo waits for and in one that
        # outlives the demo in its session (as a forkserver can): both are the demo's own.
        def burn(cpu_s):
            start = time.process_time()
            while time.process_time() - start < cpu_s:
                pass
        worker = os.fork()
        if worker == 0:
            burn(0.3)
            os._exit(0)
        os.waitpid(worker, 0)
        if os.fork() == 0:
            time.sleep(0.3)  # the demo has exited by now
            burn(0.2)
            os._exit(0)
        out.finish()
    """,
    "partial": """
        out.emit(harness.unavailable("work", "subinterpreters", 1, "not on this version"))
        if os.environ.get("FAKE_CRASH"):
            os._exit(3)  # dies like a segfaulting extension: no traceback, no cleanup
        out.finish()
    """,
}


@pytest.fixture
def fake_demos(tmp_path, monkeypatch) -> Path:
    """A demos/ folder holding the fake demos, in place of the real one."""
    folder = tmp_path / "demos"
    folder.mkdir()
    for name, body in FAKES.items():
        (folder / f"{name}.py").write_text(PREAMBLE + textwrap.dedent(body))
    monkeypatch.setattr(runner, "DEMOS", folder)
    return folder


def _gone(pid: int, within_s: float = 10) -> bool:
    """True once ``pid`` no longer runs (a zombie waiting for its reaper counts as gone)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def test_a_demo_that_crashes_mid_run_keeps_its_rows_and_reports_why(fake_demos):
    result = runner.run_demo(PYTHON, "crashes", [], timeout_s=60)
    assert [row["strategy"] for row in result.rows] == ["threads"]
    assert result.error.startswith("exited with code 1")
    assert "RuntimeError: the worker exploded" in result.error
    assert result.interpreter is None


def test_a_demo_that_hangs_is_killed_with_its_workers_at_the_timeout(fake_demos, tmp_path,
                                                                       monkeypatch):
    pid_file = tmp_path / "worker.pid"
    monkeypatch.setenv("WORKER_PID_FILE", str(pid_file))
    started = time.monotonic()
    result = runner.run_demo(PYTHON, "hangs", [], timeout_s=3)
    assert time.monotonic() - started < 30
    assert result.error == "timed out after 3s (hung or too slow)"
    assert len(result.rows) == 1, "rows measured before the hang are kept"
    assert _gone(int(pid_file.read_text())), "the demo's worker outlived the timeout"


def test_cpu_time_of_the_demos_workers_counts_as_its_own_not_as_interference(fake_demos):
    result = runner.run_demo(PYTHON, "burns", [], timeout_s=60)
    assert result.error is None, result.error
    assert result.usage is not None
    # 0.5 CPU-s in the two workers, less what the last poll of the leftover may miss.
    assert result.usage.own_s >= 0.4, result.usage
    assert result.usage.wall_s >= 0.3


@pytest.fixture
def record(fake_demos) -> dict:
    """A run of the 'partial' demo twice: once cleanly, once dying after its rows."""
    variant = catalog.load()["3.14"]
    here = Located(variant, "found", PYTHON, "path", probe(PYTHON))
    targets = [collect.Target(here), collect.Target(here, (("FAKE_CRASH", "1"),))]
    return collect.collect("partial", "A fake demo", targets, [[]], quick=True,
                           command="pytest", settings={}, timeout_s=60)


def test_an_unavailable_strategy_is_stored_with_its_reason_and_a_crash_does_not_stop_the_run(
        record, tmp_path):
    assert set(record["interference"]) == {"wall_s", "other_cpu_s", "steal_s",
                                           "other_cpu_fraction", "disturbed", "reason", "method"}
    assert record["schema_version"] == 2
    clean, crashed = record["runs"]
    assert clean["error"] is None and clean["gil_enabled_at_end"] is True
    assert crashed["error"].startswith("partial under 3.14 FAKE_CRASH=1")
    assert "exited with code 3" in crashed["error"]
    path = store.write(record, tmp_path / "data")
    stored = json.loads(path.read_text())
    assert store.problems(stored) == []
    for run in stored["runs"]:  # both runs keep both rows, the crashed one included
        unavailable = [row for row in run["results"] if not row["available"]]
        assert [row["reason"] for row in unavailable] == ["not on this version"]
        assert unavailable[0]["values"] == [] and unavailable[0]["median"] is None
        assert len(run["results"]) == 2


def test_an_interrupted_write_leaves_no_partial_file_and_earlier_data_intact(
        record, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    earlier = store.write(record, folder)
    earlier_text = earlier.read_text()

    def dies_halfway(obj, out, **kwargs):
        out.write(json.dumps(obj)[:100])  # half a file on disk, then the power goes
        raise KeyboardInterrupt

    monkeypatch.setattr(store.json, "dump", dies_halfway)
    later = {**record, "started_at": "2099-01-01T00:00:00Z"}
    with pytest.raises(KeyboardInterrupt):
        store.write(later, folder)
    assert sorted(os.listdir(earlier.parent)) == [earlier.name], "no partial or temp file"
    assert earlier.read_text() == earlier_text
    assert store.load("partial", folder, quick=True)[0]["title"] == "A fake demo"
