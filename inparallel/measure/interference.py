"""Interference: CPU time that processes other than the measurement used while it ran.

A demo run is one interval. Over it, /proc/stat says how much CPU time the whole machine
spent busy (and how much the hypervisor stole); the measurement's own share is its process
tree and the harness process itself. What is left was used by someone else. Unlike the
load average, this does not count the demo's own previous run, so an idle machine reads
as idle.

The process tree is measured in one of two ways, and the record says which (``method``):

- ``cgroup``, exact: the demo starts inside a fresh control group (``CpuGroup``), and the
  kernel charges the group for every process in it, the demo and each descendant, whoever
  reaps it and whether it has ended or not: a forkserver that outlives the demo, or a
  compiler that a pip it did not wait for started. cgroup v1 ``cpuacct`` and cgroup v2
  are both read.
- ``proc``, the fallback where no cgroup can be created (not root, no delegated cgroup, a
  container with /sys/fs/cgroup read-only): the kernel's accounting of the demo when it is
  reaped (every worker it waited for, recursively) plus the last /proc/<pid>/stat reading
  of workers still in its session. Descendants that nobody in the demo's wait chain reaps
  are missed, and their CPU counts as someone else's, so it can overstate interference.

The parsing and the accounting are pure functions of the /proc and cgroup file text, so
that tests can feed them synthetic samples.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import time
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
    method: str = "proc"  # how own_s was measured: "cgroup" (exact) or "proc" (fallback)

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


def method_of(usages: list[Usage]) -> str:
    """The method of a record's runs together: ``cgroup`` only if every run was measured so.

    One run measured from /proc may have missed descendants, so the record as a whole is
    no more exact than that.
    """
    return "cgroup" if usages and all(u.method == "cgroup" for u in usages) else "proc"


def summarize(usages: list[Usage], usable_cpus: int, threshold: float = THRESHOLD,
              min_other_s: float = MIN_OTHER_S, method: str = "proc") -> dict | None:
    """The record's ``interference`` object over all of its runs (None if none measured).

    ``method`` says how the runs' own CPU was measured (see ``method_of``).
    """
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
            "disturbed": disturbed, "reason": reason, "method": method}


# --- cgroups: where a fresh group can go, and what its files say (pure) ---


@dataclass(frozen=True)
class CgroupMount:
    """One cgroup hierarchy mounted somewhere, from a line of /proc/self/mountinfo."""

    point: str  # where it is mounted
    root: str  # the cgroup of the hierarchy that appears at ``point``
    version: int  # 1 or 2
    controllers: frozenset[str]  # v1: the controllers bound to it (v2: empty)


@dataclass(frozen=True)
class CgroupPlace:
    """A directory under which a fresh cgroup of ``version`` could be created."""

    version: int
    parent: Path


def _unescape(field: str) -> str:
    r"""A mountinfo path: the kernel writes space, tab, newline and backslash as \ooo."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[CgroupMount]:
    """The cgroup (v1) and cgroup2 mounts in /proc/self/mountinfo, in order.

    A line is ``id parent dev root point options [optional...] - fstype source super``;
    the optional fields vary in number, so the part after `` - `` is found by its marker.
    """
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        fstype, rest = fields[dash + 1], fields[dash + 2:]
        if fstype == "cgroup2":
            mounts.append(CgroupMount(_unescape(fields[4]), _unescape(fields[3]), 2,
                                      frozenset()))
        elif fstype == "cgroup":
            options = rest[1].split(",") if len(rest) > 1 else []
            mounts.append(CgroupMount(_unescape(fields[4]), _unescape(fields[3]), 1,
                                      frozenset(options)))
    return mounts


def parse_proc_cgroup(text: str) -> dict[str, str]:
    """/proc/self/cgroup as controller -> this process's cgroup path; v2's line is key ``""``.

    Lines are ``hierarchy-id:controllers:path``; a v1 hierarchy may bind several
    controllers (``4:cpu,cpuacct:/user.slice``), each of which gets the path.
    """
    paths = {}
    for line in text.splitlines():
        parts = line.strip().split(":", 2)
        if len(parts) != 3:
            continue
        hierarchy, controllers, path = parts
        if hierarchy == "0" and controllers == "":
            paths[""] = path
        else:
            for controller in controllers.split(","):
                paths[controller] = path
    return paths


def _own_dir(mount: CgroupMount, own_path: str | None) -> list[Path]:
    """This process's own cgroup directory under ``mount`` (if visible), then the mount's top."""
    top = Path(mount.point)
    if own_path is None:
        return [top]
    root = mount.root.rstrip("/")
    if own_path != root and not own_path.startswith(root + "/"):
        return [top]  # our cgroup is not inside what this mount shows
    own = top / own_path[len(root):].lstrip("/")
    return [own] if own == top else [own, top]


