"""Numbers that hold on a noisy machine, from stored records to a finding's verdict: noise
classes, paired speedups, the physics check, one machine per fingerprint, one run per content.

Records here are synthetic (``record_samples``), never measurements.
"""

from __future__ import annotations

import statistics

import pytest
from record_samples import put, record, row, run

from inparallel.analysis import metrics, stats
from inparallel.analysis.demos import nogil
from inparallel.measure import noise
from inparallel.records import load
from inparallel.records.errors import InvalidRecord


def _nogil(one: float, two: float, ratios: list[float] | None = None, spread: float = 0.02,
           **extra) -> list[dict]:
    """The two rows of a nogil run: one thread, and two threads paired with it."""
    paired = {"paired_with": {"workers": 1}, "paired_ratios": ratios} if ratios else {}
    return [row(workers=1, values=[one] * 12, noise_spread=spread,
                params={"work_per_thread": 10}),
            row(workers=2, values=[two] * 12, noise_spread=spread,
                params={"work_per_thread": 10}, **paired, **extra)]


def _noisy(doc: dict, spread: float) -> dict:
    doc["noise"] = {"spread": spread, "class": "quiet" if spread <= noise.NOISY_SPREAD
                    else "noisy", "threshold": noise.NOISY_SPREAD, "points": 2}
    return doc


def test_a_run_is_quiet_or_noisy_by_the_median_swing_of_its_points():
    quiet = noise.summarize([{"noise_spread": 0.02}, {"noise_spread": 0.04}, {}])
    loud = noise.summarize([{"noise_spread": 0.02}, {"noise_spread": 0.45},
                            {"noise_spread": 0.5}])
    assert (quiet["class"], quiet["points"]) == ("quiet", 2)
    assert (loud["class"], loud["spread"]) == ("noisy", 0.45)
    assert noise.summarize([{"unit": "bytes"}])["class"] == "unknown"


def test_pairs_that_scatter_make_a_run_noisy_when_the_readings_miss_it():
    # A quota that throttles the work's cores between readings: the readings look quiet, but
    # two values timed back to back no longer agree.
    steady = [0.95, 0.96, 0.97, 0.95, 0.96, 0.94, 0.96, 0.95]
    scattered = [0.6, 0.95, 0.7, 1.0, 0.65, 0.9, 0.75, 0.98]
    quiet = noise.summarize([{"noise_spread": 0.05, "paired_ratios": steady}])
    loud = noise.summarize([{"noise_spread": 0.05, "paired_ratios": scattered}])
    assert (quiet["class"], loud["class"]) == ("quiet", "noisy")
    assert loud["pair_scatter"] > noise.NOISY_PAIR_SCATTER >= quiet["pair_scatter"]


def test_one_point_that_scatters_by_nature_does_not_make_a_run_of_many_noisy():
    steady = [0.95, 0.96, 0.97, 0.95, 0.96, 0.94, 0.96, 0.95]
    scattered = [0.6, 0.95, 0.7, 1.0, 0.65, 0.9, 0.75, 0.98]
    many = [{"noise_spread": 0.05, "paired_ratios": steady}] * 7
    one_wild = noise.summarize([*many, {"noise_spread": 0.05, "paired_ratios": scattered}])
    assert one_wild["class"] == "quiet"
    a_quarter = noise.summarize(
        [*many[:5], *[{"noise_spread": 0.05, "paired_ratios": scattered}] * 3])
    assert a_quarter["class"] == "noisy"
    # With two paired points (the nogil demo), one that scatters is enough.
    two = noise.summarize([many[0], {"noise_spread": 0.05, "paired_ratios": scattered}])
    assert two["class"] == "noisy"


def test_the_speedup_comes_from_the_pairs_not_from_two_medians(tmp_path):
    # The medians alone say 2 * 1.0 / 1.6 = 1.25x (a slow stretch hit the 2-thread values);
    # each pair, taken back to back, says about 1.9x.
    pairs = [0.94, 0.95, 0.96, 0.95, 0.95, 0.94, 0.96, 0.95, 0.95, 0.95]
    put(tmp_path, _noisy(record(runs=[run("3.14t", _nogil(1.0, 1.6, pairs))]), 0.02))
    (result,) = stats.aggregate(load.load_demo(tmp_path, "nogil"))
    curve = metrics.thread_speedups(result, "3.14t")
    assert curve[2].value == pytest.approx(2 * statistics.median(pairs))
    assert curve[2].precise


