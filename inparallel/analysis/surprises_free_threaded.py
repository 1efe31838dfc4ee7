"""Findings on two surprises of the free-threaded builds (issue 21), one reproducer demo each.

- ``surprise_pool`` (demos/surprise_pool.py): a warm thread pool runs one function whose code
  was compiled from source, then the same code loaded from bytecode, each paired with the same
  tasks run one after the other.
- ``surprise_subinterp_calls`` (demos/surprise_subinterp_calls.py): tiny calls into one
  sub-interpreter, one entry per call or one entry for all of them, on a fresh interpreter and
  after many more entries.

The Surprises page (docs/surprises.md) explains the causes, with CPython's source. ``findings()``
lists the findings for ``findings.FINDINGS``; this module imports ``findings`` only inside
functions, so either may be imported first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m

if TYPE_CHECKING:
    from inparallel.analysis.findings import Finding, Verdict

#: From this version on, LOAD_CONST borrows its constant instead of counting a reference to it
#: (Python/bytecodes.c at v3.15.0rc2, gh-134282), so a mortal constant no longer matters.
BORROWED_FROM = (3, 15)
#: The two ways the pool reproducer makes the same code object (its rows' workloads).
LOADED = ("compiled", "from-bytecode")


def _listed(parts: Iterable[tuple[str, m.Estimate]],
            show: Callable[[float], str] = fmt.times) -> fmt.Ranged:
    """``3.13t: 0.52x, 3.14t: 0.47x``, remembering every estimate's shortfall: a sentence that
    lists them has "not enough evidence" when any one of them falls short."""
    parts = list(parts)
    shortfall = tuple(dict.fromkeys(s for _, e in parts for s in e.shortfall))
    text = ", ".join(f"{label}: {show(e.value)}" for label, e in parts) or "none"
    return fmt.Ranged(text, m.Estimate(0.0, 0.0, 0.0, shortfall))


def _free_builds(result: m.ResultLike, demo_workload: str) -> list[str]:
    """The free-threaded builds with rows of ``demo_workload``, oldest first."""
    found = {p.variant for p in result.select(workload=demo_workload) if not p.env}
    return sorted((v for v in found if m.is_free_threaded(v)), key=m.version_key)


# --- warm thread pools (demos/surprise_pool.py) ---------------------------------------------


def pool_speedup(result: m.ResultLike, variant: str, loaded: str) -> tuple[int, m.Estimate] | None:
    """The pool's speedup over sequential at its most threads, for code ``loaded`` one way."""
    points = [p for p in result.select(variant=variant, workload=loaded) if not p.env]
    return m.at_most_workers(m.speedups(points))


def constant_mortal(result: m.ResultLike, variant: str, loaded: str) -> bool:
    """Whether the demo found the loop's constant mortal in the code ``loaded`` that way."""
    return any(p.params.get("constant_immortal") is False
               for p in result.select(variant=variant, workload=loaded) if not p.env)


