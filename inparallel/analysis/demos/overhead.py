"""The overhead demo: what free-threading costs one thread, per workload and per release."""

from __future__ import annotations

from collections.abc import Mapping

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def _costs(result: m.ResultLike, label: str) -> dict[str, m.Estimate]:
    return {w: c for (lab, w), c in m.single_thread_cost(result).items() if lab == label}


def _listed(costs: Mapping[str, m.Estimate]) -> str:
    return ", ".join(f"{w} {fmt.percent(c.value)}" for w, c in costs.items())


def ft_workload_cost(result: m.ResultLike) -> Verdict:
    """The free-threaded build is slower on one thread, by an amount that depends on the work."""
    gil, free = m.focus_pair(result)
    costs = _costs(result, free or "")
    if not costs:
        return Verdict.no_data("needs one-thread timings of a free-threaded and its GIL build")
    worst = max(costs, key=lambda w: costs[w].value)
    numbers = {"free": free, "gil": gil or m.gil_base(free or ""), "costs": _listed(costs),
               "low": fmt.percent(min(c.value for c in costs.values())),
               "high": fmt.percent(costs[worst].value), "worst": worst}
    return Verdict.of(costs[worst].value > 0, numbers,
                      f"largest cost {fmt.percent(costs[worst].value)} ({worst}) > 0")


def ft_cost_fell(result: m.ResultLike) -> Verdict:
    """3.14t's single-thread cost fell against 3.13t's on most workloads and clearly rose
    (the two intervals apart) on none."""
    old, new = _costs(result, "3.13t"), _costs(result, "3.14t")
    shared = [w for w in old if w in new]
    if not shared:
        return Verdict.no_data("needs one-thread timings of 3.13, 3.13t, 3.14 and 3.14t")
    pairs = ", ".join(f"{w} {fmt.percent(old[w].value)} → {fmt.percent(new[w].value)}"
                      for w in shared)
    fell = [w for w in shared if new[w].value < old[w].value]
    rose = [w for w in shared if new[w].low > old[w].high]
    numbers = {"pairs": pairs, "k": str(len(fell)), "n": str(len(shared))}
    return Verdict.of(2 * len(fell) > len(shared) and not rose, numbers,
                      f"fell on {len(fell)} of {len(shared)} (a majority); clearly rose on "
                      f"{', '.join(rose) or 'none'} (must be none)")


def python_gil_1_slower(result: m.ResultLike) -> Verdict:
    """A free-threaded build with PYTHON_GIL=1 is slower on one thread than the GIL build."""
    _, free = m.focus_pair(result)
    label = f"{free} PYTHON_GIL=1"
    costs = _costs(result, label)
    if not costs:
        return Verdict.no_data(f"needs {label} one-thread timings")
    mean = m.geometric_mean([m.Estimate(1 + c.value, 1 + c.low, 1 + c.high)
                             for c in costs.values()])
    if mean is None:
        return Verdict.no_data(f"needs positive one-thread times of {label}")
    numbers = {"label": label, "gil": m.gil_base(free or ""), "costs": _listed(costs),
               "mean": fmt.percent(mean.value - 1)}
    return Verdict.of(mean.value > 1, numbers,
                      f"geometric mean of the time ratios {fmt.percent(mean.value - 1)} "
                      f"(must be slower): {_listed(costs)}")


def findings() -> tuple[Finding, ...]:
    """The overhead demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "ft-workload-cost", "overhead",
            "On one thread, {free} took {high} more time than {gil} on {worst}, the costliest "
            "workload measured; on each workload: {costs}.",
            ft_workload_cost),
        Finding(
            "ft-cost-fell", "overhead",
            "From 3.13t to 3.14t, the free-threaded build's single-thread cost fell on {k} of {n} "
            "workloads: {pairs}.",
            ft_cost_fell),
        Finding(
            "python-gil-1-slower", "overhead",
            "On one thread, {label} took {mean} time against {gil} (geometric mean over the "
            "workloads: {costs}): switching the GIL back on does not give back the GIL build's "
            "speed.",
            python_gil_1_slower),
    )
