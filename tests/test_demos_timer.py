"""Rigorous timing (demos/timer.py): the median interval, the adaptive-repeat rule, round
robin, the speed correction, and argument checks in the demos.

Everything here runs on synthetic timings and synthetic /proc text (a fake clock where the
harness reads one): no test times real code.
"""

from __future__ import annotations

import math
import random
import sys
from types import SimpleNamespace

import pytest

from inparallel.analysis import stats
from inparallel.paths import DEMOS

sys.path.insert(0, str(DEMOS))
import harness  # demos/ is not a package: the demos import it by path too
import intervals
import placement
import timer

# --- The interval of the median ---


def test_no_interval_below_three_values():
    assert intervals.median_ci([]) is None
    assert intervals.median_ci([1.0, 2.0]) is None


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7, 8])
def test_small_samples_get_min_and_max(n):
    values = [float(v) for v in range(n, 0, -1)]  # unsorted on purpose
    assert intervals.median_ci(values) == (1.0, float(n))


@pytest.mark.parametrize(("n", "k"), [(9, 2), (10, 2), (20, 6), (40, 14), (100, 40)])
def test_larger_samples_use_the_binomial_ranks(n, k):
    """Ranks from the sign-test tables: n=10 -> (x2, x9), n=20 -> (x6, x15), ..."""
    values = random.Random(n).sample(range(1000), n)
    ordered = sorted(values)
    assert intervals.median_ci(values) == (ordered[k - 1], ordered[n - k])
    # The coverage is at least 95%, and one rank further in it would not be.
    def coverage(rank):
        return 1 - 2 * sum(math.comb(n, i) for i in range(rank)) / 2**n
    assert coverage(k) >= 0.95 > coverage(k + 1)


def test_the_demos_and_the_package_share_one_interval_rule():
    # The package loads demos/intervals.py itself: one home, no copy that could drift.
    assert stats.median_ci.__code__.co_filename == str(DEMOS / "intervals.py")
    assert timer.median_ci is intervals.median_ci
    rng = random.Random(7)
    values = [rng.lognormvariate(0, 0.2) for _ in range(40)]
    assert intervals.median_ci(values) == stats.median_ci(values)


# --- The stopping rule ---

TIGHT = [1.0, 1.001, 0.999, 1.002, 0.998, 1.0]  # within 0.2%
LOOSE = [1.0, 1.2, 0.8, 1.1, 0.9, 1.0]  # +-20%


def test_a_tight_point_converges_once_it_has_a_true_95_percent_interval():
    assert timer.within_target(TIGHT)
    assert not timer.within_target(TIGHT[:5]), "5 values: (min, max) covers only 93.75%"
    assert timer.stop_reason(TIGHT, 0.1, max_repeats=40, time_cap_s=10) == "converged"
    assert timer.stop_reason(TIGHT[:5], 0.1, max_repeats=40, time_cap_s=10) is None


def test_an_outlier_does_not_stop_a_point_from_converging():
    values = [1.0 + 0.001 * (i % 5) for i in range(19)] + [5.0]  # one value five times slower
    assert timer.within_target(values)


def test_a_wide_point_goes_on_until_its_time_cap_or_its_most_values():
    loose = LOOSE * 2  # 12 values, +-20%
    assert timer.stop_reason(loose, 1.0, max_repeats=40, time_cap_s=2) is None
    assert timer.stop_reason(loose, 2.0, max_repeats=40, time_cap_s=2) == "time-cap"
    assert timer.stop_reason(LOOSE, 0.1, max_repeats=6, time_cap_s=2) == "max-repeats"


def test_the_time_cap_never_stops_a_point_before_its_interval_leaves_out_outliers():
    values = [5.0 + 0.1 * i for i in range(timer.FEWEST)]
    assert timer.stop_reason(values[:-1], 100.0, max_repeats=40, time_cap_s=1) is None
    assert timer.stop_reason(values, 100.0, max_repeats=40, time_cap_s=1) == "time-cap"
    low, high = intervals.median_ci(values)  # the floor's interval drops the extremes
    assert low > min(values) and high < max(values)


