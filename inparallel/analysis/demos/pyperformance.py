"""The pyperformance suite (``invoke suite``): free-threading's single-thread cost on the standard
benchmarks, summarised as pyperformance does (a geometric mean)."""

from __future__ import annotations

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def suite_table(result: m.ResultLike) -> dict[str, dict[str, m.Estimate]]:
    """Per benchmark, per free-threaded series (``3.14t``, ``3.14t PYTHON_GIL=1``): its time
    against the GIL build of its version, as a fraction (+0.05 = 5 % slower)."""
    table: dict[str, dict[str, m.Estimate]] = {}
    for (label, benchmark), cost in m.single_thread_cost(result).items():
        table.setdefault(benchmark, {})[label] = cost
    return table


def suite_cost(result: m.ResultLike, label: str) -> m.Estimate | None:
    """The suite's single-thread cost of one free-threaded series: the geometric mean of its
    per-benchmark time ratios to the GIL build, minus one (+0.05 = 5 % slower)."""
    ratios = [m.Estimate(c.value + 1, c.low + 1, c.high + 1)
              for costs in suite_table(result).values() for lab, c in costs.items()
              if lab == label]
    mean = m.geometric_mean(ratios)
    return None if mean is None else m.Estimate(mean.value - 1, mean.low - 1, mean.high - 1)


def ft_single_thread_cost(result: m.ResultLike) -> Verdict:
    """On the pyperformance suite, the free-threaded build is slower on one thread than its GIL
    build (geometric mean over the benchmarks), by an amount that varies per benchmark."""
    gil, free = m.focus_pair(result)
    costs = {b: c[free] for b, c in suite_table(result).items() if free in c}
    mean = suite_cost(result, free or "")
    if mean is None or not costs:
        return Verdict.no_data("needs the pyperformance suite on a free-threaded and its GIL build")
    best, worst = (f(costs, key=lambda b: costs[b].value) for f in (min, max))
    labels = sorted({lab for c in suite_table(result).values() for lab in c},
                    key=m.version_key)
    others = [f"{lab} {fmt.percent(c.value)}" for lab in labels if lab != free
              and (c := suite_cost(result, lab)) is not None]
    numbers = {"free": free, "gil": gil or m.gil_base(free or ""), "count": str(len(costs)),
               "mean": fmt.ranged(mean, fmt.percent),
               "low": fmt.percent(costs[best].value), "best": best,
               "high": fmt.percent(costs[worst].value), "worst": worst,
               "others": "; ".join(others) or "none measured"}
    return Verdict.of(mean.value > 0, numbers,
                      f"geometric mean {fmt.percent(mean.value)} > 0 over {len(costs)} benchmarks")


def findings() -> tuple[Finding, ...]:
    """The pyperformance demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "ft-single-thread-cost", "pyperformance",
            "On {count} results of the pyperformance suite, one thread on {free} against {gil}: "
            "{mean} time (geometric mean), from {low} on {best} to {high} on {worst}; the "
            "geometric mean of the other free-threaded runs: {others}.",
            ft_single_thread_cost),
    )
