"""The contention demo: one shared object against per-thread work merged at the end."""

from __future__ import annotations

from dataclasses import dataclass

from inparallel import units
from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict

#: A difference counts as shown when it is at least this many times the noise of its points.
SHOWN_FACTOR = 5.0


@dataclass(frozen=True)
class Contention:
    """The shared and the per-thread version of one contention workload at ``workers`` threads.

    ``noise`` is the widest half-width of the two points' 95% intervals (seconds); infinite
    when a point has no interval, so that an effect is never called shown without one.
    """

    workload: str
    workers: int
    shared: m.Estimate
    local: m.Estimate
    noise: float

    @property
    def ratio(self) -> float:
        """How many times as long the shared version took."""
        return self.shared.value / self.local.value

    @property
    def difference(self) -> float:
        """Shared minus per-thread time, in seconds (negative: sharing was faster)."""
        return self.shared.value - self.local.value

    @property
    def shown(self) -> bool:
        """True when the difference is at least ``SHOWN_FACTOR`` times the noise."""
        return abs(self.difference) >= SHOWN_FACTOR * self.noise


def half_width(point: m.PointLike) -> float:
    """The wider half of a point's interval around its median; infinite without an interval."""
    if point.median is None or point.low is None or point.high is None:
        return float("inf")
    return max(point.median - point.low, point.high - point.median, 0.0)


def contention(result: m.ResultLike, variant: str, shared: str = "threads-shared",
               local: str = "threads-local") -> dict[str, Contention]:
    """Per workload of the contention demo on ``variant`` (no extra environment): the shared
    and the per-thread version at the most threads both were measured with."""
    found: dict[str, Contention] = {}
    points = [p for p in result.select(variant=variant) if not p.env and p.ok]
    for workload in dict.fromkeys(p.workload for p in points):
        by = {(p.strategy, p.workers): p for p in points if p.workload == workload}
        common = [n for (s, n) in by if s == shared and (local, n) in by]
        if not common:
            continue
        n = max(common)
        top, mine = by[(shared, n)], by[(local, n)]
        top_e, mine_e = m.estimate(top), m.estimate(mine)
        if top_e is None or mine_e is None or mine_e.value <= 0:
            continue
        found[workload] = Contention(workload, n, top_e, mine_e,
                                     max(half_width(top), half_width(mine)))
    return found


def contention_shared_slower(result: m.ResultLike) -> Verdict:
    """On the free-threaded build, threads updating one counter behind one lock are slower than
    threads updating their own counters and merging at the end, by more than five times the
    noise of the two timings."""
    _, free = m.focus_pair(result)
    counter = contention(result, free or "").get("counter")
    if counter is None or counter.workers < 2:
        return Verdict.no_data("needs the counter workload, shared and local, at 2+ threads")
    numbers = {"free": free, "n": str(counter.workers),
               "shared": units.seconds(counter.shared.value),
               "local": units.seconds(counter.local.value), "ratio": fmt.times(counter.ratio)}
    return Verdict.of(counter.ratio > 1.5 and counter.shown, numbers,
                      f"shared/local {fmt.times(counter.ratio)} > {fmt.times(1.5)} and the "
                      f"difference {units.seconds(counter.difference)} >= "
                      f"{SHOWN_FACTOR:g} x noise {units.seconds(counter.noise)}")


def _effect(c: Contention) -> str:
    return f"{c.workload} {fmt.times(c.ratio)}"


def contention_effects(result: m.ResultLike) -> Verdict:
    """Which pitfalls of the contention demo showed an effect beyond five times the noise on
    this machine, and which did not; it fails if a shared version was shown to be faster."""
    _, free = m.focus_pair(result)
    found = {w: c for w, c in contention(result, free or "").items() if c.workers >= 2}
    if not found:
        return Verdict.no_data("needs the contention workloads, shared and local, at 2+ threads")
    shown = [c for c in found.values() if c.shown]
    hidden = [c.workload for c in found.values() if not c.shown]
    numbers = {
        "free": free, "n": str(max(c.workers for c in found.values())),
        "shown": ", ".join(map(_effect, shown)) or "none of them",
        "hidden": ", ".join(hidden) or "none",
    }
    faster = [c.workload for c in shown if c.ratio < 1]
    return Verdict.of(not faster, numbers,
                      f"no shared version shown faster than its fix ({', '.join(faster) or '-'});"
                      " shown: " + ", ".join(f"{_effect(c)} (difference "
                                              f"{units.seconds(abs(c.difference))}, noise "
                                              f"{units.seconds(c.noise)})" for c in shown))


def findings() -> tuple[Finding, ...]:
    """The contention demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "contention-shared-slower", "contention",
            "On {free} with {n} threads, one shared counter took {shared}, per-thread counters "
            "merged at the end {local}: {ratio} as long.",
            contention_shared_slower),
        Finding(
            "contention-effects", "contention",
            "On {free} with {n} threads, the shared version took this many times as long as "
            "per-thread work merged at the end, by at least five times the noise of the two "
            "timings: {shown}. Not shown on this machine (a smaller difference): {hidden}.",
            contention_effects),
    )
