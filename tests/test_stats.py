"""The interval of a median and aggregation over runs, on synthetic records (nothing timed)."""

from __future__ import annotations

import math
import random

import pytest
from record_samples import put, record, row, run

from inparallel.analysis.stats import aggregate, median_ci
from inparallel.records import load


def _coverage(n: int, j: int) -> float:
    """Exact coverage of [x(j), x(n+1-j)] for the median, from the binomial distribution."""
    return 1 - 2 * sum(math.comb(n, i) for i in range(j)) / 2**n


@pytest.mark.parametrize(("n", "rank"), [(6, 1), (10, 2), (20, 6), (50, 18), (100, 40)])
def test_median_ci_uses_the_narrowest_order_statistics_with_95_percent(n, rank):
    values = list(range(1, n + 1))  # x(j) == j
    random.Random(n).shuffle(values)
    assert median_ci(values) == (rank, n + 1 - rank)
    assert _coverage(n, rank) >= 0.95 > _coverage(n, rank + 1)


def test_median_ci_without_enough_values():
    assert median_ci([]) is None and median_ci([1.0, 2.0]) is None
    assert median_ci([3.0, 1.0, 2.0]) == (1.0, 3.0)  # the widest the data allow
    with pytest.raises(ValueError):
        median_ci([1.0, 2.0, 3.0], confidence=1.0)


def test_median_ci_covers_the_true_median_about_95_percent_of_the_time():
    rng = random.Random(7)
    hits = 0
    for _ in range(2000):
        # Skewed like timing noise: a floor plus an exponential tail; true median = 1 + ln 2.
        sample = [1 + rng.expovariate(1.0) for _ in range(25)]
        low, high = median_ci(sample)
        hits += low <= 1 + math.log(2) <= high
    assert 0.94 <= hits / 2000 <= 0.99


def _records(tmp_path, docs):
    for i, doc in enumerate(docs):
        put(tmp_path, doc, f"{i:02d}.json")
    return load.load_demo(tmp_path, "nogil")


def _one(values, **kw):
    return [run("3.14t", rows=[row(values=values, **kw)])]


def test_several_runs_are_aggregated_with_their_range(tmp_path):
    records = _records(tmp_path, [
        record(started=f"2026-11-2{i}T10:00:00Z", runs=_one([m, m, m]))
        for i, m in enumerate([1.0, 1.2, 0.9])
    ])
    [result] = aggregate(records)
    [point] = result.points
    assert (point.median, point.low, point.high, point.runs) == (1.0, 0.9, 1.2, 3)
    assert point.ok and point.correct is True and point.label == "3.14t"
    assert result.files == tuple(r.path for r in records) == point.files
    assert result.excluded == () and result.command == "invoke demo nogil"


def test_one_run_shows_its_own_interval(tmp_path):
    values = [1.0, 1.1, 0.9, 1.05, 0.95, 1.0]
    [result] = aggregate(_records(tmp_path, [record(runs=_one(values))]))
    [point] = result.points
    assert (point.median, point.low, point.high, point.runs) == (1.0, 0.9, 1.1, 1)


def test_a_disturbed_run_is_excluded_and_listed(tmp_path):
    calm = record(started="2026-11-20T10:00:00Z", runs=_one([1.0, 1.0, 1.0]))
    busy = record(started="2026-11-21T10:00:00Z", runs=_one([5.0, 5.0, 5.0]), disturbed=True)
    records = _records(tmp_path, [calm, busy])
    [result] = aggregate(records)
    assert [p.median for p in result.points] == [1.0]
    assert result.files == (records[0].path,)
    [(path, reason)] = result.excluded
    assert path == records[1].path and reason.startswith("disturbed (left out): other")


def test_a_disturbed_run_keeps_its_sizes_and_answers_but_not_its_timings(tmp_path):
    """Other processes' CPU time skews durations, not memory sizes or yes/no answers."""
    rows = [row(workload="pss", values=[1e6, 1e6, 1e6], unit="bytes"),
            row(workload="numeric", values=[5.0, 5.0, 5.0])]
    [result] = aggregate(_records(tmp_path, [record(runs=[run("3.14t", rows=rows)],
                                                    disturbed=True)]))
    assert [(p.workload, p.median) for p in result.points] == [("pss", 1e6)]
    [(_, reason)] = result.excluded
    assert reason.startswith("disturbed (its timings left out)")


