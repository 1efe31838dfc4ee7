"""The shared-state demo: every strategy's answers match, the graph's packed form answers like
the dict, the memory accounting reads PSS right, bad options are one line, and the finding
follows from a synthetic record."""

from __future__ import annotations

import subprocess
import sys

import pytest
import record_samples as samples
from demo_checks import (
    check_speed_readings,
    check_stored,
    json_rows,
    located,
    record_fixture,
    run_demo_code,
    run_of,
    variants,
)
from record_samples import put, row, run

from inparallel.analysis import findings
from inparallel.analysis.demos.shared_state import shared_state_threads
from inparallel.analysis.stats import aggregate
from inparallel.paths import DEMOS
from inparallel.publish import charts
from inparallel.records.load import load_demo

sys.path.insert(0, str(DEMOS))
import graph_state  # demos/ is not a package: the demos import it by path too
import memory
import shared_state

WORKLOADS = ("first-answer", "queries", "pss", "pss-growth")

ROLLUP = """55aa27120000-7ffe76d32000 ---p 00000000 00:00 0                  [rollup]
Rss:              195392 kB
Pss:              192768 kB
Pss_Dirty:        187356 kB
Pss_Anon:         187356 kB
"""


# --- pure parts ----------------------------------------------------------------------------------


def test_pss_is_read_from_the_pss_line_of_smaps_rollup(monkeypatch):
    import io

    monkeypatch.setattr(memory, "METRIC", "PSS")
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: io.StringIO(ROLLUP))
    assert memory.process_memory(1) == 192_768 * 1024  # not Rss, not Pss_Dirty


def test_the_tree_total_adds_every_process_of_the_tree(monkeypatch):
    texts = {1: ROLLUP, 2: "Pss: 1000 kB\n", 3: "Pss: 24 kB\n"}

    def fake_open(path, *args, **kwargs):
        pid = int(str(path).split("/")[2])
        if pid not in texts:
            raise FileNotFoundError(path)
        import io
        return io.StringIO(texts[pid])

    monkeypatch.setattr(memory, "METRIC", "PSS")
    monkeypatch.setattr(memory, "process_tree", lambda root: [1, 2, 3, 4])
    monkeypatch.setattr("builtins.open", fake_open)
    assert memory.tree_memory(1) == (192_768 + 1000 + 24) * 1024  # pid 4 had gone


def test_queries_sum_the_ids_two_hops_away():
    graph = graph_state.build(50, 3)
    for q in range(20):
        node = graph_state.query_node(q, 50)
        expected = sum(sum(graph[hop]) for hop in graph[node])
        assert graph_state.query(graph, q, 50) == expected
    assert len({graph_state.query(graph, q, 50) for q in range(20)}) > 5  # answers differ


def test_the_packed_graph_answers_like_the_dict(tmp_path):
    graph = graph_state.build(300, 4)
    path = graph_state.pack(graph, 300, 4)
    try:
        graph_state.attach(path, 4)
        packed = graph_state.answer(0, 500, 300)
    finally:
        graph_state.detach()
        import os
        os.unlink(path)
    graph_state.install(graph)
    assert packed == graph_state.answer(0, 500, 300)
    assert packed[1] == 500


def test_copies_and_the_memory_limit_refuse_a_run_that_would_not_fit():
    assert shared_state.copies("processes-spawn-rebuild", 4) == 5
    assert shared_state.copies("threads", 4) == 1
    reason = shared_state.availability("processes-spawn-pickle", 63, 200 * 2**20)
    assert reason and "over this demo's" in reason
    assert shared_state.availability("threads", 63, 200 * 2**20) is None
    assert "unknown strategy" in shared_state.availability("nope", 2, 1)


@pytest.mark.parametrize("option", [["--strategies", "threads,nope"], ["--nodes", "3"],
                                    ["--nodes", "many"], ["--workers", "0"]])
def test_bad_options_are_one_line_naming_the_fix(option):
    done = subprocess.run([sys.executable, str(DEMOS / "shared_state.py"), *option],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0] and "Traceback" not in done.stderr
    assert option[0] in lines[0]


# --- real runs (quick size) ----------------------------------------------------------------------

record = record_fixture("shared_state", "--workers", "2")


@pytest.mark.build
def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "shared_state")