def test_a_stage_run_keeps_to_its_slot_the_floor_is_for_full_runs():
    stage = harness.parse_args("", {"full": 1, "stage": 1, "quick": 1}, ["--stage"])
    full = harness.parse_args("", {"full": 1, "stage": 1, "quick": 1}, [])
    assert (stage.fewest, full.fewest) == (timer.FEWEST_ON_STAGE, timer.FEWEST)
    values = [5.0, 5.5, 6.0]  # wide, and already past the cap
    assert timer.stop_reason(values, 99.0, 12, 1.0, fewest=stage.fewest) == "time-cap"
    assert timer.stop_reason(values, 99.0, 40, 1.0, fewest=full.fewest) is None


def test_reaching_the_target_on_the_last_allowed_value_counts_as_converged():
    assert timer.stop_reason(TIGHT, 99, max_repeats=6, time_cap_s=1) == "converged"


def test_the_target_is_relative_to_the_median():
    assert timer.within_target([v * 1e-6 for v in TIGHT])
    assert not timer.within_target([1.0, 1.03, 0.97, 1.0, 1.0, 1.0])  # +-3% > +-2%
    assert timer.within_target([1.0, 1.029, 0.971, 1.0, 1.0, 1.0], target=0.03)


# --- Round robin, on a fake clock ---