def cgroup_places(proc_cgroup: str, mountinfo: str) -> list[CgroupPlace]:
    """Where to try to create a group, best first: v1 ``cpuacct``, then v2; empty if neither.

    v1 cpuacct comes first because where it is mounted (a v1 or hybrid machine) the cpu
    controllers live there; v2's ``cpu.stat`` has ``usage_usec`` with or without the
    ``cpu`` controller, so it serves wherever a v2 hierarchy is mounted. Under each, our own
    cgroup comes first (a delegated subtree is where we may write) and the top second.
    """
    mounts, own = parse_mountinfo(mountinfo), parse_proc_cgroup(proc_cgroup)
    places: list[CgroupPlace] = []
    v1 = next((m for m in mounts if m.version == 1 and "cpuacct" in m.controllers), None)
    if v1 is not None:
        places += [CgroupPlace(1, d) for d in _own_dir(v1, own.get("cpuacct"))]
    v2 = next((m for m in mounts if m.version == 2), None)
    if v2 is not None:
        places += [CgroupPlace(2, d) for d in _own_dir(v2, own.get(""))]
    return places


def parse_cpuacct_usage(text: str) -> float:
    """cgroup v1 ``cpuacct.usage``: the group's CPU time in nanoseconds, as seconds."""
    return int(text.strip()) / 1e9


def parse_cpu_stat(text: str) -> float:
    """cgroup v2 ``cpu.stat``: its ``usage_usec`` line (microseconds), as seconds."""
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] == "usage_usec":
            return int(fields[1]) / 1e6
    raise ValueError("no usage_usec line in cpu.stat")


def parse_pids(text: str) -> list[int]:
    """``cgroup.procs``: one process id a line."""
    return [int(line) for line in text.split()]


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


_group_numbers = itertools.count(1)


class CpuGroup:
    """A fresh cgroup that measures the CPU time of one demo run and all of its descendants.

    ``create`` makes it (None where no cgroup can be made: then the /proc method applies);
    ``enter`` is the child's ``preexec_fn`` that moves it in before exec; ``entered``
    checks that it did; ``settle`` waits for stragglers, ``cpu_s`` reads the total and
    ``remove`` kills what is left and deletes the group. Nothing here raises for a cgroup
    that misbehaves: a failure means falling back to /proc, never a failed run.
    """

    def __init__(self, path: Path, version: int) -> None:
        self.path = path
        self.version = version
        # Encoded now: the child after fork should do as little as possible.
        self._procs = os.fsencode(path / "cgroup.procs")

    @classmethod
    def create(cls, places: list[CgroupPlace] | None = None) -> CpuGroup | None:
        """A new, empty group at the first place that allows one, or None."""
        if places is None:
            try:
                places = cgroup_places((PROC / "self" / "cgroup").read_text(),
                                       (PROC / "self" / "mountinfo").read_text())
            except OSError:
                return None
        name = f"inparallel-{os.getpid()}-{next(_group_numbers)}"
        for place in places:
            group = cls(place.parent / name, place.version)
            try:
                group.path.mkdir()
            except OSError:
                continue  # not ours to write (or not there): try the next place
            if group.cpu_s() is not None:
                return group
            group.remove()
        return None

    def enter(self) -> None:
        """Move the calling process into the group: a ``preexec_fn``, so it must not raise.

        If it fails the child runs outside the group; ``entered`` notices, and that run is
        measured from /proc instead.
        """
        try:
            fd = os.open(self._procs, os.O_WRONLY)
            try:
                os.write(fd, str(os.getpid()).encode())
            finally:
                os.close(fd)
        except OSError:
            pass

    def pids(self) -> list[int]:
        """The processes in the group now (exited ones are no longer listed)."""
        try:
            return parse_pids((self.path / "cgroup.procs").read_text())
        except (OSError, ValueError):
            return []

    def entered(self, pid: int) -> bool:
        """Whether ``pid`` made it into the group: it is listed, or it ran there and ended.

        Only our child can have put anything into a fresh group, so CPU charged to it
        means the move worked even if the child has exited already.
        """
        return pid in self.pids() or (self.cpu_s() or 0.0) > 0.0

    def cpu_s(self) -> float | None:
        """CPU seconds of everything that ran in the group so far; None if unreadable."""
        try:
            if self.version == 1:
                return parse_cpuacct_usage((self.path / "cpuacct.usage").read_text())
            return parse_cpu_stat((self.path / "cpu.stat").read_text())
        except (OSError, ValueError):
            return None

    def settle(self, linger_s: float = 2.0) -> None:
        """Give processes still in the group (workers outliving the demo) time to exit."""
        deadline = time.monotonic() + linger_s
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.05)

    def remove(self) -> bool:
        """Kill what is left in the group and delete it; False (group left behind) if it
        cannot be deleted. Never raises."""
        deadline = time.monotonic() + 1.0
        while left := self.pids():
            for pid in left:
                with contextlib.suppress(OSError):  # gone already
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        try:
            self.path.rmdir()
        except OSError:
            return False
        return True