def test_an_impossible_speedup_is_an_error_never_a_result(tmp_path):
    put(tmp_path, _noisy(record(runs=[run("3.14t", _nogil(1.0, 0.6, [1.45] * 10))]), 0.02))
    (result,) = stats.aggregate(load.load_demo(tmp_path, "nogil"))
    points = result.select(variant="3.14t", strategy="threads")
    curve, problems = metrics.speedup_curve(points)
    assert 2 not in curve
    assert "2.90x on 2 workers is more than 2 can do" in problems[2]


def test_noisy_runs_keep_their_file_but_not_their_timings(tmp_path):
    put(tmp_path, _noisy(record(started="2026-11-25T10:00:00Z",
                                runs=[run("3.14t", _nogil(1.0, 0.52, [0.96] * 10))]), 0.02))
    put(tmp_path, _noisy(record(started="2026-11-25T11:00:00Z",
                                runs=[run("3.14t", _nogil(1.0, 0.9, [0.55] * 10))]), 0.45))
    (result,) = stats.aggregate(load.load_demo(tmp_path, "nogil"))
    assert metrics.thread_speedups(result, "3.14t")[2].value == pytest.approx(1.92)
    (left_out,) = result.excluded
    assert left_out.reason.startswith("noisy (left out): the machine's speed swung 45%")


def test_a_finding_on_imprecise_points_has_not_enough_evidence(tmp_path):
    wide = [0.7, 0.8, 0.9, 0.95, 1.0, 0.75, 0.85, 0.99, 0.9, 0.8]  # 1.4x to 2.0x
    put(tmp_path, _noisy(record(runs=[run("3.14", _nogil(1.0, 2.0, [0.5] * 10)),
                                      run("3.14t", _nogil(1.0, 0.55, wide))]), 0.02))
    (result,) = stats.aggregate(load.load_demo(tmp_path, "nogil"))
    verdict = nogil.nogil_threads_scale(result)
    assert verdict.status == "no-evidence"
    assert verdict.shortfall == ("3.14t threads x2 (numeric)",)


def test_two_machines_of_one_cpu_model_are_two_machines(tmp_path):
    for stamp, fingerprint in (("10", "aaaaaaaaaaaa"), ("11", "bbbbbbbbbbbb")):
        doc = record(started=f"2026-11-25T{stamp}:00:00Z", runs=[run("3.14t", _nogil(1, .52))])
        doc["machine"]["fingerprint"] = fingerprint
        put(tmp_path, doc)
    results = stats.aggregate(load.load_demo(tmp_path, "nogil"))
    assert [r.machine.fingerprint for r in results] == ["bbbbbbbbbbbb", "aaaaaaaaaaaa"]


def test_one_run_under_ten_names_counts_once(tmp_path):
    doc = record(runs=[run("3.14t", _nogil(1.0, 0.52))])
    for i in range(10):
        put(tmp_path, doc, f"copy{i}_fake-cpu_2cpu.json")
    (result,) = stats.aggregate(load.load_demo(tmp_path, "nogil"))
    assert {p.runs for p in result.points} == {1}
    assert len(result.files) == 1


@pytest.mark.parametrize(("where", "value", "says"), [
    ("time", 1e-300, "outside what a measurement can take"),
    ("time", 1e9, "outside what a measurement can take"),
    ("cpus", 10_000, "its name says 2 CPUs but its machine.usable_cpus is 10000"),
])
def test_impossible_values_are_refused_when_read(tmp_path, where, value, says):
    doc = record(runs=[run("3.14t", _nogil(1.0, 0.52))])
    if where == "time":
        doc["runs"][0]["results"][1] = row(workers=2, values=[value] * 6)
    else:
        doc["machine"]["cpu_count"] = doc["machine"]["usable_cpus"] = value
    path = put(tmp_path, doc, "20261125T130512Z_fake-cpu_2cpu.json")
    with pytest.raises(InvalidRecord, match=says):
        load.read(path)
