"""The transfer demo: what handing data to a worker and back costs each strategy, by payload
size."""

from __future__ import annotations

from collections.abc import Mapping

from inparallel import units
from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def transfer_curve(result: m.ResultLike, variant: str, workload: str, strategy: str
                   ) -> dict[float, m.Estimate]:
    """Round-trip seconds per payload size (bytes) of one strategy of sending one kind of data."""
    curve = {}
    for point in result.select(variant=variant, workload=workload, strategy=strategy):
        size = point.params.get("size_bytes")
        if not point.env and isinstance(size, int | float) and (value := m.estimate(point)):
            curve[float(size)] = value
    return dict(sorted(curve.items()))


def growth(curve: Mapping[float, m.Estimate]) -> m.Estimate | None:
    """How many times the value at the largest size is the value at the smallest."""
    if len(curve) < 2:
        return None
    sizes = sorted(curve)
    return m.ratio(curve[sizes[-1]], curve[sizes[0]])


TRANSFER_STRATEGIES = ("threads", "subinterpreters-shareable", "subinterpreters-memoryview",
                 "processes-pickle", "processes-shm")


def transfer_cost_grows(result: m.ResultLike) -> Verdict:
    """Every strategy of handing bytes to a worker costs more as the payload grows, threads too."""
    gil, _ = m.focus_pair(result)
    curves = {s: transfer_curve(result, gil or "", "bytes", s) for s in TRANSFER_STRATEGIES}
    curves = {s: c for s, c in curves.items() if len(c) >= 2}
    if "threads" not in curves or "processes-pickle" not in curves:
        return Verdict.no_data("needs bytes round trips of threads and processes at 2+ sizes")
    sizes = sorted(curves["threads"])
    grew = {s: growth(c) for s, c in curves.items()}
    thread, pickle = curves["threads"], curves["processes-pickle"]
    numbers = {"gil": gil, "small": units.size(sizes[0]), "large": units.size(sizes[-1]),
               "thread_small": units.seconds(thread[sizes[0]].value),
               "thread_large": units.seconds(thread[sizes[-1]].value),
               "pickle_small": units.seconds(pickle[min(pickle)].value),
               "pickle_large": units.seconds(pickle[max(pickle)].value)}
    flat = [s for s, g in grew.items() if g is None or g.value < 10]
    return Verdict.of(not flat, numbers,
                      "every strategy grew at least tenfold from smallest to largest: "
                      + ", ".join(f"{s} {fmt.times(g.value)}" for s, g in grew.items() if g))


def transfer_small_threads_cheapest(result: m.ResultLike) -> Verdict:
    """For the smallest payload, a thread's round trip is the cheapest strategy."""
    gil, _ = m.focus_pair(result)
    at_small: dict[str, m.Estimate] = {}
    size = None
    for strategy in TRANSFER_STRATEGIES:
        curve = transfer_curve(result, gil or "", "bytes", strategy)
        if curve:
            size = min(curve) if size is None else size
            if size in curve:
                at_small[strategy] = curve[size]
    if "threads" not in at_small or len(at_small) < 2:
        return Verdict.no_data("needs bytes round trips of threads and another strategy")
    others = {s: v for s, v in at_small.items() if s != "threads"}
    cheapest_other = min(others, key=lambda s: others[s].value)
    numbers = {"gil": gil, "small": units.size(size or 0),
               "thread": units.seconds(at_small["threads"].value),
               "pickle": units.seconds(at_small.get("processes-pickle",
                                                  others[cheapest_other]).value),
               "sub": units.seconds(at_small.get("subinterpreters-shareable",
                                               others[cheapest_other]).value)}
    return Verdict.of(at_small["threads"].value < others[cheapest_other].value, numbers,
                      f"threads {numbers['thread']} < {cheapest_other} "
                      f"{units.seconds(others[cheapest_other].value)}")


def transfer_subinterpreter_bytes(result: m.ResultLike) -> Verdict:
    """Bytes, a type that crosses into a sub-interpreter without pickling, still made a dearer
    round trip than a pickled one to a process at the smallest payload, and a cheaper one at
    the largest: "shareable" does not mean cheap for small data."""
    gil, _ = m.focus_pair(result)
    sub = transfer_curve(result, gil or "", "bytes", "subinterpreters-shareable")
    pickle = transfer_curve(result, gil or "", "bytes", "processes-pickle")
    payloads = sorted(set(sub) & set(pickle))  # byte counts both strategies moved
    if len(payloads) < 2:
        return Verdict.no_data("needs bytes round trips of sub-interpreters and processes "
                               "at two or more payload sizes")
    small, large = payloads[0], payloads[-1]
    numbers = {"gil": gil or "", "small": units.size(small), "large": units.size(large),
               **{f"{key}_{at}": fmt.Ranged(units.seconds(curve[payload].value), curve[payload])
                  for key, curve in (("sub", sub), ("pickle", pickle))
                  for at, payload in (("small", small), ("large", large))}}
    ok = sub[small].value > pickle[small].value and sub[large].value < pickle[large].value
    return Verdict.of(ok, numbers,
                      f"sub-interpreter {numbers['sub_small']} > process {numbers['pickle_small']}"
                      f" at {numbers['small']}, and {numbers['sub_large']} < "
                      f"{numbers['pickle_large']} at {numbers['large']}")


def findings() -> tuple[Finding, ...]:
    """The transfer demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "transfer-cost-grows", "transfer",
            "Handing bytes to a worker and back on {gil} took a thread {thread_small} for {small} "
            "and {thread_large} for {large}; a process (pickled) {pickle_small} and "
            "{pickle_large}. Every strategy's cost grew with the payload, threads' too.",
            transfer_cost_grows),
        Finding(
            "transfer-small-threads-cheapest", "transfer",
            "For a {small} payload on {gil}, a thread's round trip ({thread}) was the cheapest; a "
            "process took {pickle} and a sub-interpreter {sub}.",
            transfer_small_threads_cheapest),
        Finding(
            "transfer-subinterpreter-bytes", "transfer",
            "On {gil}, a round trip of `bytes` to a sub-interpreter (a type that crosses without "
            "pickling) took {sub_small} for {small}, against {pickle_small} for a process that "
            "pickles them; for {large}, {sub_large} against {pickle_large}.",
            transfer_subinterpreter_bytes),
    )