class FakeClock:
    """perf_counter that advances only when a candidate 'runs' for its scripted time."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def candidates(clock, log, durations, fail_on=None):
    """name -> function that logs its call and takes the next of its scripted durations."""
    def make(name):
        times = iter(durations[name])

        def run():
            log.append(name)
            if fail_on == (name, len([n for n in log if n == name])):
                raise RuntimeError(f"{name} broke")
            clock.now += next(times)
            return name.upper()
        return run
    return {name: make(name) for name in durations}


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(timer.time, "perf_counter", fake)
    return fake


def test_the_candidates_take_their_values_in_turns(clock):
    log = []
    args = SimpleNamespace(repeats=3, time_cap=100.0)
    timings = timer.compare(candidates(clock, log, {"a": [1.0] * 4, "b": [2.0] * 4}), args)
    # Warm-ups, then rounds in alternating order: neither always follows the other.
    assert log == ["a", "b", "a", "b", "b", "a", "a", "b"]
    assert timings["a"].values == [1.0, 1.0, 1.0] and timings["b"].values == [2.0] * 3
    assert timings["a"].answer == "A" and timings["a"].stopped == "max-repeats"
    assert timings["a"].converged is False


def test_a_converged_candidate_leaves_the_rotation_and_the_others_go_on(clock):
    log = []
    args = SimpleNamespace(repeats=40, time_cap=100.0)
    steady = [1.0] * 50
    noisy = [1.0, 1.5, 0.6] * 17
    timings = timer.compare(candidates(clock, log, {"steady": steady, "noisy": noisy}), args)
    assert timings["steady"].stopped == "converged" and len(timings["steady"].values) == 6
    assert timings["steady"].converged is True
    assert timings["noisy"].stopped == "max-repeats" and len(timings["noisy"].values) == 40
    # One warm-up and six values each, in turns (the order alternates round by round).
    assert log[:14] == ["steady", "noisy"] + ["steady", "noisy", "noisy", "steady"] * 3
    assert set(log[14:]) == {"noisy"}


def test_the_time_cap_counts_timed_values_only_not_the_warm_up(clock):
    log = []
    args = SimpleNamespace(repeats=40, time_cap=3.0)
    timings = timer.compare(candidates(clock, log, {"slow": [50.0] + [1.0, 1.5] * 10}), args)
    assert timings["slow"].stopped == "time-cap"
    # The cap (3 s) is spent after 3 values, but the floor asks for FEWEST; the warm-up is free.
    assert timings["slow"].values == [1.0, 1.5] * (timer.FEWEST // 2)


def test_a_candidate_that_fails_keeps_its_error_and_the_others_go_on(clock):
    log = []
    args = SimpleNamespace(repeats=3, time_cap=100.0)
    timings = timer.compare(candidates(clock, log, {"a": [1.0] * 4, "b": [1.0] * 4},
                                         fail_on=("b", 2)), args)
    assert timings["b"].error == "RuntimeError: b broke" and timings["b"].values == []
    assert timings["b"].converged is None
    assert len(timings["a"].values) == 3
    row = harness.measured_row("w", "b", 1, timings["b"], lambda answer: True)
    assert row["error"] == "RuntimeError: b broke" and row["median"] is None


def test_per_call_values_divide_by_the_operations_per_call(clock):
    args = SimpleNamespace(repeats=3, time_cap=100.0)
    timings = timer.compare(candidates(clock, [], {"a": [10.0] * 4}), args, per=10)
    assert timings["a"].values == [1.0, 1.0, 1.0]


def test_a_short_call_is_timed_in_a_calibrated_batch(clock):
    log = []
    args = SimpleNamespace(repeats=3, time_cap=100.0, shortest=0.02)
    timings = timer.compare(candidates(clock, log, {"fast": [0.001] * 100,
                                                      "slow": [0.5] * 4}), args)
    assert timings["fast"].loops == 20 and timings["slow"].loops == 1
    assert log.count("fast") == 1 + 3 * 20  # one warm-up, then 20 calls per value
    assert log.count("slow") == 1 + 3
    assert timings["fast"].values == pytest.approx([0.001] * 3)  # one call's share
    row = harness.measured_row("w", "fast", 1, timings["fast"], lambda answer: True)
    assert row["loops"] == 20
    assert "loops" not in harness.measured_row("w", "slow", 1, timings["slow"], lambda a: True)


def test_a_first_call_slowed_by_imports_does_not_leave_a_fast_call_timed_alone(clock):
    # The warm-up takes 0.5 s (imports); then a call takes 1 ms. Calibrating on the warm-up
    # alone would time single calls; the first, too short value recalibrates instead.
    log = []
    args = SimpleNamespace(repeats=3, time_cap=100.0, shortest=0.02)
    timings = timer.compare(candidates(clock, log, {"fast": [0.5] + [0.001] * 100}), args)
    assert timings["fast"].loops == 20
    assert timings["fast"].values == pytest.approx([0.001] * 3)
    assert log.count("fast") == 1 + 1 + 3 * 20  # warm-up, the recalibrating call, 3 values


def test_each_value_carries_the_page_faults_of_its_calls_as_one_calls_share(clock,
                                                                           monkeypatch):
    # A fake fault counter: the "big" candidate touches 300 fresh pages per call, "small" 2.
    # The first call after the warm-up is too short and recalibrates: its faults go with it.
    faults = {"count": 0}
    monkeypatch.setattr(timer, "page_faults", lambda: faults["count"])
    scripted = candidates(clock, [], {"big": [0.5] + [0.001] * 200, "small": [0.5] * 4})

    def touching(name, pages):
        def run():
            faults["count"] += pages
            return scripted[name]()
        return run
    args = SimpleNamespace(repeats=3, time_cap=100.0, shortest=0.02)
    timings = timer.compare({"big": touching("big", 300), "small": touching("small", 2)},
                            args, per=2)
    assert timings["big"].loops > 1  # a batch of calls per value
    assert timings["big"].faults == [150.0] * 3  # per call of 2 operations: 300 / 2 each
    assert timings["small"].faults == [1.0] * 3
    row = harness.measured_row("w", "big", 1, timings["big"], lambda answer: True)
    assert row["page_faults"] == [150.0] * 3 and len(row["values"]) == 3


def test_no_page_faults_are_stored_where_they_cannot_be_counted(clock, monkeypatch):
    monkeypatch.setattr(timer, "page_faults", lambda: None)
    args = SimpleNamespace(repeats=3, time_cap=100.0)
    timings = timer.compare(candidates(clock, [], {"a": [1.0] * 4}), args)
    assert timings["a"].faults == []
    assert "page_faults" not in harness.measured_row("w", "a", 1, timings["a"], lambda a: True)


@pytest.mark.parametrize(("seconds", "shortest", "loops"), [
    (0.5, 0.02, 1), (0.02, 0.02, 1), (0.0019, 0.02, 11), (1e-7, 0.02, timer.MAX_LOOPS),
    (0.001, 0.0, 1)])
def test_calibration_makes_a_value_last_the_shortest_time_within_bounds(seconds, shortest,
                                                                         loops):
    assert timer.calibrate(seconds, shortest) == loops


def test_values_are_brought_to_one_machine_speed_by_the_reference_loop(clock, monkeypatch):
    # The machine slows down steadily: at time t everything takes (1 + t / 10) times as long,
    # the reference loop as much as the work. The raw values drift; the corrected ones do not.
    def slower():
        return 1 + clock.now / 10

    def reading():
        seconds = 0.001 * slower()
        clock.now += seconds
        return seconds

    def work():
        clock.now += 0.1 * slower()

    monkeypatch.setattr(timer, "reference", reading)
    # Twenty values, whatever the rule would say: the drift needs time to show.
    monkeypatch.setattr(timer, "stop_reason", lambda values, *rest, **options: (
        "max-repeats" if len(values) >= 20 else None))
    args = SimpleNamespace(repeats=20, time_cap=100.0, reference=True)
    timing = timer.compare({"work": work}, args)["work"]
    raw, values = timing.raw, timing.values
    assert len(values) == 20 and max(raw) / min(raw) > 1.15  # a 20% drift over the run
    assert max(values) / min(values) < 1.02
    assert values == pytest.approx([r * f for r, f in zip(raw, harness.measured_row(
        "w", "work", 1, timing, lambda answer: True)["speed_factors"], strict=True)])


def test_a_values_speed_is_the_median_reading_near_its_middle():
    speed = timer.Speed()
    speed.times, speed.seconds = [0.0, 0.1, 0.5, 0.6, 1.0], [1.0, 1.0, 2.0, 2.0, 1.0]
    assert speed.at(0.55, 0.1) == 2.0  # within 0.2 s: the two slow readings
    assert speed.at(0.05, 0.1) == 1.0
    assert speed.at(0.55, 1.0) == 1.0  # a 1 s value: 0.6 s either side, all five readings
    assert speed.at(5.0, 0.1) == 1.0  # none near: every reading
    assert speed.baseline() == 1.0


def test_a_failing_candidate_keeps_no_values_with_the_reference_loop(clock, monkeypatch):
    monkeypatch.setattr(timer, "reference", lambda: 0.001)
    args = SimpleNamespace(repeats=3, time_cap=100.0, reference=True)
    timings = timer.compare(candidates(clock, [], {"a": [1.0] * 4, "b": [1.0] * 4},
                                         fail_on=("b", 3)), args)
    assert timings["b"].error == "RuntimeError: b broke" and timings["b"].values == []
    assert len(timings["a"].values) == 3


def test_without_the_reference_loop_the_values_are_the_raw_times(clock):
    args = SimpleNamespace(repeats=3, time_cap=100.0)
    timing = timer.compare(candidates(clock, [], {"a": [1.0, 1.0, 2.0, 1.0]}), args)["a"]
    assert timing.values == [1.0, 2.0, 1.0] and timing.speeds == []
    assert "raw_values" not in harness.measured_row("w", "a", 1, timing, lambda answer: True)


# --- Rows ---


def test_a_timing_row_carries_its_interval_and_whether_it_converged():
    row = harness.row("w", "s", 1, TIGHT, converged=True)
    assert (row["median"], row["min"], row["max"]) == (1.0, 0.998, 1.002)
    assert (row["ci_low"], row["ci_high"]) == (0.998, 1.002)
    assert row["converged"] is True


def test_rows_that_are_not_timings_have_no_interval_and_no_convergence():
    memory = harness.row("idle", "threads", 1, [3, 4, 5], unit="bytes", converged=True)
    assert memory["ci_low"] is None and memory["ci_high"] is None and memory["converged"] is None
    missing = harness.unavailable("w", "subinterpreters", 1, "not here")
    assert missing["median"] is None and missing["converged"] is None


# --- Argument checks: one line, exit code 2 ---

SIZES = {"full": 100, "stage": 10, "quick": 1}


@pytest.mark.parametrize(("argv", "says"), [
    (["--workers", "abc"], "'abc' is not a number"),
    (["--workers", "0"], "'0' is out of range"),
    (["--workers", "1,,2"], "worker counts"),
    (["--workers", "2000"], "out of range"),
    (["--repeats", "-3"], "'-3' is out of range"),
    (["--repeats", "0"], "out of range"),
    (["--time-cap", "0"], "out of range"),
    (["--time-cap", "nan"], "out of range"),
    (["--max-workers", "0"], "out of range"),
    (["--quick", "--stage"], "not allowed with"),
])
def test_bad_arguments_end_in_one_line_and_exit_code_2(argv, says, capsys):
    with pytest.raises(SystemExit) as stop:
        harness.parse_args("demo", SIZES, argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err
    assert "Traceback" not in err


def test_a_demos_own_option_is_checked_too(capsys):
    extra = [(("--latency-ms",), {"type": harness.bounded(0, 10_000, float), "default": 20.0})]
    with pytest.raises(SystemExit):
        harness.parse_args("demo", SIZES, ["--latency-ms", "-1"], extra)
    assert "--latency-ms" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "size", "repeats", "cap"), [
    ([], 100, timer.MAX_REPEATS, 2.0),
    (["--stage"], 10, 12, 0.5),
    (["--quick"], 1, 3, 0.2),
    (["--repeats", "7", "--time-cap", "9"], 100, 7, 9.0),
])
def test_each_mode_has_its_sizes_most_values_and_time_cap(argv, size, repeats, cap):
    args = harness.parse_args("demo", SIZES, [*argv, "--workers", "1,3"], time_cap=2.0)
    assert (args.size, args.repeats, args.time_cap, args.workers) == (size, repeats, cap, [1, 3])


def test_the_correction_weight_follows_how_far_values_move_with_the_reference():
    speeds = [1.0, 1.1, 0.9, 1.2, 0.95, 1.05]
    drifting = [2.0 * s for s in speeds]  # the work slows exactly as the reference does
    steady = [2.0, 2.01, 1.99, 2.0, 2.01, 1.99]  # the readings move on their own
    assert timer.following([(drifting, speeds)]) == pytest.approx(1.0)
    assert timer.following([(steady, speeds)]) == pytest.approx(0.0, abs=0.05)
    assert timer.corrected(steady, speeds, 1.0, follow=0.0) == steady
    assert timer.following([([1.0, 1.0], [1.0, 2.0])]) == 0.0  # too few values to tell


def test_workers_start_process_pools_first_and_one_that_fails_leaves_the_others():
    import contextlib

    import strategies

    order = []

    @contextlib.contextmanager
    def worker(name):
        order.append(name)
        if name == "subinterpreters":
            raise RuntimeError("no room\nsecond line")
        yield name

    names = ("threads", "subinterpreters", "processes-fork")
    with contextlib.ExitStack() as stack:
        running, failed = strategies.start_each(stack, {n: lambda n=n: worker(n) for n in names})
    assert order[0] == "processes-fork"
    assert running == {"processes-fork": "processes-fork", "threads": "threads"}
    assert failed == {"subinterpreters": "could not start: RuntimeError: no room"}


@pytest.mark.skipif(not hasattr(placement.os, "sched_setscheduler"), reason="no scheduler API")
def test_a_batch_job_passes_its_policy_to_the_threads_it_starts_and_no_further():
    import os
    import threading

    seen = {}

    def caller():
        seen["policy"] = placement.as_batch_job()
        worker = threading.Thread(target=lambda: seen.update(worker=os.sched_getscheduler(0)))
        worker.start()
        worker.join()

    before = os.sched_getscheduler(0)
    thread = threading.Thread(target=caller)  # so that the test process keeps its policy
    thread.start()
    thread.join()
    assert seen == {"policy": "batch", "worker": os.SCHED_BATCH}
    assert os.sched_getscheduler(0) == before


def test_a_point_whose_last_correction_widened_it_is_not_called_converged():
    timing = timer.Timing()
    timing.stopped = "converged"  # the rule stopped on its target...
    timing.values = [1.0, 1.0, 1.0, 1.1, 0.9, 1.0]  # ...but the stored values are +-10%
    assert timing.converged is False
    timing.values = [1.0, 1.0, 1.0, 1.01, 0.99, 1.0]
    assert timing.converged is True
