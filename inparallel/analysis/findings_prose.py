"""Findings behind comparative sentences of the pages that had none (issue 21, part 3).

Each binds an adjective the prose used ("copy cheaply", "the tail grows") to the data, in the
form of ``findings.Finding``, and ``findings()`` lists them for ``findings.FINDINGS``. This
module imports ``findings`` only inside functions, so either may be imported first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m

if TYPE_CHECKING:
    from inparallel.analysis.findings import Finding, Verdict


def _stated(est: m.Estimate, text: str) -> fmt.Ranged:
    """``text`` as the sentence shows it, remembering ``est``: a number the precision rule
    applies to (``Verdict.of`` says "not enough evidence" when its points fall short)."""
    return fmt.Ranged(text, est)


def transfer_subinterpreter_bytes(result: m.ResultLike) -> Verdict:
    """Bytes, a type that crosses into a sub-interpreter without pickling, still made a dearer
    round trip than a pickled one to a process at the smallest payload, and a cheaper one at
    the largest: "shareable" does not mean cheap for small data."""
    from inparallel.analysis.findings import Verdict

    gil, _ = m.focus_pair(result)
    sub = m.transfer_curve(result, gil or "", "bytes", "subinterpreters-shareable")
    pickle = m.transfer_curve(result, gil or "", "bytes", "processes-pickle")
    sizes = sorted(set(sub) & set(pickle))
    if len(sizes) < 2:
        return Verdict.no_data("needs bytes round trips of sub-interpreters and processes "
                               "at two or more sizes")
    small, large = sizes[0], sizes[-1]
    numbers = {"gil": gil or "", "small": fmt.size(small), "large": fmt.size(large),
               **{f"{way}_{at}": _stated(curve[size], fmt.seconds(curve[size].value))
                  for way, curve in (("sub", sub), ("pickle", pickle))
                  for at, size in (("small", small), ("large", large))}}
    ok = sub[small].value > pickle[small].value and sub[large].value < pickle[large].value
    return Verdict.of(ok, numbers,
                      f"sub-interpreter {numbers['sub_small']} > process {numbers['pickle_small']}"
                      f" at {numbers['small']}, and {numbers['sub_large']} < "
                      f"{numbers['pickle_large']} at {numbers['large']}")


#: The server models the tail-latency finding compares on the GIL build.
SERVER_MODELS = (*m.ONE_CORE_MODELS, *m.MULTI_CORE_MODELS)


def _spreads(result: m.ResultLike, variant: str
             ) -> dict[tuple[float, int], dict[str, m.Estimate]]:
    """p99 over p50 latency per (CPU per request, connections) and server model, at every
    point with Python work (cpu_ms > 0) that every model measured."""
    found: dict[tuple[float, int], dict[str, m.Estimate]] = {}
    for model in SERVER_MODELS:
        medians = {(float(p.params.get("cpu_ms", 0)), p.workers): m.estimate(p)
                   for p in m.service_points(result, variant, model, "latency-p50")}
        for point in m.service_points(result, variant, model, "latency-p99"):
            key = (float(point.params.get("cpu_ms", 0)), point.workers)
            tail, median = m.estimate(point), medians.get(key)
            spread = m.ratio(tail, median) if tail and median else None
            if key[0] > 0 and spread is not None:
                found.setdefault(key, {})[model] = spread
    return {k: v for k, v in found.items() if set(v) == set(SERVER_MODELS)}


def service_tail_spread(result: m.ResultLike) -> Verdict:
    """On the GIL build, asyncio's p99 latency stayed closest to its median of all server
    models at every load with Python work; which model's p99 lay furthest from its median is
    read off the data."""
    from inparallel.analysis.findings import Verdict

    gil, _ = m.focus_pair(result)
    spreads = _spreads(result, gil or "")
    if gil is None or not spreads:
        return Verdict.no_data("needs p50 and p99 latency of every server model on a GIL build")
    tightest = {k: min(v, key=lambda s: v[s].value) for k, v in spreads.items()}
    (cpu_ms, conns), widest = max(
        ((k, max(v, key=lambda s: v[s].value)) for k, v in spreads.items()),
        key=lambda kv: spreads[kv[0]][kv[1]].value)
    loosest = max((v["asyncio"] for v in spreads.values()), key=lambda e: e.value)
    most = spreads[(cpu_ms, conns)][widest]
    numbers = {"gil": gil, "points": str(len(spreads)),
               "asyncio_x": _stated(loosest, fmt.times(loosest.value)),
               "widest": widest, "widest_x": _stated(most, fmt.times(most.value)),
               "widest_cpu": fmt.seconds(cpu_ms / 1000), "widest_conns": str(conns)}
    not_asyncio = sorted({f"{s} at {fmt.seconds(k[0] / 1000)}, {k[1]} connections"
                          for k, s in tightest.items() if s != "asyncio"})
    return Verdict.of(not not_asyncio, numbers,
                      "asyncio's p99/p50 the smallest at every point with work (not at: "
                      f"{', '.join(not_asyncio) or 'none'})")


def _rate(rate: m.Estimate) -> fmt.Ranged:
    return _stated(rate, f"{rate.value:.0f} requests/s")


def service_no_work(result: m.ResultLike) -> Verdict:
    """With no Python work of its own per request, asyncio served the most requests of the
    server models on the GIL build."""
    from inparallel.analysis.findings import Verdict

    gil, free = m.focus_pair(result)
    if gil is None or free is None:
        return Verdict.no_data("needs the service demo on a GIL and a free-threaded build")
    rates = {s: m.service_curve(result, gil, s).get(0.0) for s in SERVER_MODELS}
    free_threads = m.service_curve(result, free, "threads").get(0.0)
    at = {s: r for s, r in rates.items() if r is not None}
    if free_threads is None or len(at) < len(SERVER_MODELS):
        return Verdict.no_data("needs every server model at no work per request")
    most = max(at, key=lambda s: at[s].value)
    numbers = {"gil": gil, "free": free, "conns": str(m.service_connections(result, gil)),
               **{key: _rate(at[s]) for key, s in (
                   ("asyncio", "asyncio"), ("threads", "threads"),
                   ("prefork", "processes-prefork"), ("sub", "subinterpreters"))},
               "free_threads": _rate(free_threads)}
    return Verdict.of(most == "asyncio", numbers,
                      f"the most on {gil}: {most}, {at[most].value:.0f} requests/s "
                      "(must be asyncio)")


def findings() -> tuple[Finding, ...]:
    """The findings of this module, for ``findings.FINDINGS``."""
    from inparallel.analysis.findings import Finding

    return (
        Finding(
            "transfer-subinterpreter-bytes", "transfer",
            "On {gil}, a round trip of `bytes` to a sub-interpreter (a type that crosses without "
            "pickling) took {sub_small} for {small}, against {pickle_small} for a process that "
            "pickles them; for {large}, {sub_large} against {pickle_large}.",
            transfer_subinterpreter_bytes),
        Finding(
            "service-tail-spread", "service",
            "On {gil}, at each of the {points} loads with Python work in every request, asyncio's "
            "p99 latency stayed closest to its median of the server models (at most {asyncio_x} "
            "the median); the widest spread was that of {widest}, {widest_x} the median, at "
            "{widest_cpu} per request and {widest_conns} connections.",
            service_tail_spread),
        Finding(
            "service-no-work", "service",
            "With no Python work of its own per request and {conns} connections, on {gil}: "
            "asyncio served {asyncio}, pre-forked processes {prefork}, sub-interpreters {sub} "
            "and threads {threads}, asyncio the most; threads on {free} served {free_threads}.",
            service_no_work),
    )
