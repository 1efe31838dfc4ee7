"""Per-core CPU use from /proc/stat, drawn as bars a back row can read during a live demo.

Display only: nothing here is stored. The parser and the delta are pure functions so that
they can be checked on synthetic /proc/stat samples.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text

PROC_STAT = Path("/proc/stat")

# The columns of a "cpuN" line that count time the core spent doing nothing.
_IDLE_COLUMNS = (3, 4)  # idle, iowait
# user nice system idle iowait irq softirq steal; guest and guest_nice are already inside
# user and nice, so adding them would count guest time twice.
_COUNTED_COLUMNS = 8
_CORE_LINE = re.compile(r"^cpu(\d+)\s+(.*)$")


@dataclass(frozen=True)
class CoreTimes:
    """Cumulative time of one core since boot, in clock ticks."""

    busy: int
    total: int


def parse_proc_stat(text: str) -> dict[int, CoreTimes]:
    """The per-core lines (``cpu0``, ``cpu1`` ...) of a /proc/stat sample, by core number.

    The aggregate ``cpu`` line is skipped; a line that cannot be read is skipped too (a
    display must not stop the demo over one odd line).
    """
    cores: dict[int, CoreTimes] = {}
    for line in text.splitlines():
        match = _CORE_LINE.match(line.strip())
        if not match:
            continue
        try:
            ticks = [int(field) for field in match.group(2).split()[:_COUNTED_COLUMNS]]
        except ValueError:
            continue
        if len(ticks) < 4:  # kernels before 2.6 had only user nice system idle
            continue
        idle = sum(ticks[i] for i in _IDLE_COLUMNS if i < len(ticks))
        total = sum(ticks)
        cores[int(match.group(1))] = CoreTimes(busy=total - idle, total=total)
    return cores


def usage(before: dict[int, CoreTimes], after: dict[int, CoreTimes]) -> dict[int, float]:
    """The busy fraction (0..1) of each core between two samples.

    A core missing from either sample (taken offline) is left out; a core whose counters
    did not move is reported idle rather than dividing by zero.
    """
    fractions: dict[int, float] = {}
    for core in sorted(before.keys() & after.keys()):
        total = after[core].total - before[core].total
        busy = after[core].busy - before[core].busy
        fractions[core] = min(1.0, max(0.0, busy / total)) if total > 0 else 0.0
    return fractions


def read_sample(path: Path = PROC_STAT) -> dict[int, CoreTimes]:
    """One sample of this machine's per-core counters; empty where /proc is unavailable."""
    try:
        return parse_proc_stat(path.read_text())
    except OSError:
        return {}


class CpuMonitor:
    """Per-core use over the last interval, sampled at most every ``interval_s`` seconds.

    Call ``current()`` as often as the display refreshes: between samples it returns the
    last figures, so a 4 Hz refresh does not turn into jittery 0.25 s measurements.
    """

    def __init__(self, interval_s: float = 0.5, path: Path = PROC_STAT) -> None:
        self.interval_s = interval_s
        self.path = path
        self._last = read_sample(path)
        self._taken = time.monotonic()
        self._usage: dict[int, float] = dict.fromkeys(self._last, 0.0)

    def current(self) -> dict[int, float]:
        """Each core's busy fraction over the latest completed interval."""
        now = time.monotonic()
        if now - self._taken >= self.interval_s:
            sample = read_sample(self.path)
            self._usage = usage(self._last, sample)
            self._last, self._taken = sample, now
        return self._usage


def render_bars(fractions: dict[int, float], width: int = 80) -> Text:
    """Per-core bars within ``width`` columns, plus a total line: "busy: 1.9 of 2 cores".

    Up to 8 cores get one line each; more cores share lines, so that a 64-core machine
    still fits a slide-sized terminal.
    """
    text = Text()
    if not fractions:
        text.append("CPU use per core: /proc/stat is not readable here", style="dim")
        return text
    cores = sorted(fractions)
    per_line = min(5, math.ceil(len(cores) / 8))
    cell = width // per_line
    label = max(len(f"cpu{core}") for core in cores)
    bar = max(4, cell - label - 7)  # label, space, bar, space, "100%", gap
    busy = sum(fractions.values())
    text.append(f"CPU use per core: {busy:.1f} of {len(cores)} cores busy\n", style="bold")
    for start in range(0, len(cores), per_line):
        for index, core in enumerate(cores[start:start + per_line]):
            fraction = fractions[core]
            filled = round(fraction * bar)
            if index:
                text.append(" ")
            text.append(f"{f'cpu{core}':>{label}} ")
            text.append("█" * filled, style="green" if fraction < 0.9 else "bold green")
            text.append("░" * (bar - filled), style="dim")
            text.append(f" {fraction * 100:3.0f}%")
        text.append("\n")
    text.rstrip()
    return text