def test_a_machine_with_only_disturbed_runs_shows_no_point_but_lists_them(tmp_path):
    [result] = aggregate(_records(tmp_path, [record(disturbed=True)]))
    assert result.points == () and result.files == () and len(result.excluded) == 1


def test_runs_with_other_settings_are_kept_apart(tmp_path):
    old = record(started="2026-11-20T10:00:00Z", settings={"workers": [1, 2, 4]},
                 runs=_one([9.0, 9.0, 9.0]))
    new = record(started="2026-11-21T10:00:00Z", runs=_one([1.0, 1.0, 1.0]))
    records = _records(tmp_path, [old, new])
    [result] = aggregate(records)
    assert [p.median for p in result.points] == [1.0] and result.files == (records[1].path,)
    assert result.excluded[0].path == records[0].path
    assert "other settings" in result.excluded[0].reason


def test_only_the_newest_interpreter_version_of_a_series_counts(tmp_path):
    older = record(started="2026-11-20T10:00:00Z", runs=[
        run("3.14", rows=[row(values=[2.0] * 3)], version="3.14.6"),
        run("3.14t", rows=[row(values=[3.0] * 3)], version="3.14.7")])
    newer = record(started="2026-11-21T10:00:00Z", runs=[
        run("3.14", rows=[row(values=[1.0] * 3)], version="3.14.7"),
        run("3.14t", rows=[row(values=[5.0] * 3)], version="3.14.7")])
    [result] = aggregate(_records(tmp_path, [older, newer]))
    gil, free = result.select(variant="3.14"), result.select(variant="3.14t")
    assert [(p.median, p.runs) for p in gil] == [(1.0, 1)]  # 3.14.6's run left out
    assert [(p.median, p.runs) for p in free] == [(4.0, 2)]  # same 3.14t: both runs count
    assert len(result.files) == 2


def test_the_environment_is_its_own_series(tmp_path):
    doc = record(runs=[run("3.14t", rows=[row(values=[1.0] * 3)]),
                       run("3.14t", rows=[row(values=[2.0] * 3)], env={"PYTHON_GIL": "1"})])
    [result] = aggregate(_records(tmp_path, [doc]))
    assert result.variants == ["3.14t"]
    assert result.labels == ["3.14t", "3.14t PYTHON_GIL=1"]
    assert result.select(env={"PYTHON_GIL": "1"})[0].median == 2.0


def test_two_machines_side_by_side_most_cpus_first(tmp_path):
    small = record(machine="epyc", cpus=2, runs=_one([1.0] * 3))
    big = record(machine="epyc", cpus=16, runs=_one([2.0] * 3))
    results = aggregate(_records(tmp_path, [small, big]))
    assert [r.machine.key for r in results] == ["epyc-16cpu", "epyc-2cpu"]
    assert [r.points[0].median for r in results] == [2.0, 1.0]


def test_among_machines_with_as_many_cpus_the_newest_measured_comes_first(tmp_path):
    old = record(machine="epyc", cpus=2, started="2026-11-20T10:00:00Z", runs=_one([1.0] * 3))
    new = record(machine="xeon", cpus=2, started="2026-11-27T10:00:00Z", runs=_one([2.0] * 3))
    results = aggregate(_records(tmp_path, [old, new]))
    assert [r.machine.key for r in results] == ["xeon-2cpu", "epyc-2cpu"]


def test_failures_unavailable_rows_and_wrong_answers_stay_visible(tmp_path):
    rows = [row(strategy="threads"),
            row(strategy="subinterpreters", values=[], available=False, correct=None,
                reason="not on this version"),
            row(strategy="processes", correct=False)]
    crashed = [row(strategy="threads", values=[], correct=None, error="exit code 3")]
    records = _records(tmp_path, [
        record(started="2026-11-20T10:00:00Z", runs=[run("3.14t", rows=crashed)]),
        record(started="2026-11-21T10:00:00Z", runs=[run("3.14t", rows=rows)]),
    ])
    [result] = aggregate(records)
    threads, sub, processes = (result.select(strategy=s)[0]
                               for s in ("threads", "subinterpreters", "processes"))
    assert threads.ok and threads.runs == 1 and threads.files == tuple(r.path for r in records)
    assert not sub.ok and not sub.available and sub.reason == "not on this version"
    assert processes.correct is False
