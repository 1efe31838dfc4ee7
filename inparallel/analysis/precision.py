"""How many of a run's measured points meet the precision rule: the bench's report card.

A point is precise when its 95% interval lies within ``stats.PRECISION`` of its median; a
point timed pair by pair is judged on its paired ratio, the number a finding states. A run's
share of precise points, with its noise class, is what `invoke bench` and `invoke demo` print
after storing it, so that a noisy run shows as one before anything is built from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from inparallel.analysis import stats
from inparallel.records import load
from inparallel.records.model import Record, Row


def precise_row(row: Row) -> bool:
    """Whether one measured row of one run meets the precision rule (``stats.PRECISION``)."""
    if row.paired_ratios and row.paired_with:
        if len(row.paired_ratios) < stats.MIN_VALUES_FOR_INTERVAL:
            return False
        return stats.pair_estimate(row.paired_with, [row.paired_ratios]).precise
    if row.ci_low is None or row.ci_high is None or not row.median:
        return False
    return stats.within_precision(row.median, row.ci_low, row.ci_high)


@dataclass(frozen=True)
class RunPrecision:
    """One run's measured points and how many of them are precise."""

    demo: str
    path: Path
    noise_class: str
    precise: int
    measured: int

    @property
    def share(self) -> float | None:
        """The share of precise points, or None when the run measured nothing."""
        return self.precise / self.measured if self.measured else None

    def line(self) -> str:
        """``cpu: 45 of 50 measured points within ±3% (90%), quiet run``."""
        if not self.measured:
            return f"{self.demo}: no timed points ({self.noise_class} run)"
        return (f"{self.demo}: {self.precise} of {self.measured} measured points within "
                f"±{stats.PRECISION:.0%} ({self.share:.0%}), {self.noise_class} run")


def of_record(record: Record) -> RunPrecision:
    """The precision of one stored run."""
    rows = [row for run in record.runs for row in run.results if row.ok and row.is_measured]
    return RunPrecision(record.demo, record.path, record.noise_class,
                        sum(precise_row(row) for row in rows), len(rows))


def of_files(paths: Iterable[Path | str]) -> list[RunPrecision]:
    """The precision of each stored run in ``paths`` (read and validated)."""
    return [of_record(load.read(path)) for path in paths]
