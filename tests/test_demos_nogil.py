"""End to end: `invoke demo nogil --quick` against really built 3.14 and 3.14t.

On a machine without the builds this builds both first (about 10 minutes on two cores);
afterwards they come from the build cache.
"""

import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import REPO, invoke
from demo_checks import check_stored
from rich.console import Console

from inparallel.measure import demo_options, registry
from inparallel.publish import live

X = "\N{MULTIPLICATION SIGN}"  # as the table prints it (ruff flags the literal sign)

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
    check_stored(data, "nogil")
    assert data["command"] == "invoke demo nogil --workers 1,2 --quick"
    assert data["settings"] == {"size": "quick", "workers": [1, 2], "repeats": None,
                                "revision": 3}


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
            assert 1 <= len(row["values"]) <= 3  # --quick: at most 3 (demos/timer.py MODES)


@pytest.mark.build
def test_the_live_table_and_verdict_were_shown(record):
    _, output = record
    assert "speedup" in output
    assert "Throughput over 1 thread:" in output
    charts = [line.split("chart: ", 1)[1] for line in output.splitlines() if "chart: " in line]
    if "Disturbed run" in output:  # a busy test machine: no chart may be drawn from it
        assert charts == ["none drawn (a chart needs an undisturbed run)"]
        return
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


def _row(workers: int, median: float) -> dict:
    """A demo's row as collect hands it on: every thread does the same work."""
    return {"workload": "primes", "strategy": "threads", "workers": workers, "unit": "s",
            "median": median, "available": True, "error": None, "correct": True,
            "converged": True, "params": {"work_per_thread": 1000}}


def _point(variant: str, workers: int, median: float) -> live.LivePoint:
    return live.LivePoint.from_row(variant, _row(workers, median))


def _piped(renderable) -> list[str]:
    """What a pipe (80 columns, no terminal) receives."""
    out = io.StringIO()
    Console(file=out, width=80, force_terminal=False).print(renderable)
    return out.getvalue().splitlines()


def test_the_live_table_shows_speedups_from_work_per_second_and_fits_80_columns():
    counts = [1, 2, 4, 8, 16, 32, 64]
    points = {
        "3.14": [_point("3.14", n, 1.5 * n) for n in counts],  # time grows: no speedup
        "3.14t": [_point("3.14t", n, 1.5) for n in counts[:-1]],  # flat: ideal; 64 pending
    }
    title = registry.REGISTRY["nogil"].title
    lines = _piped(live.table(title, ["3.14", "3.14t"], counts, points))
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert lines[0] == title, "the title is one line, not wrapped at the table's width"
    rows = {cells[0]: cells for cells in
            ([cell.strip() for cell in line.split("│")[1:-1]] for line in lines) if cells}
    assert rows["32"] == ["32", "48 s", f"1.00{X}", "1.5 s", f"32.0{X}"]
    assert rows["64"] == ["64", "96 s", f"1.00{X}", "…", ""]


def _stored_run(tmp_path: Path, interference: dict | None = None) -> Path:
    """A schema v2 record of a two-thread run: 3.14 takes twice as long at 2 threads, 3.14t
    the same time, each thread doing the same work."""
    def rows(times):
        return [{"workload": "primes", "strategy": "threads", "workers": n,
                 "params": {"work_per_thread": 1000}, "unit": "s", "values": [t] * 3,
                 "median": t, "min": t, "max": t, "ci_low": t, "ci_high": t,
                 "converged": True, "correct": True, "available": True, "reason": None,
                 "error": None} for n, t in times]

    def run(variant, gil, times):
        return {"variant": variant, "env": {}, "gil_enabled_at_end": gil, "duration_s": 9.0,
                "error": None, "results": rows(times),
                "interpreter": {"executable": f"/x/{variant}/bin/python3", "origin": "built",
                                "version": "3.14.7", "implementation": "CPython",
                                "free_threaded_build": not gil, "configure_args": "",
                                "compiler": "GCC"}}

    record = {
        "schema_version": 2, "demo": "nogil", "title": "t", "quick": False,
        "command": "invoke demo nogil --workers 1,2", "started_at": "2026-11-27T00:00:00Z",
        "finished_at": "2026-11-27T00:01:00Z",
        "machine": {"id": "fixture-cpu", "hostname": "h", "cpu_model": "Fixture CPU",
                    "cpu_count": 2, "usable_cpus": 2, "memory_bytes": 1 << 30, "os": "Debian",
                    "kernel": "6", "arch": "x86_64"},
        "repository": {"commit": None, "dirty": None},
        "settings": {"size": "full", "workers": [1, 2], "repeats": None},
        "interference": interference,
        "runs": [run("3.14", True, [(1, 1.25), (2, 2.5)]),
                 run("3.14t", False, [(1, 1.25), (2, 1.25)])],
    }
    path = tmp_path / "nogil" / "20261127T000000Z_fixture-cpu_2cpu.json"
    path.parent.mkdir()
    path.write_text(json.dumps(record))
    return path


def test_the_verdict_is_read_back_from_the_stored_file_in_short_lines(tmp_path):
    lines = live.verdict(_stored_run(tmp_path))
    assert lines == ["Throughput over 1 thread:",
                     f"  3.14 (GIL on): 1.00{X} at 2 threads",
                     f"  3.14t (GIL off): 2.00{X} at 2 threads"]
    assert all(len(line) <= 80 for line in _piped("\n".join(lines)))


def test_piped_the_live_view_prints_the_final_table_once_within_80_columns(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(live, "console", Console(file=out, width=80, force_terminal=False))
    targets = [SimpleNamespace(label="3.14"), SimpleNamespace(label="3.14t")]
    options = demo_options.DemoOptions("nogil", workers=(1, 2))
    with live.LiveTable(registry.REGISTRY["nogil"], options, targets) as on_row:
        for variant, n, median in (("3.14", 1, 1.0), ("3.14t", 1, 1.0), ("3.14", 2, 2.0),
                                   ("3.14t", 2, 1.0)):
            on_row(variant, _row(n, median))
    live.console.print("stored: next line")
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines.count(registry.REGISTRY["nogil"].title) == 1, "one final table, not one per row"
    assert "CPU use per core" not in out.getvalue(), "bars of an idle machine would mislead"
    assert lines[-1] == "stored: next line", "the table ends with its own newline"
    assert f"2.00{X}" in out.getvalue()


def test_a_disturbed_run_still_gets_its_verdict_and_says_it_is_left_out(tmp_path):
    reason = "other processes used 48% of the 2 CPUs"
    path = _stored_run(tmp_path, {"wall_s": 10.0, "other_cpu_s": 9.6, "steal_s": 0.0,
                                  "other_cpu_fraction": 0.48, "disturbed": True,
                                  "reason": reason})
    lines = live.verdict(path)
    assert lines[2] == f"  3.14t (GIL off): 2.00{X} at 2 threads"
    assert lines[3] == f"Disturbed run, left out of charts: {reason}"
