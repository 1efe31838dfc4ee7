"""How many of a run's measured points meet the precision rule: the bench's report card.

A point is precise when its 95% interval lies within ``stats.PRECISION`` of its median; a
point timed pair by pair is judged on its paired ratio, the number a finding states. A run's
share of precise points, with its noise class, is what `invoke bench` and `invoke demo` print
after storing it, so that a noisy run shows as one before anything is built from it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from inparallel.analysis import stats
from inparallel.records import load
from inparallel.records.model import Record, Row


def _judged(row: Row) -> tuple[float, float, float, int] | None:
    """The interval a row is judged on (middle, low, high) and how many values gave it; None
    when it has none (a failed or single-shot row, too few pairs)."""
    if row.paired_ratios and row.paired_with:
        if len(row.paired_ratios) < stats.MIN_VALUES_FOR_INTERVAL:
            return None
        paired = stats.pair_estimate(row.paired_with, [row.paired_ratios])
        return paired.value, paired.low, paired.high, len(row.paired_ratios)
    if row.ci_low is None or row.ci_high is None or not row.median:
        return None
    return row.median, row.ci_low, row.ci_high, len(row.values)


def precise_row(row: Row) -> bool:
    """Whether one measured row of one run meets the precision rule (``stats.PRECISION``)."""
    judged = _judged(row)
    return judged is not None and stats.within_precision(*judged[:3])


def values_factor(row: Row) -> float | None:
    """How many times its values a row would need for its interval to reach the precision
    rule at the noise it met: an interval of a median narrows as one over the square root of
    the number of values. None for a row without an interval."""
    judged = _judged(row)
    if judged is None:
        return None
    middle, low, high, _ = judged
    return (max(middle - low, high - middle) / middle / stats.PRECISION) ** 2


@dataclass(frozen=True)
class RunPrecision:
    """One run's measured points and how many of them are precise."""

    demo: str
    path: Path
    noise_class: str
    precise: int
    measured: int
    single_shot: int = 0  # points with one value by design (a cold first start): no interval
    # The median of the imprecise points' ``values_factor``: what this machine's noise would
    # ask of the demo (None when every point is precise or none has an interval).
    more_values: float | None = None

    @property
    def share(self) -> float | None:
        """The share of precise points, or None when the run measured nothing."""
        return self.precise / self.measured if self.measured else None

    def line(self) -> str:
        """``cpu: 45 of 50 measured points within ±3% (90%), quiet run``."""
        if not self.measured:
            return f"{self.demo}: no timed points ({self.noise_class} run)"
        single = (f", {self.single_shot} of the others single-shot (one value per run, no "
                  f"interval)" if self.single_shot else "")
        more = ""
        if self.more_values:
            digits = 0 if self.more_values >= 10 else 1
            more = (f"; at this noise the others would need about {self.more_values:.{digits}f}x "
                    "their values")
        return (f"{self.demo}: {self.precise} of {self.measured} measured points within "
                f"±{stats.PRECISION:.0%} ({self.share:.0%}){single}, {self.noise_class} run{more}")


def of_record(record: Record) -> RunPrecision:
    """The precision of one stored run."""
    rows = [row for run in record.runs for row in run.results if row.ok and row.is_measured]
    precise = [precise_row(row) for row in rows]  # each row judged once
    factors = [factor for row, ok in zip(rows, precise, strict=True) if not ok
               if (factor := values_factor(row)) is not None]
    return RunPrecision(record.demo, record.path, record.noise_class, sum(precise), len(rows),
                        sum(len(row.values) == 1 for row in rows),
                        statistics.median(factors) if factors else None)


def of_files(paths: Iterable[Path | str]) -> list[RunPrecision]:
    """The precision of each stored run in ``paths`` (read and validated)."""
    return [of_record(load.read(path)) for path in paths]
