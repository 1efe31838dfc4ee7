"""CPython's own scaling benchmark (the ftscaling demo): what each case's speedup says, per build.

Each case of ``Tools/ftscalingbench`` runs on one thread and on N threads that each do the same
work (demos/ftscaling.py), so its speedup is N times the one-thread time over the N-thread time
(``metrics.thread_speedups``, with the range the two intervals allow). A case is put in a class
only by its whole interval, and only when its points meet the precision rule
(``stats.PRECISION``):

- *scaled*: the interval lies at or above half the ideal extra (``metrics.scaled_floor``: 1.5x on
  two threads);
- *flat*: the interval lies below ``metrics.FLAT`` (no speed-up, noise and switching included);
- *between*: neither; *unsure*: a point misses the precision rule, so nothing is said of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict

DEMO = "ftscaling"
Class = Literal["scaled", "flat", "between", "unsure"]
CLASSES: tuple[Class, ...] = ("scaled", "between", "flat", "unsure")


@dataclass(frozen=True)
class Case:
    """One case of the benchmark on one build: its speedup at ``threads`` and its class."""

    name: str
    threads: int
    speedup: m.Estimate
    kind: Class


def classify(speedup: m.Estimate, threads: int) -> Class:
    """The class a speedup's whole interval puts it in (see the module's docstring)."""
    if not speedup.precise:
        return "unsure"
    if speedup.low >= m.scaled_floor(threads):
        return "scaled"
    if speedup.high < m.FLAT:
        return "flat"
    return "between"


def builds(result: m.ResultLike) -> list[str]:
    """The free-threaded builds that ran the benchmark, oldest first."""
    return m.free_threaded_builds(result)


def cases(result: m.ResultLike, variant: str) -> dict[str, Case]:
    """Each case's speedup at the most threads measured (two or more) on ``variant``, in the
    script's order; a case without a usable speedup (an error, one thread only) is left out."""
    found = {}
    for name in dict.fromkeys(p.workload for p in result.select(variant=variant)):
        top = m.at_most_workers(m.thread_speedups(result, variant, name))
        if top is not None and top[0] >= 2:
            found[name] = Case(name, top[0], top[1], classify(top[1], top[0]))
    return found


def release(result: m.ResultLike, variant: str, key: str = "version") -> str | None:
    """The release a build's rows name: its interpreter (``version``) or the tree whose script
    it ran (``script``)."""
    for point in result.select(variant=variant):
        if point.params.get(key):
            return str(point.params[key])
    return None


def label(result: m.ResultLike, variant: str) -> str:
    """The build's name, and the release whose script it ran when that is another's (3.13
    ships none). A release candidate's name is completed where sentences are rendered
    (``variant_labels``: ``3.15t (3.15.0rc2)``)."""
    version, script = release(result, variant), release(result, variant, "script")
    if script and version and script != version:
        return f"{variant} (running the script of {script})"
    return variant


def by_class(found: Mapping[str, Case]) -> dict[Class, list[Case]]:
    """The cases of one build grouped by class, each group in the script's order."""
    return {kind: [c for c in found.values() if c.kind == kind] for kind in CLASSES}


def _names(group: list[Case]) -> str:
    return ", ".join(c.name for c in group) or "none"


def _valued(group: list[Case]) -> str:
    return ", ".join(f"{c.name} {fmt.ranged(c.speedup)}" for c in group) or "none"


def summary(result: m.ResultLike, variant: str) -> str:
    """One build's cases by class, as the finding writes them."""
    found = cases(result, variant)
    groups = by_class(found)
    return (f"{label(result, variant)}, {len(groups['scaled'])} of {len(found)} scaled "
            f"({_names(groups['scaled'])}), {len(groups['flat'])} stayed below "
            f"{fmt.times(m.FLAT)} ({_valued(groups['flat'])}), "
            f"{len(groups['between'])} in between ({_valued(groups['between'])}), "
            f"{len(groups['unsure'])} short of evidence ({_names(groups['unsure'])})")


