"""`invoke bench` and `invoke demo`: one path, the same record for the same options."""

import importlib.util
import io
import json
from types import SimpleNamespace

import pytest
from conftest import REPO, invoke
from invoke import Context
from rich.console import Console

from inparallel.analysis import precision
from inparallel.build import catalog
from inparallel.build.discovery import discover_all
from inparallel.measure import collect, demo_runs, provenance, registry
from inparallel.publish import live
from inparallel.records import store


@pytest.fixture
def captured(monkeypatch, tmp_path):
    """Replace the measuring and storing with fakes; return the list of collect() calls."""
    calls = []
    built = [SimpleNamespace(variant=SimpleNamespace(name=name), status="built")
             for name in catalog.load()]

    def fake_collect(demo, title, targets, arg_sets, **kwargs):
        calls.append({"demo": demo, "targets": [t.label for t in targets],
                      "arg_sets": arg_sets, **kwargs})
        return {"demo": demo}

    monkeypatch.setattr(collect, "collect", fake_collect)
    monkeypatch.setattr(collect, "warn_if_busy", lambda: None)
    monkeypatch.setattr(collect, "ensure", lambda names: [b for b in built
                                                          if b.variant.name in names])
    monkeypatch.setattr(demo_runs, "discover_all", lambda: built)
    monkeypatch.setattr(provenance, "usable_cpus", lambda: 2)
    monkeypatch.setattr(store, "write", lambda record, directory=None: tmp_path / "x.json")
    monkeypatch.setattr(live, "after_run", lambda path: None)
    monkeypatch.setattr(precision, "of_files", lambda paths: [])  # the fake files hold nothing
    return calls


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks", REPO / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _without_on_row(call: dict) -> dict:
    return {k: v for k, v in call.items() if k != "on_row"}


@pytest.mark.parametrize("name", ["nogil", "cpu", "overhead"])
@pytest.mark.parametrize("quick", [False, True])
def test_demo_and_bench_make_the_same_record_for_the_same_options(captured, name, quick):
    _tasks().demo(Context(), name, quick=quick)
    demo_runs.bench(quick, names=[name])
    by_demo, by_bench = (_without_on_row(call) for call in captured)
    assert by_demo == by_bench
    assert by_demo["command"] == f"invoke demo {name}" + (" --quick" if quick else "")
    revision = registry.REGISTRY[name].revision  # raised when a demo's sizes or method change
    revision = {"revision": revision} if revision > 1 else {}
    assert by_demo["settings"] == {"size": "quick" if quick else "full", "workers": None,
                                   "repeats": None, **revision}


def test_a_time_cap_reaches_the_demo_and_its_record_and_command(captured):
    _tasks().demo(Context(), "cpu", time_cap="2.50")
    (call,) = captured
    assert call["command"] == "invoke demo cpu --time-cap 2.5"
    assert call["settings"]["time_cap"] == 2.5
    assert call["arg_sets"] == [["--time-cap", "2.5"]]


def test_the_stored_command_is_the_canonical_command_whatever_the_spelling(captured):
    _tasks().demo(Context(), "nogil", workers=" 1 2", repeats="3", stage=True)
    (call,) = captured
    assert call["command"] == "invoke demo nogil --workers 1,2 --repeats 3 --stage"
    assert call["settings"] == {"size": "stage", "workers": [1, 2], "repeats": 3,
                                "revision": 3}
    # One process per point, so that 3.14 and 3.14t alternate point by point.
    assert call["arg_sets"] == [["--workers", "1", "--repeats", "3", "--stage"],
                                ["--workers", "2", "--repeats", "3", "--stage"]]
    assert call["targets"] == ["3.14", "3.14t"]


def test_a_demo_of_many_strategies_runs_all_its_worker_counts_in_one_process(captured):
    _tasks().demo(Context(), "cpu", workers="1,2")
    (call,) = captured
    assert call["arg_sets"] == [["--workers", "1,2"]]


def test_stage_runs_are_stored_outside_data(captured, monkeypatch, tmp_path):
    folders = []
    monkeypatch.setattr(store, "write", lambda record, directory=None: folders.append(directory)
                        or tmp_path / "x.json")
    monkeypatch.setenv("INPARALLEL_STAGE_DATA", str(tmp_path / "stage"))
    _tasks().demo(Context(), "cpu", stage=True)
    _tasks().demo(Context(), "cpu")
    assert folders == [tmp_path / "stage", None]


@pytest.mark.build
def test_quick_bench_stores_every_demo_for_every_available_variant(tmp_path):
    done = invoke("bench", "--quick", env={"INPARALLEL_DATA": str(tmp_path)}, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    available = {f.variant.name for f in discover_all() if f.status != "missing"}
    for name, spec in registry.REGISTRY.items():
        if not spec.in_bench or spec.experiment:  # packages (index); experiments: --experiments
            assert not (tmp_path / name).exists(), name
            continue
        files = list((tmp_path / name).glob("*_quick.json"))
        assert len(files) == 1, name
        record = json.loads(files[0].read_text())
        assert store.problems(record) == [], name
        assert record["command"] == f"invoke demo {name} --quick"
        ran = {run["variant"] for run in record["runs"]}
        assert ran == available & set(spec.variants or available), name
        for run in record["runs"]:
            assert run["error"] is None, (name, run["variant"], run["error"])
            assert all(row["correct"] is not False for row in run["results"]), name
    assert not list(tmp_path.glob("*/.*.tmp")), "no temporary file left behind"


def test_a_result_line_fits_80_columns_and_keeps_the_run_environment_whole():
    row = {"workload": "round-trip", "strategy": "subinterpreters-pool", "workers": 16,
           "params": {"size_bytes": 64 << 20}, "unit": "s", "median": 1.309e-05,
           "available": True, "error": None, "correct": True}
    out = io.StringIO()
    Console(file=out, width=80, force_terminal=False).print(
        demo_runs.format_row("3.15t PYTHON_GIL=1", row))
    (line,) = out.getvalue().splitlines()
    assert len(line) <= 80
    assert line.split()[:7] == ["3.15t", "PYTHON_GIL=1", "round-trip", "64", "MiB",
                                "subinterpreters-pool", "x16"]
    assert line.endswith("13.1 µs ✓")


def test_bench_runs_the_timing_demos_and_experiments_runs_the_long_ones(captured, monkeypatch):
    monkeypatch.setattr(demo_runs.prerequisites, "install_packages", lambda names: None)
    demo_runs.bench(False)
    timing = {call["demo"] for call in captured}
    captured.clear()
    demo_runs.bench(False, experiments=True)
    experiments = {call["demo"] for call in captured}
    assert experiments == {"throughput", "shared_state", "service"}
    assert timing == {name for name, spec in registry.REGISTRY.items()
                      if spec.in_bench and not spec.experiment}
    assert "packages" not in timing | experiments  # it needs the package index: its own task
