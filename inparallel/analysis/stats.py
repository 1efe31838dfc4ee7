"""Statistics over records: the interval of a median, and aggregation over compatible runs.

Every chart and quoted number reads ``aggregate``'s points, never a single newest file, so one
noisy run moves the headline only as far as its share of all compatible runs.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from inparallel.records.intervals import MIN_VALUES_FOR_INTERVAL, median_ci

if TYPE_CHECKING:  # records are only read here: their types, for annotations
    from inparallel.records.model import Machine, Record, Row

#: The precision rule: a point is evidence for a finding when its 95% interval lies within
#: +-3% of its median (the harness aims each value at +-2%).
PRECISION = 0.03


def within_precision(middle: float, low: float, high: float) -> bool:
    """Whether the interval ``low``..``high`` lies within ``PRECISION`` of ``middle``."""
    return max(middle - low, high - middle) <= PRECISION * middle
#: Runs whose timings count. A disturbed run (other processes) or a noisy one (the machine's
#: own speed swung: inparallel/measure/noise.py) keeps its untimed rows only; runs from before
#: the swing was stored are "unknown" and count, as they did.
COUNTED = frozenset({"quiet", "unknown"})


class Excluded(NamedTuple):
    """A file left out of the aggregate, and why (shown on the page next to the chart)."""

    path: Path
    reason: str


@dataclass(frozen=True)
class Point:
    """One measured point aggregated over every compatible run of one machine.

    ``median`` is the median across runs of each run's median; ``low``/``high`` its interval
    across runs (``across_runs``), or that run's own 95% interval when one run contributed
    (None when it has none). ``paired`` is the point's ratio to the baseline it was timed
    against pair by pair, when it was; ``precise`` whether it meets ``PRECISION``.
    """

    demo: str
    variant: str
    env: Mapping[str, str] = field(hash=False)
    label: str
    workload: str
    strategy: str
    workers: int
    params: Mapping[str, Any] = field(hash=False)
    unit: str
    median: float | None
    low: float | None
    high: float | None
    runs: int
    ok: bool
    correct: bool | None
    available: bool
    reason: str | None
    error: str | None
    files: tuple[Path, ...]
    paired: Paired | None = field(default=None, hash=False)
    precise: bool = True


@dataclass(frozen=True)
class Paired:
    """The ratio of a point's baseline time to its own, from pairs of values taken back to
    back: ``against`` names the baseline ({"workers": 1} or {"strategy": "sequential"})."""

    against: Mapping[str, Any]
    value: float
    low: float
    high: float
    pairs: int

    @property
    def precise(self) -> bool:
        """Whether its interval meets the precision rule (``within_precision``)."""
        return within_precision(self.value, self.low, self.high)


def across_runs(medians: Sequence[float], pooled: Sequence[float] = (),
                own: Sequence[tuple[float, float] | None] = ()) -> tuple[float, float] | None:
    """The interval of a median over runs, never one run's extreme against another's.

    Between runs: the order-statistic interval of the run medians (``median_ci``; their
    range below 3 runs). Within runs: the order-statistic interval of every run's values
    pooled, so that two noisy runs that agree by chance do not pass for a precise point,
    and more runs of a steady machine narrow it. The interval is the hull of the two. With
    one run, its own stored interval (``own``), else that of its values.
    """
    if not medians:
        return None
    inner = median_ci(pooled) if len(pooled) >= MIN_VALUES_FOR_INTERVAL else None
    if len(medians) == 1:
        return own[0] if own and own[0] else inner
    spread = median_ci(medians) if len(medians) >= MIN_VALUES_FOR_INTERVAL else (
        min(medians), max(medians))
    assert spread is not None
    if inner is None:
        return spread
    return min(spread[0], inner[0]), max(spread[1], inner[1])


def pair_estimate(against: Mapping[str, Any], runs: Sequence[Sequence[float]]) -> Paired:
    """The paired ratio of one point from each run's ratios: the median of the runs' medians
    with its interval across runs (``across_runs``; one run: its own 95% interval)."""
    medians = [statistics.median(ratios) for ratios in runs]
    interval = across_runs(medians, [r for ratios in runs for r in ratios])
    value = statistics.median(medians)
    low, high = interval if interval else (value, value)
    return Paired(dict(against), value, min(low, value), max(high, value),
                  sum(len(ratios) for ratios in runs))


def _paired(rows: list[Row]) -> Paired | None:
    """The paired ratio over the runs of one point (rows that were paired alike)."""
    paired = [row for row in rows if row.paired_ratios and row.paired_with]
    if not paired or any(row.paired_with != paired[0].paired_with for row in paired):
        return None
    return pair_estimate(paired[0].paired_with, [row.paired_ratios for row in paired])


@dataclass(frozen=True)
class MachineResult:
    """A demo's aggregated points on one machine, the files used and the files left out."""

    machine: Machine
    points: tuple[Point, ...]
    files: tuple[Path, ...]
    excluded: tuple[Excluded, ...]
    command: str

    def select(self, **match: object) -> list[Point]:
        """Points whose attributes equal every keyword given (``strategy="threads"``)."""
        return [p for p in self.points if all(getattr(p, k) == v for k, v in match.items())]

    @property
    def variants(self) -> list[str]:
        """The catalog variants present (``3.14t``), in first-seen order."""
        return list(dict.fromkeys(p.variant for p in self.points))

    @property
    def labels(self) -> list[str]:
        """The series present (``3.14t``, ``3.14t PYTHON_GIL=1``), in first-seen order."""
        return list(dict.fromkeys(p.label for p in self.points))