def pool_constant(result: m.ResultLike) -> Verdict:
    """On the free-threaded builds whose LOAD_CONST counts references (before 3.15), the pool
    ran the compiled copy, with its mortal constant, clearly behind the copy from bytecode (the
    two intervals apart), which reached half the ideal extra or more; on later builds both
    copies did. How far behind depends on the machine (what one contended cache line costs)."""
    from inparallel.analysis.findings import Verdict

    tops: dict[str, dict[str, tuple[int, m.Estimate]]] = {}
    for variant in _free_builds(result, "compiled"):
        found = {how: pool_speedup(result, variant, how) for how in LOADED}
        if all(top is not None and top[0] >= 2 for top in found.values()):
            tops[variant] = {how: top for how, top in found.items() if top is not None}
    if not tops:
        return Verdict.no_data("needs the surprise_pool demo on a free-threaded build with 2 or "
                               "more threads")
    n = min(top[0] for found in tops.values() for top in found.values())
    counted = [v for v in tops if m.version_key(v) < BORROWED_FROM]
    borrowed = [v for v in tops if v not in counted]
    floor = 1 + 0.5 * (n - 1)

    def speeds(variants: list[str], how: str) -> list[tuple[str, m.Estimate]]:
        return [(v, tops[v][how][1]) for v in variants]

    numbers = {
        "n": str(n), "counted": ", ".join(counted) or "none",
        "borrowed": ", ".join(borrowed) or "none",
        "counted_compiled": _listed(speeds(counted, "compiled")),
        "counted_bytecode": _listed(speeds(counted, "from-bytecode")),
        "borrowed_compiled": _listed(speeds(borrowed, "compiled")),
        "borrowed_bytecode": _listed(speeds(borrowed, "from-bytecode")),
    }
    ok = (bool(counted) and bool(borrowed)
          and all(constant_mortal(result, v, "compiled")
                  and tops[v]["compiled"][1].high < tops[v]["from-bytecode"][1].low
                  for v in counted)
          and all(e.value >= floor for v, e in speeds(counted, "from-bytecode"))
          and all(e.value >= floor for how in LOADED for v, e in speeds(borrowed, how)))
    return Verdict.of(ok, numbers,
                      f"before 3.15 ({numbers['counted']}): compiled, with a mortal constant, "
                      f"below from bytecode, intervals apart ({numbers['counted_compiled']} "
                      f"against {numbers['counted_bytecode']}), and from bytecode >= "
                      f"{fmt.times(floor)} ({numbers['counted_bytecode']}); from 3.15 "
                      f"({numbers['borrowed']}): both >= {fmt.times(floor)} "
                      f"({numbers['borrowed_compiled']}; {numbers['borrowed_bytecode']})")


# --- sub-interpreter calls (demos/surprise_subinterp_calls.py) ------------------------------


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


def subinterp_calls(result: m.ResultLike) -> Verdict:
    """On every free-threaded build measured, a call that enters a sub-interpreter costs more
    than on its GIL twin (the whole intervals apart) and more again after many entries, while
    on every build the same calls inside one entry cost less than half as much each: the entry
    is the cost. The GIL builds' change with use is stated, not checked."""
    from inparallel.analysis.findings import Verdict

    per: dict[str, m.Estimate] = {}
    one: dict[str, m.Estimate] = {}
    twins: list[tuple[str, str]] = []
    for free in _free_builds(result, "enter"):
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
        return _listed([(v, growth[v]) for v in variants], lambda x: fmt.percent(x - 1))

    numbers = {
        "gil_calls": _listed([(g, per[g]) for g, _ in twins], fmt.seconds),
        "free_calls": _listed([(f, per[f]) for _, f in twins], fmt.seconds),
        "dearer": _listed(dearer),
        "one_free": _listed([(f, one[f]) for _, f in twins], fmt.seconds),
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
    """The findings of this module, for ``findings.FINDINGS``."""
    from inparallel.analysis.findings import Finding

    return (
        Finding(
            "surprise-pool-constant", "surprise_pool",
            "A warm pool of {n} threads ran one function against the same tasks run one after "
            "the other. On the builds whose LOAD_CONST counts references ({counted}), the copy "
            "compiled from source, whose constant is not immortal, reached {counted_compiled} "
            "sequential's throughput, and the same code loaded from bytecode {counted_bytecode}. "
            "On {borrowed}, where LOAD_CONST borrows, the two copies reached {borrowed_compiled} "
            "and {borrowed_bytecode}.",
            pool_constant),
        Finding(
            "surprise-subinterp-calls", "surprise_subinterp_calls",
            "Entering a sub-interpreter once per tiny call took, per call, {gil_calls} on the GIL "
            "builds and {free_calls} on their free-threaded twins ({dearer} as much). The same "
            "calls made inside one entry took {one_free} each on the free-threaded builds. After "
            "{wear} more entries, a call with its own entry took {free_growth} against the "
            "fresh interpreter on the free-threaded builds, and {gil_growth} on the GIL builds.",
            subinterp_calls),
    )