def ftscaling_which_scale(result: m.ResultLike) -> Verdict:
    """Per build, which cases scaled, which did not, which fell between and which the data
    cannot place. It fails when a case that ran has no speedup (an error, an impossible
    value), and is ``no-evidence`` when a build has no case with enough evidence at all."""
    measured = {v: cases(result, v) for v in builds(result)}
    measured = {v: found for v, found in measured.items() if found}
    if not measured:
        return Verdict.no_data("needs the ftscaling demo on a free-threaded build, 2+ threads")
    threads = {c.threads for found in measured.values() for c in found.values()}
    numbers = {"n": "/".join(str(t) for t in sorted(threads)),
               "floor": fmt.times(m.scaled_floor(min(threads))),
               "builds": "; on ".join(summary(result, v) for v in measured)}
    # Every case a build ran has a speedup: none errored or came out impossible (more than
    # its threads can do), else the lists would leave it out unsaid.
    missing = [f"{v} {name}" for v, found in measured.items()
               for name in dict.fromkeys(p.workload for p in result.select(variant=v))
               if name not in found]
    known = {v: [c for c in found.values() if c.kind != "unsure"] for v, found in measured.items()}
    condition = (f"every case ran has a speedup (missing: {', '.join(missing) or 'none'}); "
                 "cases with enough evidence: " + ", ".join(
                     f"{v} {len(k)} of {len(measured[v])}" for v, k in known.items()))
    if not all(known.values()):
        unsure = tuple(f"{v} {c.name}" for v, found in measured.items() for c in found.values()
                       if c.kind == "unsure")
        return Verdict("no-evidence", numbers, condition, unsure)
    return Verdict.of(not missing, numbers, condition)


@dataclass(frozen=True)
class Change:
    """The cases two builds share, with enough evidence on both, by how their speedup moved:
    ``up`` and ``down`` when the two intervals are apart, ``same`` when they overlap."""

    old: str
    new: str
    up: list[tuple[str, m.Estimate, m.Estimate]]
    down: list[tuple[str, m.Estimate, m.Estimate]]
    same: list[str]
    unsure: list[str]


def change(result: m.ResultLike, old: str, new: str) -> Change:
    """How each case shared by ``old`` and ``new`` moved from one build to the other."""
    before, after = cases(result, old), cases(result, new)
    up, down, same, unsure = [], [], [], []
    for name in (n for n in before if n in after):
        a, b = before[name], after[name]
        if a.kind == "unsure" or b.kind == "unsure":
            unsure.append(name)
        elif b.speedup.low > a.speedup.high:
            up.append((name, a.speedup, b.speedup))
        elif b.speedup.high < a.speedup.low:
            down.append((name, a.speedup, b.speedup))
        else:
            same.append(name)
    return Change(old, new, up, down, same, unsure)


def _moves(moved: list[tuple[str, m.Estimate, m.Estimate]]) -> str:
    return ", ".join(f"{name} {fmt.times(a.value)} → {fmt.times(b.value)}"
                     for name, a, b in moved) or "none"


def ftscaling_what_changed(result: m.ResultLike) -> Verdict:
    """From the oldest free-threaded build measured to the newest: the cases whose speedup
    rose or fell beyond both intervals. Holds when more cases rose than fell."""
    measured = [v for v in builds(result) if cases(result, v)]
    if len(measured) < 2:
        return Verdict.no_data("needs the ftscaling demo on two free-threaded builds")
    moved = change(result, measured[0], measured[-1])
    compared = len(moved.up) + len(moved.down) + len(moved.same)
    numbers = {"old": label(result, moved.old), "new": label(result, moved.new),
               "shared": str(compared + len(moved.unsure)), "compared": str(compared),
               "k_up": str(len(moved.up)), "up": _moves(moved.up),
               "k_down": str(len(moved.down)), "down": _moves(moved.down),
               "k_same": str(len(moved.same)), "unsure": ", ".join(moved.unsure) or "none"}
    condition = (f"rose on {len(moved.up)} > fell on {len(moved.down)} of {compared} cases "
                 "with enough evidence on both builds")
    if not compared:
        return Verdict("no-evidence", numbers, condition,
                       tuple(f"{moved.old}/{moved.new} {name}" for name in moved.unsure))
    return Verdict.of(len(moved.up) > len(moved.down), numbers, condition)


def findings() -> tuple[Finding, ...]:
    """The ftscaling demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "ftscaling-which-scale", DEMO,
            "CPython's own scaling benchmark (Tools/ftscalingbench), each case on {n} threads "
            "against one thread doing the same work per thread, on every free-threaded build: "
            "scaled means the whole interval at or above {floor}. On {builds}.",
            ftscaling_which_scale),
        Finding(
            "ftscaling-what-changed", DEMO,
            "From {old} to {new}, of the {shared} cases both ran, {compared} had enough "
            "evidence on both: the speedup rose beyond both intervals on {k_up} ({up}), fell "
            "on {k_down} ({down}), and the intervals overlapped on {k_same}; short of "
            "evidence: {unsure}.",
            ftscaling_what_changed),
    )
