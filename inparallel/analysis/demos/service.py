"""The service demo: an HTTP service per strategy, driven by wrk, at several CPU costs per request
and connection counts."""

from __future__ import annotations

from collections.abc import Mapping

from inparallel import units
from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict
from inparallel.build import catalog

#: A strategy's Python work has filled one core once it keeps this share of a core busy: from
#: there on a strategy that runs Python on one core at a time (asyncio, GIL threads) cannot
#: serve more.
SATURATED = 0.8
#: The strategies that run Python on one core at a time, on a GIL build.
ONE_CORE_STRATEGIES = ("asyncio", "threads")
#: And those that can use several: what the service findings compare with the two above.
MULTI_CORE_STRATEGIES = ("processes-prefork", "subinterpreters")
#: The server strategies the findings compare on the GIL build.
SERVER_STRATEGIES = (*ONE_CORE_STRATEGIES, *MULTI_CORE_STRATEGIES)


def service_points(result: m.ResultLike, variant: str, strategy: str, workload: str
                   ) -> list[m.PointLike]:
    """The usable points of one strategy and metric on ``variant`` (no extra environment)."""
    return [p for p in result.select(variant=variant, strategy=strategy, workload=workload)
            if not p.env and p.ok]


def service_connections(result: m.ResultLike, variant: str) -> int | None:
    """The most connections measured on ``variant``: the load the throughput claims use."""
    points = [p for p in result.select(variant=variant, workload="throughput") if not p.env]
    return max((p.workers for p in points), default=None)


def service_curve(result: m.ResultLike, variant: str, strategy: str,
                  connections: int | None = None, workload: str = "throughput"
                  ) -> dict[float, m.Estimate]:
    """CPU per request (ms) -> the metric at ``connections`` (default: the most measured)."""
    connections = connections or service_connections(result, variant)
    curve = {float(p.params["cpu_ms"]): m.estimate(p)
             for p in service_points(result, variant, strategy, workload)
             if p.workers == connections}
    return {ms: curve[ms] for ms in sorted(curve) if curve[ms] is not None}


def service_by_connections(result: m.ResultLike, variant: str, strategy: str, cpu_ms: float,
                           workload: str = "latency-p99") -> dict[int, m.Estimate]:
    """Connections -> the metric (p99 latency by default) at ``cpu_ms`` of work per request."""
    curve = {p.workers: m.estimate(p) for p in service_points(result, variant, strategy, workload)
             if float(p.params["cpu_ms"]) == cpu_ms}
    return {n: curve[n] for n in sorted(curve) if curve[n] is not None}


def work_cores(rate: m.Estimate, cpu_ms: float) -> m.Estimate:
    """Cores kept busy by the requests' Python work: requests per second x CPU per request."""
    return rate.scaled(cpu_ms / 1000)


def saturation(curve: Mapping[float, m.Estimate]) -> tuple[float, m.Estimate] | None:
    """The least CPU per request at which the Python work kept SATURATED of a core busy, with
    the cores it kept busy there; None if it never did."""
    for cpu_ms, rate in sorted(curve.items()):
        cores = work_cores(rate, cpu_ms)
        if cpu_ms > 0 and cores.value >= SATURATED:
            return cpu_ms, cores
    return None


def service_series(result: m.ResultLike) -> list[tuple[str, str]]:
    """(variant, strategy) the service charts draw: every strategy on the focus GIL build, and
    threads on the focus free-threaded build (the one strategy the build changes)."""
    gil, free = m.focus_pair(result)
    series = [(gil, s) for s in dict.fromkeys(p.strategy for p in result.select(variant=gil))
              if gil is not None]
    if free is not None and result.select(variant=free, strategy="threads"):
        series.append((free, "threads"))
    return series


def loadgen_peak(result: m.ResultLike) -> m.PointLike | None:
    """The point at which wrk itself kept the most CPU busy (``loadgen-cpu`` rows, in cores)."""
    points = [p for p in result.select(workload="loadgen-cpu") if not p.env and p.ok]
    return max(points, key=lambda p: p.median) if points else None


def _per_second(rate: m.Estimate) -> str:
    return f"{rate.value:.0f}/s"


def _cpu(cpu_ms: float) -> str:
    return units.seconds(cpu_ms / 1000)


def _work(cpu_ms: float) -> str:
    return f"{_cpu(cpu_ms)} of Python work per request" if cpu_ms else "no Python work"