def _canonical(value: Any) -> str:
    """A stable text form of settings or params, for grouping (key order does not matter)."""
    return json.dumps(value, sort_keys=True, default=str)


def _series(variant: str, env: Mapping[str, str]) -> tuple[str, str]:
    return variant, _canonical(env)


def _combine(demo: str, rows: list[tuple[Record, Row]], variant: str,
             env: Mapping[str, str], label: str) -> Point:
    """One point from the same row of several runs (oldest first)."""
    good = [row for _, row in rows if row.ok]
    medians = [row.median for row in good if row.median is not None]
    newest = rows[-1][1]
    own = [(row.ci_low, row.ci_high) if row.ci_low is not None and row.ci_high is not None
           else None for row in good]
    pooled = [v for row in good if row.is_measured for v in row.values]
    interval = across_runs(medians, pooled, own)
    low, high = interval if interval else (None, None)
    paired = _paired(good)
    timing = bool(good) and good[0].is_measured
    if paired is not None:
        precise = paired.precise
    elif timing and medians and low is not None and high is not None:
        middle = statistics.median(medians)
        precise = within_precision(middle, low, high)
    else:
        precise = not timing  # sizes and answers need no interval; a timing without one does
    answers = [row.correct for row in good]
    correct = False if False in answers else (True if answers and all(answers) else None)
    failed = [row for _, row in rows if not row.ok]
    return Point(
        demo=demo, variant=variant, env=dict(env), label=label,
        workload=newest.workload, strategy=newest.strategy, workers=newest.workers,
        params=dict(newest.params), unit=newest.unit,
        median=statistics.median(medians) if medians else None, low=low, high=high,
        runs=len(medians), ok=bool(medians), correct=correct,
        available=any(row.available for _, row in rows),
        reason=None if medians else next((r.reason for r in reversed(failed) if r.reason), None),
        error=None if medians else next((r.error for r in reversed(failed) if r.error), None),
        files=tuple(dict.fromkeys(record.path for record, _ in rows)),
        paired=paired, precise=precise,
    )


def _timing(row: Row) -> bool:
    return row.is_measured and bool(row.values)


def counted(record: Record) -> bool:
    """Whether a run's timings count (``COUNTED``): not disturbed, not noisy."""
    return record.noise_class in COUNTED


def _why(record: Record) -> str:
    """Why a run's timings do not count, in a few words."""
    if record.disturbed:
        return (record.interference.reason if record.interference else None) or "other load"
    return record.noise.reason if record.noise else "the machine's speed swung"


def _untimed_rows(record: Record) -> bool:
    """Whether a run holds rows that other processes' CPU time cannot skew (sizes, answers)."""
    return any(not _timing(row) for run in record.runs for row in run.results)