@pytest.mark.build
@pytest.mark.parametrize("variant", variants("shared_state"))
def test_every_strategy_gives_the_sequential_answers(record, variant):
    run_ = run_of(record, variant)
    rows = run_["results"]
    assert {(r["workload"], r["strategy"]) for r in rows} == {
        (w, s) for w in WORKLOADS for s in shared_state.STRATEGIES}
    for r in rows:
        where = f"{variant} {r['workload']} {r['strategy']}"
        assert r["available"] or r["strategy"].startswith("subinterpreters"), where
        if r["available"]:
            assert r["error"] is None, f"{where}: {r['error']}"
            assert r["correct"] is True, where
            assert r["unit"] == shared_state.UNITS[r["workload"]]
    pss = {r["strategy"]: r for r in rows if r["workload"] == "pss" and r["available"]}
    growth = {r["strategy"]: r for r in rows if r["workload"] == "pss-growth" and r["available"]}
    for strategy, r in pss.items():
        assert r["median"] > growth[strategy]["median"] >= 0, strategy  # the parent counts too
        assert r["params"]["graph_bytes"] >= 0  # a tiny graph can be lost in the noise


@pytest.mark.build
@pytest.mark.parametrize("variant", ["3.14t"])
def test_a_real_probe_counts_the_forked_children_in_the_tree(variant):
    """Forked workers hold pages of their own: the tree's PSS grows by more than the
    parent's threads do, and every probe answers every query."""
    code = ("import json, shared_state as s\n"
            "size = {'nodes': 20_000, 'degree': 4, 'queries_per_worker': 2_000}\n"
            "print(json.dumps({k: s.probe(k, 2, size) for k in ('threads', 'processes-fork')}))")
    done = run_demo_code(variant, code)
    assert done.returncode == 0, done.stderr
    import json
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["threads"]["count"] == result["processes-fork"]["count"] == 4_000
    assert result["threads"]["checksum"] == result["processes-fork"]["checksum"]
    assert result["processes-fork"]["growth"] > result["threads"]["growth"]
    assert result["threads"]["graph_bytes"] > 2**20  # 20,000 tuples of 4 ints, and the dict


@pytest.mark.build
def test_the_machines_speed_is_read_before_each_probe():
    # Three repeats: the sequential strategy's first value is the probe whose answers the
    # others must give, taken before the readings start.
    if located()["3.14"].status == "missing":
        pytest.skip("3.14 is not built (invoke build 3.14)")
    check_speed_readings(json_rows("shared_state.py", located()["3.14"].executable, "--quick",
                                   "--repeats", "3", "--strategies", "sequential,threads"))


# --- the finding and the charts (synthetic records, not measurements) ----------------------------


def synthetic(variant):
    rows = []
    for strategy, first, pss in (("sequential", 0.001, 300), ("threads", 0.002, 310),
                                 ("processes-fork", 0.02, 500),
                                 ("processes-spawn-rebuild", 1.0, 900)):
        workers = 1 if strategy == "sequential" else 2
        params = {"graph_bytes": 200 * 2**20}
        rows += [row("first-answer", strategy, workers, [first] * 3, params=params),
                 row("queries", strategy, workers, [first * 10] * 3, params=params),
                 row("pss", strategy, workers, [pss * 2**20] * 3, unit="bytes", params=params),
                 row("pss-growth", strategy, workers, [(pss - 300) * 2**20] * 3, unit="bytes",
                     params=params)]
    return run(variant, rows)


def test_the_finding_says_by_how_much_threads_beat_the_others(tmp_path):
    put(tmp_path, samples.record("shared_state", runs=[synthetic("3.14"), synthetic("3.14t")]))
    data = aggregate(load_demo(tmp_path, "shared_state"))[0]
    verdict = shared_state_threads(data)
    assert verdict.status == "holds"
    numbers = verdict.numbers
    assert numbers["lightest"] == "processes-fork" and numbers["mem_x"].startswith("1.61")
    assert numbers["quickest"] == "processes-fork" and numbers["first_x"].startswith("10.0")
    assert numbers["graph"] == "200 MiB" and numbers["n"] == "2"
    sentence = findings.finding("shared-state-threads").sentence(verdict)
    assert "{" not in sentence
    drawn = charts.draw_all(tmp_path, tmp_path / "out",
                            only=["shared-state-memory", "shared-state-first"])
    assert {d.chart.name for d in drawn} == {"shared-state-memory", "shared-state-first"}