def service_one_core_ceiling(result: m.ResultLike) -> Verdict:
    """On every GIL build, asyncio's and the threads' Python work never fills more than one
    core (the busiest build and CPU cost per request of each strategy)."""
    gil, _ = m.focus_pair(result)
    if gil is None:
        return Verdict.no_data("needs the service demo on a GIL build")
    builds = sorted({p.variant for p in result.points
                     if not p.env and not catalog.is_free_threaded(p.variant)}, key=m.version_key)
    curves = {(v, s): service_curve(result, v, s) for v in builds for s in ONE_CORE_STRATEGIES}
    curves = {k: c for k, c in curves.items() if len([ms for ms in c if ms > 0]) >= 2}
    if {s for _, s in curves} != set(ONE_CORE_STRATEGIES):
        return Verdict.no_data(f"needs asyncio and threads at two or more CPU costs on {gil}")
    peaks = {s: max((work_cores(rate, ms) for (_, strategy), c in curves.items() if strategy == s
                     for ms, rate in c.items() if ms > 0), key=lambda e: e.value)
             for s in ONE_CORE_STRATEGIES}
    costs = sorted({ms for c in curves.values() for ms in c if ms > 0})
    measured = [v for v in builds if any((v, s) in curves for s in ONE_CORE_STRATEGIES)]
    numbers = {"gil": ", ".join(measured), "conns": str(service_connections(result, gil)),
               "costs": ", ".join(_cpu(ms) for ms in costs),
               **{f"{s}_cores": fmt.ranged(peaks[s], lambda v: f"{v:.2f}") for s in peaks}}
    return Verdict.of(all(p.value <= ONE_CORE for p in peaks.values()), numbers,
                      "busiest point of each one-core strategy <= "
                      f"{ONE_CORE:g} core: asyncio {peaks['asyncio'].value:.2f}, "
                      f"threads {peaks['threads'].value:.2f}")


#: Python work measured from requests x nominal CPU per request: a little above 1 is rounding.
ONE_CORE = 1.1


#: A strategy "kept scaling" beyond the one-core strategies when it served this many times as much.
BEYOND = 1.2


def service_multicore_scales(result: m.ResultLike) -> Verdict:
    """At the most CPU per request, the multi-core strategies out-serve asyncio and GIL threads."""
    gil, free = m.focus_pair(result)
    if gil is None or free is None:
        return Verdict.no_data("needs the service demo on a GIL and a free-threaded build")
    rates = {s: service_curve(result, gil, s) for s in SERVER_STRATEGIES}
    rates["free-threads"] = service_curve(result, free, "threads")
    common = set.intersection(*(set(c) for c in rates.values()))
    if not common or max(common) <= 0:
        return Verdict.no_data("needs every server strategy at the same CPU cost above zero")
    cpu_ms = max(common)
    at = {s: c[cpu_ms] for s, c in rates.items()}
    ceiling = max(at[s].value for s in ONE_CORE_STRATEGIES)
    multi = ("processes-prefork", "subinterpreters", "free-threads")
    best = max(multi, key=lambda s: at[s].value)
    numbers = {"gil": gil, "free": free, "cpu": _cpu(cpu_ms),
               "conns": str(service_connections(result, gil)),
               "prefork": _per_second(at["processes-prefork"]),
               "sub": _per_second(at["subinterpreters"]),
               "free_threads": _per_second(at["free-threads"]),
               "asyncio": _per_second(at["asyncio"]), "threads": _per_second(at["threads"]),
               "best_cores": f"{work_cores(at[best], cpu_ms).value:.2f}"}
    behind = [s for s in multi if at[s].value < BEYOND * ceiling]
    return Verdict.of(not behind, numbers,
                      f"each of {', '.join(multi)} >= {BEYOND:g} x {ceiling:.0f}/s (the better "
                      f"of asyncio and threads); not: {', '.join(behind) or '-'}")


#: wrk "took little" from the service when it used less than this share of one core.
LOADGEN_LIGHT = 0.5


def service_loadgen_share(result: m.ResultLike) -> Verdict:
    """wrk shares the cores with the service: how much it took at most."""
    peak = loadgen_peak(result)
    if peak is None:
        return Verdict.no_data("needs the service demo's loadgen-cpu rows")
    numbers = {"cores": f"{peak.median:.2f}", "variant": peak.variant,
               "strategy": peak.strategy, "conns": str(peak.workers),
               "work": _work(float(peak.params.get("cpu_ms", 0)))}
    return Verdict.of(peak.median < LOADGEN_LIGHT, numbers,
                      f"wrk's busiest point {peak.median:.2f} cores < {LOADGEN_LIGHT:g}")


def _spreads(result: m.ResultLike, variant: str
             ) -> dict[tuple[float, int], dict[str, m.Estimate]]:
    """p99 over p50 latency per (CPU per request, connections) and server strategy, at every
    point with Python work (cpu_ms > 0) that every strategy measured."""
    found: dict[tuple[float, int], dict[str, m.Estimate]] = {}
    for strategy in SERVER_STRATEGIES:
        medians = {(float(p.params.get("cpu_ms", 0)), p.workers): m.estimate(p)
                   for p in service_points(result, variant, strategy, "latency-p50")}
        for point in service_points(result, variant, strategy, "latency-p99"):
            key = (float(point.params.get("cpu_ms", 0)), point.workers)
            tail, median = m.estimate(point), medians.get(key)
            spread = m.ratio(tail, median) if tail and median else None
            if key[0] > 0 and spread is not None:
                found.setdefault(key, {})[strategy] = spread
    return {k: v for k, v in found.items() if set(v) == set(SERVER_STRATEGIES)}