def _aggregate_demo(records: list[Record]) -> tuple[list[Point], list[Record], list[Excluded]]:
    """One demo on one machine (records oldest first): its points, the files used, the rest."""
    excluded: list[Excluded] = []
    calm = []
    for record in records:
        # Other processes' CPU time, or the machine's own speed swings, skew durations, not
        # sizes or yes/no answers: such a run's timings are left out (below), and with
        # nothing else in it, the whole run.
        if not counted(record):
            kept = "its timings left out" if _untimed_rows(record) else "left out"
            excluded.append(Excluded(record.path, f"{record.noise_class} ({kept}): "
                                                  f"{_why(record)}"))
        if counted(record) or _untimed_rows(record):
            calm.append(record)
    if not calm:
        return [], [], excluded
    newest = calm[-1]
    settings = _canonical(newest.settings)
    group = []
    for record in calm:
        if _canonical(record.settings) == settings:
            group.append(record)
        else:
            excluded.append(Excluded(record.path, "other settings than the newest run: "
                                     f"{_canonical(record.settings)}"))
    # Per series (variant and environment), only runs of the newest interpreter version count.
    versions: dict[tuple[str, str], str] = {}
    for record in group:
        for run in record.runs:
            versions[_series(run.variant, run.env)] = run.interpreter.version
    rows: dict[tuple, list[tuple[Record, Row]]] = {}
    series: dict[tuple, Any] = {}
    used: list[Record] = []
    for record in group:
        contributed = False
        for run in record.runs:
            key = _series(run.variant, run.env)
            if run.interpreter.version != versions[key]:
                continue
            contributed = True
            for row in run.results:
                if not counted(record) and _timing(row):
                    continue
                point_key = (key, row.workload, row.strategy, row.workers, _canonical(row.params))
                rows.setdefault(point_key, []).append((record, row))
                series[point_key] = run
        if contributed:
            used.append(record)
        else:
            excluded.append(Excluded(record.path, "older interpreter versions than the newest run"))
    # The newest run's order (the demo's own order) comes first; older extra rows follow.
    order = sorted(rows, key=lambda k: rows[k][-1][0] is not newest)
    points = [
        _combine(newest.demo, rows[k], series[k].variant, series[k].env, series[k].label)
        for k in order
    ]
    return points, used, excluded


def aggregate(records: Iterable[Record]) -> list[MachineResult]:
    """Aggregate runs per machine: one ``MachineResult`` per machine key, most CPUs first,
    and among machines with as many CPUs, the one measured most recently first.

    Compatible runs have the same machine key, demo and settings, and per (variant, env) the
    same interpreter version; the newest such group is used. Disturbed runs, and runs that do
    not fit the newest group, are listed in ``excluded`` with the reason.
    """
    by_machine: dict[str, dict[str, list[Record]]] = {}
    for record in sorted(records, key=lambda r: (r.started_at, str(r.path))):
        by_machine.setdefault(record.machine.key, {}).setdefault(record.demo, []).append(record)
    results, measured = [], {}
    for per_demo in by_machine.values():
        points: list[Point] = []
        used: list[Record] = []
        excluded: list[Excluded] = []
        commands: list[str] = []
        for demo_records in per_demo.values():
            demo_points, demo_used, demo_excluded = _aggregate_demo(demo_records)
            points += demo_points
            used += demo_used
            excluded += demo_excluded
            if demo_used:
                commands.append(demo_used[-1].command)  # the newest used run's command
        everything = [r for rs in per_demo.values() for r in rs]
        latest = max(used or everything, key=lambda r: r.started_at)
        measured[latest.machine.key] = latest.started_at
        results.append(MachineResult(
            machine=latest.machine, points=tuple(points),
            files=tuple(r.path for r in sorted(used, key=lambda r: (r.started_at, str(r.path)))),
            excluded=tuple(excluded), command="; ".join(dict.fromkeys(commands))))
    # The stated rule for which machine leads: one with measurements first, then the most
    # CPUs, then the newest data (the runs a reader can still reproduce). Three stable sorts.
    results.sort(key=lambda m: measured[m.machine.key], reverse=True)
    results.sort(key=lambda m: -m.machine.usable_cpus)
    results.sort(key=lambda m: not any(p.ok for p in m.points))
    return results
