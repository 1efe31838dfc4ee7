"""A surprise of the free-threaded builds (issue 21): a warm thread pool runs one function whose
code was compiled from source, then the same code loaded from bytecode, each paired with the same
tasks run one after the other (demos/surprise_pool.py).

The Surprises page (docs/surprises.md) explains the cause, with CPython's source.
"""

from __future__ import annotations

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict

#: From this version on, LOAD_CONST borrows its constant instead of counting a reference to it
#: (Python/bytecodes.c at v3.15.0rc2, gh-134282), so a mortal constant no longer matters.
BORROWED_FROM = (3, 15)
#: The two ways the pool reproducer makes the same code object (its rows' workloads).
LOADED = ("compiled", "from-bytecode")


def pool_speedup(result: m.ResultLike, variant: str, loaded: str) -> tuple[int, m.Estimate] | None:
    """The pool's speedup over sequential at its most threads, for code ``loaded`` one way."""
    points = [p for p in result.select(variant=variant, workload=loaded) if not p.env]
    return m.at_most_workers(m.speedups(points))


def constant_mortal(result: m.ResultLike, variant: str, loaded: str) -> bool:
    """Whether the demo found the loop's constant mortal in the code ``loaded`` that way."""
    return any(p.params.get("constant_immortal") is False
               for p in result.select(variant=variant, workload=loaded) if not p.env)


def surprise_pool_constant(result: m.ResultLike) -> Verdict:
    """On the free-threaded builds whose LOAD_CONST counts references (before 3.15), the pool
    ran the compiled copy, with its mortal constant, clearly behind the copy from bytecode (the
    two intervals apart), which reached half the ideal extra or more; on later builds both
    copies did. How far behind depends on the machine (what one contended cache line costs)."""
    tops: dict[str, dict[str, tuple[int, m.Estimate]]] = {}
    for variant in m.free_threaded_builds(result, workload="compiled"):
        found = {how: pool_speedup(result, variant, how) for how in LOADED}
        if all(top is not None and top[0] >= 2 for top in found.values()):
            tops[variant] = {how: top for how, top in found.items() if top is not None}
    if not tops:
        return Verdict.no_data("needs the surprise_pool demo on a free-threaded build with 2 or "
                               "more threads")
    n = min(top[0] for found in tops.values() for top in found.values())
    counted = [v for v in tops if m.version_key(v) < BORROWED_FROM]
    borrowed = [v for v in tops if v not in counted]
    floor = m.scaled_floor(n)

    def speeds(variants: list[str], how: str) -> list[tuple[str, m.Estimate]]:
        return [(v, tops[v][how][1]) for v in variants]

    numbers = {
        "n": str(n), "counted": ", ".join(counted) or "none",
        "borrowed": ", ".join(borrowed) or "none",
        "counted_compiled": fmt.listed(speeds(counted, "compiled")),
        "counted_bytecode": fmt.listed(speeds(counted, "from-bytecode")),
        "borrowed_compiled": fmt.listed(speeds(borrowed, "compiled")),
        "borrowed_bytecode": fmt.listed(speeds(borrowed, "from-bytecode")),
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


def findings() -> tuple[Finding, ...]:
    """The surprise_pool demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "surprise-pool-constant", "surprise_pool",
            "A warm pool of {n} threads ran one function against the same tasks run one after "
            "the other. On the builds whose LOAD_CONST counts references ({counted}), the copy "
            "compiled from source, whose constant is not immortal, reached {counted_compiled} "
            "sequential's throughput, and the same code loaded from bytecode {counted_bytecode}. "
            "On {borrowed}, where LOAD_CONST borrows, the two copies reached {borrowed_compiled} "
            "and {borrowed_bytecode}.",
            surprise_pool_constant),
    )