def service_tail_spread(result: m.ResultLike) -> Verdict:
    """On the GIL build, asyncio's p99 latency stayed closest to its median of all server
    strategies at every load with Python work; which strategy's p99 lay furthest from its
    median is read off the data."""
    gil, _ = m.focus_pair(result)
    spreads = _spreads(result, gil or "")
    if gil is None or not spreads:
        return Verdict.no_data("needs p50 and p99 latency of every server strategy on a GIL build")
    tightest = {k: min(v, key=lambda s: v[s].value) for k, v in spreads.items()}
    (cpu_ms, conns), widest = max(
        ((k, max(v, key=lambda s: v[s].value)) for k, v in spreads.items()),
        key=lambda kv: spreads[kv[0]][kv[1]].value)
    loosest = max((v["asyncio"] for v in spreads.values()), key=lambda e: e.value)
    most = spreads[(cpu_ms, conns)][widest]
    numbers = {"gil": gil, "points": str(len(spreads)),
               "asyncio_x": fmt.Ranged(fmt.times(loosest.value), loosest),
               "widest": widest, "widest_x": fmt.Ranged(fmt.times(most.value), most),
               "widest_cpu": units.seconds(cpu_ms / 1000), "widest_conns": str(conns)}
    not_asyncio = sorted({f"{s} at {units.seconds(k[0] / 1000)}, {k[1]} connections"
                          for k, s in tightest.items() if s != "asyncio"})
    return Verdict.of(not not_asyncio, numbers,
                      "asyncio's p99/p50 the smallest at every point with work (not at: "
                      f"{', '.join(not_asyncio) or 'none'})")


def _requests_per_second(rate: m.Estimate) -> fmt.Ranged:
    return fmt.Ranged(f"{rate.value:.0f} requests/s", rate)


def service_no_work(result: m.ResultLike) -> Verdict:
    """With no Python work of its own per request, asyncio served the most requests of the
    server strategies on the GIL build."""
    gil, free = m.focus_pair(result)
    if gil is None or free is None:
        return Verdict.no_data("needs the service demo on a GIL and a free-threaded build")
    rates = {s: service_curve(result, gil, s).get(0.0) for s in SERVER_STRATEGIES}
    free_threads = service_curve(result, free, "threads").get(0.0)
    at = {s: r for s, r in rates.items() if r is not None}
    if free_threads is None or len(at) < len(SERVER_STRATEGIES):
        return Verdict.no_data("needs every server strategy at no work per request")
    most = max(at, key=lambda s: at[s].value)
    numbers = {"gil": gil, "free": free, "conns": str(service_connections(result, gil)),
               **{key: _requests_per_second(at[s]) for key, s in (
                   ("asyncio", "asyncio"), ("threads", "threads"),
                   ("prefork", "processes-prefork"), ("sub", "subinterpreters"))},
               "free_threads": _requests_per_second(free_threads)}
    return Verdict.of(most == "asyncio", numbers,
                      f"the most on {gil}: {most}, {at[most].value:.0f} requests/s "
                      "(must be asyncio)")


def findings() -> tuple[Finding, ...]:
    """The service demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "service-one-core-ceiling", "service",
            "On every GIL build measured ({gil}), with {conns} connections, the Python work of "
            "asyncio kept at most {asyncio_cores} of a core busy, and that of the threads "
            "{threads_cores}, at every CPU cost per request measured ({costs}): with the GIL "
            "neither strategy uses a second core for Python code.",
            service_one_core_ceiling),
        Finding(
            "service-multicore-scales", "service",
            "At {cpu} of CPU per request and {conns} connections, pre-forked processes served "
            "{prefork}, sub-interpreters {sub} and threads on {free} {free_threads}, against "
            "{asyncio} for asyncio and {threads} for threads on {gil}; the best kept {best_cores} "
            "cores busy with Python work, on a machine whose cores wrk and the upstream share.",
            service_multicore_scales),
        Finding(
            "service-loadgen-share", "service",
            "wrk ran on the same cores as the service and its upstream; at its busiest "
            "({strategy} on {variant}, {conns} connections, {work}) it kept {cores} of a core "
            "busy, less than half a core.",
            service_loadgen_share),
        Finding(
            "service-tail-spread", "service",
            "On {gil}, at each of the {points} loads with Python work in every request, asyncio's "
            "p99 latency stayed closest to its median of the server strategies (at most "
            "{asyncio_x} the median); the widest spread was that of {widest}, {widest_x} the "
            "median, at {widest_cpu} per request and {widest_conns} connections.",
            service_tail_spread),
        Finding(
            "service-no-work", "service",
            "With no Python work of its own per request and {conns} connections, on {gil}: "
            "asyncio served {asyncio}, pre-forked processes {prefork}, sub-interpreters {sub} "
            "and threads {threads}, asyncio the most; threads on {free} served {free_threads}.",
            service_no_work),
    )
