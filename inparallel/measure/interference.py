"""Interference: CPU time that processes other than the measurement used while it ran.

A demo run is one interval. Over it, /proc/stat says how much CPU time the whole machine
spent busy (and how much the hypervisor stole); the measurement's own share is its process
tree (the demo and every worker it waited for, from the kernel's accounting when it is
reaped, plus workers that outlived it, from /proc/<pid>/stat) and the harness process
itself. What is left was used by someone else. Unlike the load average, this does not
count the demo's own previous run, so an idle machine reads as idle.

The parsing and the accounting are pure functions of the /proc text, so that tests can
feed them synthetic samples.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# A record is flagged as disturbed when others (and steal) took more than 3% of the CPUs
# it could use. Why 3%: on an idle machine the background (kernel threads, daemons) stays
# well under 1%; a point that keeps every core busy is slowed by about the share others
# take, so above 3% its absolute time is off by more than the +-2% each interval claims.
# Interleaving spreads such load over what is compared, so ratios suffer less: hence a
# flag (the analysis lists and excludes the record), not a failed run.
THRESHOLD = 0.03
# ... and only when that is more than 0.2 CPU-seconds: /proc/stat counts in ticks of
# 10 ms per CPU, so over a run of a second or two a few ticks are rounding, not load.
MIN_OTHER_S = 0.2


@dataclass(frozen=True)
class MachineCpu:
    """Cumulative CPU seconds of all CPUs, from the first line of /proc/stat."""

    busy_s: float
    steal_s: float


@dataclass(frozen=True)
class Usage:
    """One measured interval: its wall time, the machine's busy CPU, and our own CPU."""

    wall_s: float
    busy_s: float  # the whole machine, everyone
    own_s: float  # the measurement's process tree and the harness
    steal_s: float

    @property
    def other_s(self) -> float:
        """CPU seconds of everyone else (never negative: tick rounding can overshoot)."""
        return max(0.0, self.busy_s - self.own_s)


def parse_machine(text: str, ticks_per_s: float = TICKS_PER_S) -> MachineCpu:
    """The ``cpu`` line of /proc/stat: busy = user+nice+system+irq+softirq, and steal.

    Idle and iowait are not busy; guest time is already inside user (and guest_nice inside
    nice), so it is not added again.
    """
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            ticks = [int(v) for v in fields[1:]] + [0] * 10
            user, nice, system, _idle, _iowait, irq, softirq, steal = ticks[:8]
            return MachineCpu((user + nice + system + irq + softirq) / ticks_per_s,
                              steal / ticks_per_s)
    raise ValueError("no aggregate 'cpu' line in /proc/stat")


@dataclass(frozen=True)
class Process:
    """What /proc/PID/stat says about one process."""

    session: int
    zombie: bool  # exited, not yet reaped: it uses no more CPU
    cpu_s: float  # its own CPU time and that of the children it reaped


def parse_process(text: str, ticks_per_s: float = TICKS_PER_S) -> Process:
    """One /proc/PID/stat line.

    The command name may hold spaces and parentheses, so the fields are read after the
    last ')': state is field 3, session 6, utime 14, stime 15, cutime 16, cstime 17.
    """
    fields = text.rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[14 - 3:18 - 3])
    return Process(int(fields[6 - 3]), fields[0] == "Z",
                   (utime + stime + cutime + cstime) / ticks_per_s)


def summarize(usages: list[Usage], usable_cpus: int, threshold: float = THRESHOLD,
              min_other_s: float = MIN_OTHER_S) -> dict | None:
    """The record's ``interference`` object over all of its runs (None if none measured)."""
    if not usages:
        return None
    wall = sum(u.wall_s for u in usages)
    other = sum(u.other_s for u in usages)
    steal = sum(u.steal_s for u in usages)
    capacity = wall * max(usable_cpus, 1)
    fraction = other / capacity if capacity > 0 else 0.0
    taken = (other + steal) / capacity if capacity > 0 else 0.0
    disturbed = taken > threshold and other + steal > min_other_s
    reason = None
    if disturbed:
        reason = (f"other processes used {fraction:.0%} of the {usable_cpus} CPUs during the "
                  f"run (steal {steal:.1f} s); above {threshold:.0%} the timings are skewed")
    return {"wall_s": round(wall, 3), "other_cpu_s": round(other, 3),
            "steal_s": round(steal, 3), "other_cpu_fraction": round(fraction, 4),
            "disturbed": disturbed, "reason": reason}


# --- Reading /proc (Linux); everything above is pure ---

PROC = Path("/proc")


def machine_cpu() -> MachineCpu | None:
    """The machine's CPU counters now, or None where there is no /proc/stat."""
    try:
        return parse_machine((PROC / "stat").read_text())
    except (OSError, ValueError):
        return None


def session_processes(session: int) -> dict[int, Process]:
    """pid -> Process for every process in ``session`` (a demo's own session)."""
    found = {}
    for entry in PROC.iterdir() if PROC.exists() else ():
        if entry.name.isdigit():
            try:
                process = parse_process((entry / "stat").read_text())
            except (OSError, ValueError, IndexError):
                continue  # it ended between listing and reading
            if process.session == session:
                found[int(entry.name)] = process
    return found


def harness_cpu() -> float:
    """CPU seconds of this process (every thread) so far: the harness's own share."""
    times = os.times()
    return times.user + times.system
