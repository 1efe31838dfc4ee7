"""The throughput demo: warm pools of every strategy answer every task right, bad options are
one line, and the break-even and steady-state numbers follow from synthetic records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import record_samples as samples
from demo_checks import check_stored, record_fixture, run_of, variants
from record_samples import put, row, run

from inparallel.analysis import findings
from inparallel.analysis import metrics as m
from inparallel.analysis.demos import throughput
from inparallel.analysis.stats import aggregate
from inparallel.publish import charts, claims
from inparallel.records.load import load_demo

DEMOS = Path(__file__).resolve().parent.parent / "demos"
POOLS = ("threads", "subinterpreters-pool", "subinterpreters-queue", "processes-fork",
         "processes-forkserver", "processes-spawn")
WORKLOADS = ("startup", "first-result", "stream")


# --- the real demo under every variant (quick size) ----------------------------------------------

record = record_fixture("throughput", "--workers", "2")


@pytest.mark.build
def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "throughput")


@pytest.mark.build
@pytest.mark.parametrize("variant", variants("throughput"))
def test_every_strategy_answers_every_task_right(record, variant):
    run_ = run_of(record, variant)
    series = tuple(int(p) for p in run_["interpreter"]["version"].split(".")[:2])
    rows = run_["results"]
    seen = {(r["workload"], r["strategy"]) for r in rows}
    for strategy in POOLS:
        assert {(w, strategy) for w in WORKLOADS} <= seen, strategy
    streams = [r for r in rows if r["workload"] == "stream" and r["available"]]
    assert {r["params"]["size"] for r in streams} == {300, 3_000}
    for r in rows:
        where = f"{variant} {r['workload']} {r['strategy']}"
        if r["strategy"].startswith("subinterpreters"):
            assert r["available"] is (series >= (3, 14)), where  # both need 3.14's APIs
        else:
            assert r["available"], where
        if r["available"]:
            assert r["error"] is None, f"{where}: {r['error']}"
            assert r["values"] and r["correct"] is True, where
    sequential = [r for r in streams if r["strategy"] == "sequential"]
    for r in streams:  # N workers get N times the sequential stream's tasks
        base = next(s for s in sequential if s["params"]["size"] == r["params"]["size"])
        assert r["params"]["tasks"] == base["params"]["tasks"] * r["workers"]


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("option", [["--strategies", "threads,nope"], ["--task-sizes", "0"],
                                    ["--task-sizes", "ten"], ["--workers", "0"]])
def test_bad_options_are_one_line_naming_the_fix(option):
    done = subprocess.run([sys.executable, str(DEMOS / "throughput.py"), *option],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0] and "Traceback" not in done.stderr
    assert option[0] in lines[0]


# --- what the numbers are made of (synthetic records, not measurements) ---------------------------


def stream(strategy, size, tasks, seconds, workers=2):
    return row("stream", strategy, 1 if strategy == "sequential" else workers,
               [seconds] * 6, params={"size": size, "tasks": tasks})


def synthetic(variant, threads_scale):
    """Sequential: 1 ms, 10 ms and 100 ms tasks; processes lose below 10 ms; threads scale by
    ``threads_scale`` at every size."""
    rows = []
    for size, task_s in ((1_000, 0.001), (10_000, 0.01), (100_000, 0.1)):
        rows.append(stream("sequential", size, 10, 10 * task_s))
        rows.append(stream("threads", size, 20, 20 * task_s / threads_scale))
        overhead = 0.004  # per task, on top of the work, split across 2 workers
        rows.append(stream("processes-spawn", size, 20, 20 * (task_s + overhead) / 2))
    return run(variant, rows)


def result(tmp_path):
    runs = [synthetic("3.14", 0.9), synthetic("3.14t", 1.9)]
    put(tmp_path, samples.record("throughput", runs=runs, settings={"size": "full"}))
    return aggregate(load_demo(tmp_path, "throughput"))[0]


def test_speedup_is_tasks_per_second_against_sequential_per_task_duration(tmp_path):
    curves = throughput.stream_speedups(result(tmp_path), "3.14t")
    assert set(curves) == {"threads", "processes-spawn"}
    assert list(curves["threads"]) == pytest.approx([0.001, 0.01, 0.1])
    assert [v.value for v in curves["threads"].values()] == pytest.approx([1.9] * 3)
    # spawn: 2 tasks of (t + 4 ms) in parallel against 1 task of t: 2t / (t + 4 ms)
    assert curves["processes-spawn"][0.001].value == pytest.approx(0.002 / 0.005)
    assert curves["processes-spawn"][0.1].value == pytest.approx(0.2 / 0.104)


def test_break_even_lies_between_the_sizes_around_the_crossing():
    est = m.Estimate
    curve = {0.001: est(0.5, 0.5, 0.5), 0.01: est(2.0, 2.0, 2.0)}
    found = throughput.break_even(curve)
    assert found.kind == "between"
    assert found.seconds == pytest.approx(0.001 * 10 ** 0.5)  # halfway on log scales
    assert throughput.break_even({0.001: est(1.5, 1.5, 1.5)}).kind == "always"
    behind = {0.001: est(0.5, 0.5, 0.5), 0.1: est(0.9, 0.9, 0.9)}
    assert throughput.break_even(behind).kind == "never"
    # Behind again at a larger size: the crossing after the last loss counts.
    late = {0.001: est(2, 2, 2), 0.01: est(0.5, 0.5, 0.5), 0.1: est(2, 2, 2)}
    assert 0.01 < throughput.break_even(late).seconds < 0.1
    assert throughput.break_even({}) is None


def test_findings_state_the_break_even_and_the_speedup(tmp_path):
    data = result(tmp_path)
    verdict = throughput.throughput_break_even(data)
    assert verdict.status == "holds"
    assert "threads behind at every size" in verdict.numbers["gil_breaks"]
    assert "threads ahead at every size" in verdict.numbers["free_breaks"]
    assert "processes-spawn about" in verdict.numbers["free_breaks"]
    steady = throughput.throughput_steady_speedup(data)
    assert steady.numbers["free_x"].startswith("threads 1.90")
    assert steady.numbers["n"] == "2"


@pytest.mark.parametrize(("scales", "status", "scaled", "behind"), [
    ({"3.12": 0.9, "3.13t": 1.7, "3.14": 1.0, "3.14t": 1.9}, "holds", "3.13t, 3.14t", "none"),
    ({"3.12": 0.9, "3.13t": 0.6, "3.14": 1.0, "3.14t": 1.9}, "holds", "3.14t", "3.13t"),
    ({"3.12": 1.6, "3.13t": 1.7, "3.14": 1.0, "3.14t": 1.9}, "fails", "3.13t, 3.14t", "none"),
])
def test_thread_pools_on_every_build(tmp_path, scales, status, scaled, behind):
    runs = [synthetic(variant, scale) for variant, scale in scales.items()]
    put(tmp_path, samples.record("throughput", runs=runs, settings={"size": "full"}))
    verdict = throughput.throughput_threads_every_build(aggregate(load_demo(tmp_path,
                                                                          "throughput"))[0])
    assert verdict.status == status  # a GIL build's pool above 1.2x fails it
    assert verdict.numbers["gil_x"].startswith("3.12 ")  # every build, oldest first
    assert (verdict.numbers["scaled"], verdict.numbers["behind"]) == (scaled, behind)
    assert verdict.numbers["n"] == "2"


def test_a_wrong_answer_contradicts_the_findings(tmp_path):
    doc = samples.record("throughput", runs=[synthetic("3.14", 0.9), synthetic("3.14t", 1.9)])
    doc["runs"][1]["results"][1]["correct"] = False
    put(tmp_path, doc)
    data = aggregate(load_demo(tmp_path, "throughput"))[0]
    assert throughput.throughput_break_even(data).status == "fails"


def test_without_data_the_findings_say_so(tmp_path):
    evaluations = claims.evaluate(tmp_path, [findings.finding("throughput-break-even")])
    assert {e.verdict.status for e in evaluations} == {"no-data"}
    text = claims.render(findings.finding("throughput-break-even"), evaluations)
    assert "`invoke demo throughput` produces one" in text


def test_the_charts_draw_from_the_synthetic_record(tmp_path):
    result(tmp_path / "data")
    drawn = charts.draw_all(tmp_path / "data", tmp_path / "out",
                            only=["throughput", "throughput-gil"])
    assert {d.chart.name for d in drawn} == {"throughput", "throughput-gil"}
    assert (tmp_path / "out" / "throughput-light.svg").stat().st_size > 0
