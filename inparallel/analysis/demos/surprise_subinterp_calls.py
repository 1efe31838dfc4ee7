"""A surprise of the free-threaded builds (issue 21): tiny calls into one sub-interpreter, one entry
per call or one entry for all of them, on a fresh interpreter and after many more entries
(demos/surprise_subinterp_calls.py).

The Surprises page (docs/surprises.md) explains the cause, with CPython's source.
"""

from __future__ import annotations

from inparallel import units
from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def call_cost(result: m.ResultLike, variant: str, strategy: str, wear: int = 0
              ) -> m.Estimate | None:
    """The time of one call made ``strategy``'s way, after ``wear`` entries beyond the first
    point's (0: on the fresh interpreter)."""
    for point in result.select(variant=variant, workload="enter", strategy=strategy):
        if not point.env and point.params.get("wear") == wear:
            return m.estimate(point)
    return None


def worn(result: m.ResultLike, variant: str) -> int | None:
    """The wear of ``variant``'s second point (the entries made between the two points)."""
    found = [p.params.get("wear") for p in result.select(variant=variant, workload="enter")
             if not p.env and p.params.get("wear")]
    return max(found) if found else None


def surprise_subinterp_calls(result: m.ResultLike) -> Verdict:
    """On every free-threaded build measured, a call that enters a sub-interpreter costs more
    than on its GIL twin (the whole intervals apart) and more again after many entries, while
    on every build the same calls inside one entry cost less than half as much each: the entry
    is the cost. The GIL builds' change with use is stated, not checked."""
    per: dict[str, m.Estimate] = {}
    one: dict[str, m.Estimate] = {}
    twins: list[tuple[str, str]] = []
    for free in m.free_threaded_builds(result, workload="enter"):
        pair = (m.gil_base(free), free)
        costs = [(v, call_cost(result, v, "per-call"), call_cost(result, v, "one-entry"))
                 for v in pair]
        if all(p is not None and o is not None for _, p, o in costs):
            twins.append(pair)
            per.update((v, p) for v, p, _ in costs if p is not None)
            one.update((v, o) for v, _, o in costs if o is not None)
    if not twins:
        return Verdict.no_data("needs the surprise_subinterp_calls demo (both ways of calling) "
                               "on a free-threaded build and its GIL twin")
    dearer = [(f, r) for g, f in twins if (r := m.ratio(per[f], per[g])) is not None]
    growth: dict[str, m.Estimate] = {}
    wear = set()
    for v in per:
        w = worn(result, v)
        later = call_cost(result, v, "per-call", w) if w else None
        if w and later is not None and (g := m.ratio(later, per[v])) is not None:
            growth[v] = g
            wear.add(w)
    if len(growth) < len(per):
        return Verdict.no_data("needs the per-call timings after more entries on every build")

    def grown(variants: list[str]) -> fmt.Ranged:
        return fmt.listed([(v, growth[v]) for v in variants], lambda x: fmt.percent(x - 1))

    numbers = {
        "gil_calls": fmt.listed([(g, per[g]) for g, _ in twins], units.seconds),
        "free_calls": fmt.listed([(f, per[f]) for _, f in twins], units.seconds),
        "dearer": fmt.listed(dearer),
        "one_free": fmt.listed([(f, one[f]) for _, f in twins], units.seconds),
        "wear": " and ".join(str(w) for w in sorted(wear)),
        "free_growth": grown([f for _, f in twins]),
        "gil_growth": grown([g for g, _ in twins]),
    }
    ok = (len(dearer) == len(twins) and all(r.low > 1 for _, r in dearer)
          and all(one[v].value < per[v].value / 2 for v in per)
          and all(growth[f].low > 1 for _, f in twins))
    return Verdict.of(ok, numbers,
                      f"free-threaded over GIL per call ({numbers['dearer']}) each above 1 "
                      f"with its whole interval; one entry < half of one entry per call on "
                      f"every build; after {numbers['wear']} entries the free-threaded builds "
                      f"each higher, whole interval ({numbers['free_growth']})")


def findings() -> tuple[Finding, ...]:
    """The surprise_subinterp_calls demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "surprise-subinterp-calls", "surprise_subinterp_calls",
            "Entering a sub-interpreter once per tiny call took, per call, {gil_calls} on the GIL "
            "builds and {free_calls} on their free-threaded twins ({dearer} as much). The same "
            "calls made inside one entry took {one_free} each on the free-threaded builds. After "
            "{wear} more entries, a call with its own entry took {free_growth} against the "
            "fresh interpreter on the free-threaded builds, and {gil_growth} on the GIL builds.",
            surprise_subinterp_calls),
    )
