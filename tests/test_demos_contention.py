"""The contention demo: shared and per-thread versions add up to the same totals.

In-process tests run every pitfall and its fix at quick size under the interpreter running
the tests; the ``build``-marked tests run ``invoke demo contention --quick --workers 1,2``
once under every available variant and judge each variant's rows. The metric that decides
whether an effect was shown is tested on synthetic points. No test looks at a real time:
whether sharing slows the threads down is for the full run on a quiet machine.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field

import pytest
from conftest import REPO
from demo_checks import check_rows, check_stored, quick_record, run_of, variants

from inparallel.analysis import findings
from inparallel.analysis.demos import contention as contention_metrics

WORKLOADS = ("dict", "list", "counter", "refcount")
STRATEGIES = ("threads-shared", "threads-local")


def _demo():
    """demos/contention.py as a module (it imports its siblings ``harness`` and ``timer``)."""
    sys.path.insert(0, str(REPO / "demos"))
    try:
        spec = importlib.util.spec_from_file_location("contention", REPO / "demos/contention.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(REPO / "demos"))
    return module


contention = _demo()


def test_the_demo_pairs_a_fix_with_each_pitfall_it_names():
    assert tuple(contention.WORKLOADS) == WORKLOADS


@pytest.mark.parametrize("workers", [1, 2, 3, 7])
@pytest.mark.parametrize("workload", WORKLOADS)
def test_every_pitfall_and_its_fix_add_up_to_the_same_total(workload, workers):
    ops = contention.SIZES["quick"] + 3  # not a multiple of the threads: the split is uneven
    for version in contention.WORKLOADS[workload]:
        assert version(ops, workers) == sum(range(ops)), (workload, version.__name__)


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_setaffinity"), reason="no affinity API")
def test_each_thread_runs_on_a_cpu_of_its_own_and_the_caller_keeps_its_cpus():
    import os

    allowed = sorted(os.sched_getaffinity(0))
    workers = len(allowed) + 1  # one more thread than CPUs: the placement wraps around
    placed = contention.run_threads(lambda t: os.sched_getaffinity(0), workers)
    assert placed == [{allowed[t % len(allowed)]} for t in range(workers)]
    assert sorted(os.sched_getaffinity(0)) == allowed


def test_no_thread_starts_its_work_before_all_threads_have_started(monkeypatch):
    import threading
    import time

    started = []

    class SlowToStart(threading.Thread):
        """Leaves time after each start: unless they wait, early threads finish first."""

        def start(self):
            started.append(self)
            super().start()
            time.sleep(0.05)

    monkeypatch.setattr(contention.threading, "Thread", SlowToStart)
    # Each thread's work sees how many threads had been started when it began.
    assert contention.run_threads(lambda t: len(started), 3) == [3, 3, 3]


def test_each_function_shown_on_the_site_is_between_its_snippet_markers():
    text = (REPO / "demos/contention.py").read_text()
    for workload in WORKLOADS:
        for kind in ("shared", "local"):
            start = text.index(f"# --8<-- [start:{workload}-{kind}]")
            end = text.index(f"# --8<-- [end:{workload}-{kind}]")
            assert f"def {workload}_{kind}(" in text[start:end]


def test_the_size_options_are_ordered_quick_stage_full():
    sizes = contention.SIZES
    assert sizes["quick"] < sizes["stage"] < sizes["full"]


# --- the metric and the findings, on synthetic points -----------------------------------------


@dataclass(frozen=True)
class P:
    workload: str
    strategy: str
    workers: int
    median: float | None
    low: float | None
    high: float | None
    variant: str = "3.14t"
    env: dict = field(default_factory=dict)
    ok: bool = True
    params: dict = field(default_factory=dict)
    unit: str = "s"

    @property
    def label(self) -> str:
        return self.variant


@dataclass
class R:
    points: list

    def select(self, **match):
        return [p for p in self.points if all(getattr(p, k) == v for k, v in match.items())]


def _pair(workload, shared, local, noise, workers=2, variant="3.14t"):
    """Shared and local points at 1 and ``workers`` threads, intervals +-``noise``."""
    return [P(workload, strategy, n, t, t - noise, t + noise, variant)
            for n in (1, workers) for strategy, t in (("threads-shared", shared),
                                                      ("threads-local", local))]


def _result(*pairs):
    gil = [P("counter", "threads-local", 1, 1.0, 0.9, 1.1, "3.14")]
    return R([p for pair in pairs for p in pair] + gil)


def test_an_effect_is_shown_only_at_five_times_the_noise():
    found = contention_metrics.contention(
        _result(_pair("dict", 1.6, 1.0, 0.1), _pair("list", 1.4, 1.0, 0.1)), "3.14t")
    assert found["dict"].shown and found["dict"].ratio == pytest.approx(1.6)
    assert not found["list"].shown  # 0.4 s apart, noise 0.1 s: 4x, not 5x
    assert found["dict"].workers == 2


def test_a_point_without_an_interval_never_shows_an_effect():
    points = _pair("dict", 3.0, 1.0, 0.0)
    points = [P(p.workload, p.strategy, p.workers, p.median, None, None) for p in points]
    assert not contention_metrics.contention(_result(points), "3.14t")["dict"].shown


def test_the_effects_finding_lists_what_was_shown_and_what_was_not():
    result = _result(_pair("counter", 5.0, 1.0, 0.05), _pair("refcount", 1.02, 1.0, 0.05))
    finding = findings.finding("contention-effects")
    verdict = finding.check(result)
    assert verdict.status == "holds"
    assert verdict.numbers["shown"].startswith("counter ")
    assert verdict.numbers["hidden"] == "refcount"
    assert "refcount" in finding.sentence(verdict)


def test_the_effects_finding_fails_when_sharing_is_shown_to_be_faster():
    verdict = findings.finding("contention-effects").check(_result(_pair("dict", 0.5, 1.0, 0.01)))
    assert verdict.status == "fails"


def test_the_counter_finding_needs_the_effect_beyond_the_noise():
    check = findings.finding("contention-shared-slower").check
    assert check(_result(_pair("counter", 5.0, 1.0, 0.05))).status == "holds"
    assert check(_result(_pair("counter", 5.0, 1.0, 1.0))).status == "fails"  # 4 s, noise 1 s
    assert check(_result(_pair("dict", 5.0, 1.0, 0.05))).status == "no-data"


# --- every variant, through the task ---------------------------------------------------------


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return quick_record("contention", tmp_path_factory.mktemp("data"), "--workers", "1,2")


@pytest.mark.build
def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "contention")


@pytest.mark.build
@pytest.mark.parametrize("variant", variants("contention"))
def test_every_workload_adds_up_with_and_without_sharing(record, variant):
    run = run_of(record, variant)
    check_rows(run, WORKLOADS, STRATEGIES, [1, 2])
    for row in run["results"]:
        assert row["correct"] is True, row
        assert row["params"]["ops"] == row["params"]["ops_per_thread"] * row["workers"]


@pytest.mark.build
@pytest.mark.parametrize("variant", variants("contention"))
def test_free_threaded_builds_ran_the_threads_without_the_gil(record, variant):
    run = run_of(record, variant)
    assert run["gil_enabled_at_end"] is not run["interpreter"]["free_threaded_build"]


def test_the_stage_keeps_its_short_cap_and_the_full_run_its_long_one(monkeypatch):
    seen = {}

    def compare(candidates, args):
        seen["args"] = args
        raise SystemExit(0)  # only the options are under test, nothing is timed

    monkeypatch.setattr(contention.timer, "compare", compare)
    for argv, cap in ((["--stage"], contention.STAGE_TIME_CAP_S), ([], contention.TIME_CAP_S),
                      (["--stage", "--time-cap", "2"], 2.0)):
        with pytest.raises(SystemExit):
            contention.main(argv)
        assert seen["args"].time_cap == cap, argv
