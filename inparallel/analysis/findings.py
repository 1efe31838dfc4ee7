"""Every claim that rests on a measurement, bound to the data that supports it.

A ``Finding`` is a name, a sentence template, the demo whose aggregated data it reads and a
predicate over that data (``check``: holds, fails or no-data, with the numbers it used).
Where each is used is read from the pages and slides that include it
(``inparallel.publish.claims.includes``, listed on the Claims page), so it cannot go stale.
Pages include ``docs/generated/finding-<name>.md`` (written
by ``inparallel.publish.claims``), the deck ``<!-- include: docs/generated/finding-<name>.md -->``.

A sentence says what the data support. If a check fails on committed data, the sentence is
wrong, not the data: ``invoke docs`` stops and names the finding, the machine and the numbers.
Predicates use the medians across runs; the ranges are shown beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from inparallel.analysis import findings_prose, ftscaling
from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m

Status = Literal["holds", "fails", "no-evidence", "no-data"]


@dataclass(frozen=True)
class Verdict:
    """What a check found on one machine's data: its status, the numbers for the sentence, and
    the condition it tested written out with those numbers (shown when it fails)."""

    status: Status
    numbers: Mapping[str, str] = field(default_factory=dict)
    condition: str = ""
    shortfall: tuple[str, ...] = ()  # with "no-evidence": the points that fell short

    @classmethod
    def no_data(cls, why: str) -> Verdict:
        """The data needed are not in this machine's files."""
        return cls("no-data", {}, why)

    @classmethod
    def of(cls, ok: bool, numbers: Mapping[str, str], condition: str) -> Verdict:
        """``holds`` when ``ok``, else ``fails``; ``no-evidence`` when a number the sentence
        states rests on a point that misses the precision rule (``stats.PRECISION``) or on
        runs that do not count (noisy, disturbed): a claim needs converged evidence."""
        shortfall = tuple(dict.fromkeys(
            name for number in numbers.values() if isinstance(number, fmt.Ranged)
            for name in number.estimate.shortfall))
        if shortfall:
            return cls("no-evidence", dict(numbers), condition, shortfall)
        return cls("holds" if ok else "fails", dict(numbers), condition)


@dataclass(frozen=True)
class Finding:
    """A named claim: its sentence, its demo, its predicate."""

    name: str
    demo: str
    template: str
    check: Callable[[m.ResultLike], Verdict]

    def sentence(self, verdict: Verdict) -> str:
        """The sentence with this machine's numbers filled in."""
        return self.template.format(**verdict.numbers)


# --- the checks ----------------------------------------------------------------------------------


def _enough_speedup(speedup: m.Estimate, workers: int) -> bool:
    """At least half of the ideal extra throughput: 1.5 on 2 workers, 2.5 on 4."""
    return speedup.value >= 1 + 0.5 * (workers - 1)


#: Below this, a speedup is "no speed-up" (noise and switching included).
FLAT = 1.25


def nogil_threads_scale(result: m.ResultLike) -> Verdict:
    """Free-threaded threads gain on CPU-bound work; GIL threads do not."""
    gil, free = m.focus_pair(result)
    if gil is None or free is None:
        return Verdict.no_data("needs a GIL build and a free-threaded build")
    top_free = m.at_most_workers(m.thread_speedups(result, free))
    top_gil = m.at_most_workers(m.thread_speedups(result, gil))
    if not top_free or not top_gil or top_free[0] < 2:
        return Verdict.no_data("needs threads at 1 and at 2 or more workers")
    n, fx = top_free
    gx = top_gil[1]
    numbers = {"n": str(n), "free": free, "gil": gil,
               "free_x": fmt.ranged(fx), "gil_x": fmt.ranged(gx)}
    need = 1 + 0.5 * (n - 1)
    return Verdict.of(_enough_speedup(fx, n) and gx.value < FLAT, numbers,
                      f"{free} {fmt.times(fx.value)} >= {fmt.times(need)} and "
                      f"{gil} {fmt.times(gx.value)} < {fmt.times(FLAT)} at {n} threads")


def _top(curves: Mapping[tuple[str, str], Mapping[int, m.Estimate]], label: str | None,
         strategy: str) -> tuple[int, m.Estimate] | None:
    return m.at_most_workers(curves.get((label or "", strategy), {}))


def cpu_parallel_strategies(result: m.ResultLike) -> Verdict:
    """Sub-interpreters and processes gain on the GIL build, GIL threads do not."""
    gil, free = m.focus_pair(result)
    curves = m.strategy_curves(result, "numeric")
    sub, fork = _top(curves, gil, "subinterpreters"), _top(curves, gil, "processes-fork")
    threads, free_threads = _top(curves, gil, "threads"), _top(curves, free, "threads")
    if not (sub and fork and threads and free_threads) or threads[0] < 2:
        return Verdict.no_data("needs numeric work under every strategy at 2 or more workers")
    n = threads[0]
    numbers = {"n": str(n), "gil": gil, "free": free,
               "sub_x": fmt.ranged(sub[1]), "fork_x": fmt.ranged(fork[1]),
               "threads_x": fmt.ranged(threads[1]), "free_threads_x": fmt.ranged(free_threads[1])}
    ok = (all(_enough_speedup(s[1], n) for s in (sub, fork, free_threads))
          and threads[1].value < FLAT)
    return Verdict.of(ok, numbers,
                      f"sub-interpreters {fmt.times(sub[1].value)}, fork "
                      f"{fmt.times(fork[1].value)}, {free} threads "
                      f"{fmt.times(free_threads[1].value)} each >= "
                      f"{fmt.times(1 + 0.5 * (n - 1))}; {gil} threads "
                      f"{fmt.times(threads[1].value)} < {fmt.times(FLAT)}")


def cpu_threads_scale_both(result: m.ResultLike) -> Verdict:
    """Free-threaded threads speed up numeric and object-heavy work alike, near the ideal."""
    _, free = m.focus_pair(result)
    numeric = _top(m.strategy_curves(result, "numeric"), free, "threads")
    objects = _top(m.strategy_curves(result, "objects"), free, "threads")
    if not numeric or not objects or numeric[0] < 2:
        return Verdict.no_data("needs free-threaded threads on both workloads")
    n = numeric[0]
    numbers = {"n": str(n), "free": free, "objects_x": fmt.ranged(objects[1]),
               "numeric_x": fmt.ranged(numeric[1])}
    # "Near the ideal": at least three quarters of one unit of work per worker.
    floor = NEAR_IDEAL * n
    return Verdict.of(min(numeric[1].value, objects[1].value) >= floor, numbers,
                      f"numeric {fmt.times(numeric[1].value)} and objects "
                      f"{fmt.times(objects[1].value)} >= {fmt.times(floor)}")


#: The share of the ideal speedup (the worker count) that counts as "near the ideal".
NEAR_IDEAL = 0.75


def _costs(result: m.ResultLike, label: str) -> dict[str, m.Estimate]:
    return {w: c for (lab, w), c in m.single_thread_cost(result).items() if lab == label}


def _listed(costs: Mapping[str, m.Estimate]) -> str:
    return ", ".join(f"{w} {fmt.percent(c.value)}" for w, c in costs.items())


def ft_single_thread_cost(result: m.ResultLike) -> Verdict:
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


def suite_single_thread_cost(result: m.ResultLike) -> Verdict:
    """On the pyperformance suite, the free-threaded build is slower on one thread than its GIL
    build (geometric mean over the benchmarks), by an amount that varies per benchmark."""
    gil, free = m.focus_pair(result)
    costs = {b: c[free] for b, c in m.suite_table(result).items() if free in c}
    mean = m.suite_cost(result, free or "")
    if mean is None or not costs:
        return Verdict.no_data("needs the pyperformance suite on a free-threaded and its GIL build")
    best, worst = (f(costs, key=lambda b: costs[b].value) for f in (min, max))
    labels = sorted({lab for c in m.suite_table(result).values() for lab in c},
                    key=m.version_key)
    others = [f"{lab} {fmt.percent(c.value)}" for lab in labels if lab != free
              and (c := m.suite_cost(result, lab)) is not None]
    numbers = {"free": free, "gil": gil or m.gil_base(free or ""), "count": str(len(costs)),
               "mean": fmt.ranged(mean, fmt.percent),
               "low": fmt.percent(costs[best].value), "best": best,
               "high": fmt.percent(costs[worst].value), "worst": worst,
               "others": "; ".join(others) or "none measured"}
    return Verdict.of(mean.value > 0, numbers,
                      f"geometric mean {fmt.percent(mean.value)} > 0 over {len(costs)} benchmarks")


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


def gil_env_slower(result: m.ResultLike) -> Verdict:
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


def startup_order(result: m.ResultLike) -> Verdict:
    """thread < forked process < sub-interpreter < spawned process, to start one more worker."""
    gil, _ = m.focus_pair(result)
    times = m.startup(result, gil or "")
    order = ["threads", "processes-fork", "subinterpreters", "processes-spawn"]
    if any(s not in times for s in order):
        return Verdict.no_data("needs start-up times of threads, fork, sub-interpreters, spawn")
    numbers = {"gil": gil, **{key: fmt.seconds(times[s].value) for key, s in
                              zip(("thread", "fork", "sub", "spawn"), order, strict=True)}}
    values = [times[s].value for s in order]
    return Verdict.of(values == sorted(values), numbers,
                      " < ".join(f"{s} {fmt.seconds(times[s].value)}" for s in order))


def memory_per_worker(result: m.ResultLike) -> Verdict:
    """Threads add the least memory; an interpreter-pool worker more than a forked process."""
    gil, _ = m.focus_pair(result)
    per = m.memory_per_worker(result, gil or "")
    keys = {"thread": "threads", "sub": "subinterpreters", "pool": "subinterpreters-pool",
            "fork": "processes-fork", "spawn": "processes-spawn"}
    if any(s not in per for s in keys.values()):
        return Verdict.no_data("needs idle-worker memory of every strategy")
    numbers = {"gil": gil, **{k: fmt.size(per[s].value) for k, s in keys.items()}}
    lightest = min(per, key=lambda s: per[s].value)
    ok = lightest == "threads" and per["subinterpreters-pool"].value > per["processes-fork"].value
    return Verdict.of(ok, numbers,
                      f"lightest is {lightest} ({fmt.size(per[lightest].value)}); pool "
                      f"{numbers['pool']} > fork {numbers['fork']}")


TRANSFER_WAYS = ("threads", "subinterpreters-shareable", "subinterpreters-memoryview",
                 "processes-pickle", "processes-shm")


def transfer_cost_grows(result: m.ResultLike) -> Verdict:
    """Every way of handing bytes to a worker costs more as the payload grows, threads too."""
    gil, _ = m.focus_pair(result)
    curves = {s: m.transfer_curve(result, gil or "", "bytes", s) for s in TRANSFER_WAYS}
    curves = {s: c for s, c in curves.items() if len(c) >= 2}
    if "threads" not in curves or "processes-pickle" not in curves:
        return Verdict.no_data("needs bytes round trips of threads and processes at 2+ sizes")
    sizes = sorted(curves["threads"])
    grew = {s: m.growth(c) for s, c in curves.items()}
    thread, pickle = curves["threads"], curves["processes-pickle"]
    numbers = {"gil": gil, "small": fmt.size(sizes[0]), "large": fmt.size(sizes[-1]),
               "thread_small": fmt.seconds(thread[sizes[0]].value),
               "thread_large": fmt.seconds(thread[sizes[-1]].value),
               "pickle_small": fmt.seconds(pickle[min(pickle)].value),
               "pickle_large": fmt.seconds(pickle[max(pickle)].value)}
    flat = [s for s, g in grew.items() if g is None or g.value < 10]
    return Verdict.of(not flat, numbers,
                      "every way grew at least tenfold from smallest to largest: "
                      + ", ".join(f"{s} {fmt.times(g.value)}" for s, g in grew.items() if g))


def transfer_small_threads_cheapest(result: m.ResultLike) -> Verdict:
    """For the smallest payload, a thread's round trip is the cheapest way."""
    gil, _ = m.focus_pair(result)
    at_small: dict[str, m.Estimate] = {}
    size = None
    for strategy in TRANSFER_WAYS:
        curve = m.transfer_curve(result, gil or "", "bytes", strategy)
        if curve:
            size = min(curve) if size is None else size
            if size in curve:
                at_small[strategy] = curve[size]
    if "threads" not in at_small or len(at_small) < 2:
        return Verdict.no_data("needs bytes round trips of threads and another way")
    others = {s: v for s, v in at_small.items() if s != "threads"}
    cheapest_other = min(others, key=lambda s: others[s].value)
    numbers = {"gil": gil, "small": fmt.size(size or 0),
               "thread": fmt.seconds(at_small["threads"].value),
               "pickle": fmt.seconds(at_small.get("processes-pickle",
                                                  others[cheapest_other]).value),
               "sub": fmt.seconds(at_small.get("subinterpreters-shareable",
                                               others[cheapest_other]).value)}
    return Verdict.of(at_small["threads"].value < others[cheapest_other].value, numbers,
                      f"threads {numbers['thread']} < {cheapest_other} "
                      f"{fmt.seconds(others[cheapest_other].value)}")


def io_waits_overlap(result: m.ResultLike) -> Verdict:
    """On the GIL build, threads and asyncio overlap I/O waits close to the ideal."""
    gil, _ = m.focus_pair(result)
    threads = m.max_workers(result.select(variant=gil, strategy="threads"))
    tasks = m.max_workers(result.select(variant=gil, strategy="asyncio"))
    sequential = m.max_workers(result.select(variant=gil, strategy="sequential"))
    if not threads or not tasks or not sequential or threads.median is None:
        return Verdict.no_data("needs sequential, threads and asyncio I/O timings")
    eff = {s: m.io_efficiency(p) for s, p in (("threads", threads), ("asyncio", tasks))}
    if any(e is None for e in eff.values()):
        return Verdict.no_data("the I/O points carry no ideal time")
    params = threads.params
    numbers = {"gil": gil, "n": str(threads.workers), "requests": str(params.get("requests")),
               "latency": fmt.seconds(float(params.get("latency_ms", 0)) / 1000),
               "seq": fmt.seconds(sequential.median or 0), "threads": fmt.seconds(threads.median),
               "asyncio": fmt.seconds(tasks.median or 0),
               "ideal": fmt.seconds(float(params.get("ideal_s", 0)))}
    return Verdict.of(all(e.value >= 0.6 for e in eff.values() if e), numbers,
                      "ideal/measured >= 0.6 for threads and asyncio: "
                      + ", ".join(f"{s} {e.value:.2f}" for s, e in eff.items() if e))


def contention_shared_slower(result: m.ResultLike) -> Verdict:
    """On the free-threaded build, threads updating one counter behind one lock are slower than
    threads updating their own counters and merging at the end, by more than five times the
    noise of the two timings."""
    _, free = m.focus_pair(result)
    counter = m.contention(result, free or "").get("counter")
    if counter is None or counter.workers < 2:
        return Verdict.no_data("needs the counter workload, shared and local, at 2+ threads")
    numbers = {"free": free, "n": str(counter.workers),
               "shared": fmt.seconds(counter.shared.value),
               "local": fmt.seconds(counter.local.value), "ratio": fmt.times(counter.ratio)}
    return Verdict.of(counter.ratio > 1.5 and counter.shown, numbers,
                      f"shared/local {fmt.times(counter.ratio)} > {fmt.times(1.5)} and the "
                      f"difference {fmt.seconds(counter.difference)} >= "
                      f"{m.SHOWN_FACTOR:g} x noise {fmt.seconds(counter.noise)}")


def _effect(c: m.Contention) -> str:
    return f"{c.workload} {fmt.times(c.ratio)}"


def contention_effects(result: m.ResultLike) -> Verdict:
    """Which pitfalls of the contention demo showed an effect beyond five times the noise on
    this machine, and which did not; it fails if a shared version was shown to be faster."""
    _, free = m.focus_pair(result)
    found = {w: c for w, c in m.contention(result, free or "").items() if c.workers >= 2}
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
                                              f"{fmt.seconds(abs(c.difference))}, noise "
                                              f"{fmt.seconds(c.noise)})" for c in shown))


def extension_reenables_gil(result: m.ResultLike) -> Verdict:
    """An extension without the free-threading declaration turns the GIL on, with a warning."""
    _, free = m.focus_pair(result)
    undeclared = [p for p in result.select(variant=free, workload="gil-after-import",
                                           strategy="no-Py_mod_gil") if p.ok]
    declared = [p for p in result.select(variant=free, workload="gil-after-import",
                                         strategy="Py_MOD_GIL_NOT_USED") if p.ok]
    if not undeclared or not declared:
        return Verdict.no_data("needs the compat demo's extension imports on a free-threaded build")
    on_after = bool(undeclared[0].median)
    warned = bool(undeclared[0].params.get("warning"))
    stays_off = not declared[0].median
    return Verdict.of(on_after and warned and stays_off, {"free": free},
                      f"undeclared: GIL on after import {on_after}, warning {warned}; "
                      f"declared: GIL stays off {stays_off}")


# --- throughput with warm pools, large shared state (issue 9) ------------------------------------

#: The strategies of the throughput demo that have workers, in the order sentences list them.
POOLS = ("threads", "subinterpreters-pool", "subinterpreters-queue", "processes-fork",
         "processes-forkserver", "processes-spawn")


def _break_even_text(point: m.BreakEven | None) -> str | None:
    if point is None:
        return None
    if point.kind == "always":
        return "ahead at every size"
    if point.kind == "never":
        return "behind at every size"
    return f"about {fmt.seconds(point.seconds or 0)}"


Curves = dict[str, dict[float, m.Estimate]]


def _focus_streams(result: m.ResultLike
                   ) -> tuple[dict[str, tuple[str, Curves]], dict[str, str], list[str]] | None:
    """The stream speedup curves of the focus GIL and free-threaded builds (``gil``, ``free``),
    the numbers every throughput sentence names, and the stream rows with wrong answers; None
    when a build has no stream rows."""
    gil, free = m.focus_pair(result)
    found = {}
    for key, variant in (("gil", gil or ""), ("free", free or "")):
        curves = m.stream_speedups(result, variant)
        if not curves:
            return None
        found[key] = (variant, curves)
    points = result.select(workload="stream", strategy="threads", variant=free)
    numbers = {"gil": gil or "", "free": free or "",
               "n": str(max((p.workers for p in points), default=0))}
    wrong = [f"{p.label} {p.strategy} size {p.params.get('size')}" for p in
             result.select(workload="stream") if p.correct is False]
    return found, numbers, wrong


def _all_right(numbers: dict[str, str], wrong: list[str]) -> Verdict:
    return Verdict.of(not wrong, numbers,
                      f"every stream answer correct (wrong: {', '.join(wrong) or 'none'})")


def throughput_break_even(result: m.ResultLike) -> Verdict:
    """For each strategy, the task duration below which its warm pool loses to sequential."""
    focus = _focus_streams(result)
    if focus is None:
        return Verdict.no_data("needs stream rows of a GIL and a free-threaded build")
    found, numbers, wrong = focus
    for key, (_, curves) in found.items():
        numbers[f"{key}_breaks"] = "; ".join(
            f"{s} {text}" for s in POOLS
            if (text := _break_even_text(m.break_even(curves.get(s, {})))))
    return _all_right(numbers, wrong)


def throughput_steady_speedup(result: m.ResultLike) -> Verdict:
    """Steady-state speedup over sequential at the largest task size, per strategy."""
    focus = _focus_streams(result)
    if focus is None:
        return Verdict.no_data("needs stream rows of a GIL and a free-threaded build")
    found, numbers, wrong = focus
    for key, (_, curves) in found.items():
        tops = {s: curves[s][max(curves[s])] for s in POOLS if curves.get(s)}
        numbers[f"{key}_x"] = ", ".join(f"{s} {fmt.times(v.value)}" for s, v in tops.items())
        numbers["task"] = fmt.seconds(max(max(c) for c in curves.values()))
    return _all_right(numbers, wrong)


#: A GIL build's warm thread pool "stays near 1x" below the first; a free-threaded build's
#: "scaled" from the second on (times sequential, at the largest task, 2 or more workers).
GIL_BOUND, FREE_SCALES = 1.2, 1.5


def throughput_threads_every_build(result: m.ResultLike) -> Verdict:
    """On every GIL build measured, warm thread pools stay near 1x; which free-threaded builds
    scaled at the largest task size and which did not is read off the data."""
    tops: dict[str, m.Estimate] = {}
    largest = 0.0
    for variant in sorted(result.variants, key=m.version_key):
        curve = m.stream_speedups(result, variant).get("threads", {})
        if curve:
            tops[variant], largest = curve[max(curve)], max(largest, max(curve))
    gil = {v: e for v, e in tops.items() if not m.is_free_threaded(v)}
    free = {v: e for v, e in tops.items() if m.is_free_threaded(v)}
    if not gil or not free:
        return Verdict.no_data("needs warm thread pools on a GIL and a free-threaded build")
    workers = max((p.workers for p in result.select(workload="stream", strategy="threads")),
                  default=0)
    if workers < 2:
        return Verdict.no_data("needs warm thread pools of 2 or more workers")

    def listed(found: dict[str, m.Estimate]) -> str:
        return ", ".join(f"{v} {fmt.times(e.value)}" for v, e in found.items())

    scaled = [v for v, e in free.items() if e.value >= FREE_SCALES]
    behind = [v for v, e in free.items() if e.value < 1]
    numbers = {"n": str(workers), "gil_x": listed(gil), "free_x": listed(free),
               "task": fmt.seconds(largest), "bound": fmt.times(GIL_BOUND),
               "scaled": ", ".join(scaled) or "none",
               "behind": ", ".join(behind) or "none"}
    return Verdict.of(all(e.value < GIL_BOUND for e in gil.values()), numbers,
                      f"GIL builds < {fmt.times(GIL_BOUND)} ({listed(gil)})")


def shared_state_threads(result: m.ResultLike) -> Verdict:
    """How free-threaded threads compare with the other ways of sharing one large graph."""
    _, free = m.focus_pair(result)
    found = m.shared_state(result, free or "")
    others = {s: v for s, v in found.items() if s not in ("sequential", "threads")
              and "pss" in v and "first-answer" in v}
    threads = found.get("threads", {})
    if "pss" not in threads or "first-answer" not in threads or not others:
        return Verdict.no_data("needs the shared_state demo's threads and another strategy "
                               "on a free-threaded build")
    lightest = min(others, key=lambda s: others[s]["pss"].value)
    quickest = min(others, key=lambda s: others[s]["first-answer"].value)
    points = result.select(variant=free, strategy="threads", workload="pss")
    wrong = [p.strategy for p in result.select(variant=free) if p.correct is False]
    numbers = {
        "free": free or "", "n": str(max((p.workers for p in points), default=0)),
        "graph": fmt.size(float(points[0].params.get("graph_bytes", 0))) if points else "?",
        "threads_pss": fmt.size(threads["pss"].value),
        "threads_first": fmt.seconds(threads["first-answer"].value),
        "lightest": lightest, "lightest_pss": fmt.size(others[lightest]["pss"].value),
        "mem_x": fmt.times(others[lightest]["pss"].value / threads["pss"].value),
        "quickest": quickest,
        "quickest_first": fmt.seconds(others[quickest]["first-answer"].value),
        "first_x": fmt.times(others[quickest]["first-answer"].value
                             / threads["first-answer"].value),
    }
    return Verdict.of(not wrong, numbers,
                      f"every strategy's answers correct (wrong: {', '.join(wrong) or 'none'})")


def _unexplained(result: m.ResultLike, variant: str, workload: str, verdict: bool,
                 key: str) -> list[str]:
    """Packages whose ``workload`` check on ``variant`` said ``verdict`` without ``params[key]``
    (the warning or the error that should come with it)."""
    return sorted(p.params["package"] for p in result.select(variant=variant, workload=workload)
                  if p.ok and bool(p.median) is verdict and not p.params.get(key))


def packages_keep_gil_off(result: m.ResultLike) -> Verdict:
    """How many packages keep the GIL off after their import; each that does not, warned."""
    _, free = m.focus_pair(result)
    gil_after = m.package_verdicts(result, free, "gil-after-import") if free else {}
    if free is None or not gil_after:
        return Verdict.no_data("needs the packages demo on a free-threaded build")
    back = sorted(name for name, on in gil_after.items() if on)
    silent = _unexplained(result, free, "gil-after-import", True, "warning")
    numbers = {"free": free, "k": str(len(gil_after) - len(back)), "n": str(len(gil_after)),
               "back": (f"it came back, with a warning, for: {', '.join(back)}" if back
                        else "none turned it back on")}
    return Verdict.of(not silent, numbers,
                      "every package that turned the GIL back on warned "
                      f"(silent: {silent or 'none'})")


def packages_in_subinterpreters(result: m.ResultLike) -> Verdict:
    """How many packages import in an isolated sub-interpreter; each refusal has its error."""
    gil, _ = m.focus_pair(result)
    verdicts = m.package_verdicts(result, gil, "subinterpreter-import") if gil else {}
    if gil is None or not verdicts:
        return Verdict.no_data("needs the packages demo on a GIL build")
    refused = sorted(name for name, ok in verdicts.items() if not ok)
    unexplained = _unexplained(result, gil, "subinterpreter-import", False, "message")
    numbers = {"gil": gil, "k": str(len(verdicts) - len(refused)), "n": str(len(verdicts)),
               "refused": ", ".join(refused) or "none"}
    return Verdict.of(not unexplained, numbers,
                      f"every refusal recorded its ImportError (without: {unexplained or 'none'})")


# --- the registry --------------------------------------------------------------------------------

def _rate(rate: m.Estimate) -> str:
    return f"{rate.value:.0f}/s"


def _cpu(cpu_ms: float) -> str:
    return fmt.seconds(cpu_ms / 1000)


def _work(cpu_ms: float) -> str:
    return f"{_cpu(cpu_ms)} of Python work per request" if cpu_ms else "no Python work"


def service_one_core_ceiling(result: m.ResultLike) -> Verdict:
    """On every GIL build, asyncio's and the threads' Python work never fills more than one
    core (the busiest build and CPU cost per request of each model)."""
    gil, _ = m.focus_pair(result)
    if gil is None:
        return Verdict.no_data("needs the service demo on a GIL build")
    builds = sorted({p.variant for p in result.points
                     if not p.env and not m.is_free_threaded(p.variant)}, key=m.version_key)
    curves = {(v, s): m.service_curve(result, v, s) for v in builds for s in m.ONE_CORE_MODELS}
    curves = {k: c for k, c in curves.items() if len([ms for ms in c if ms > 0]) >= 2}
    if {s for _, s in curves} != set(m.ONE_CORE_MODELS):
        return Verdict.no_data(f"needs asyncio and threads at two or more CPU costs on {gil}")
    peaks = {s: max((m.work_cores(rate, ms) for (_, model), c in curves.items() if model == s
                     for ms, rate in c.items() if ms > 0), key=lambda e: e.value)
             for s in m.ONE_CORE_MODELS}
    costs = sorted({ms for c in curves.values() for ms in c if ms > 0})
    measured = [v for v in builds if any((v, s) in curves for s in m.ONE_CORE_MODELS)]
    numbers = {"gil": ", ".join(measured), "conns": str(m.service_connections(result, gil)),
               "costs": ", ".join(_cpu(ms) for ms in costs),
               **{f"{s}_cores": fmt.ranged(peaks[s], lambda v: f"{v:.2f}") for s in peaks}}
    return Verdict.of(all(p.value <= ONE_CORE for p in peaks.values()), numbers,
                      "busiest point of each one-core model <= "
                      f"{ONE_CORE:g} core: asyncio {peaks['asyncio'].value:.2f}, "
                      f"threads {peaks['threads'].value:.2f}")


#: Python work measured from requests x nominal CPU per request: a little above 1 is rounding.
ONE_CORE = 1.1


#: A model "kept scaling" beyond the one-core models when it served this many times as much.
BEYOND = 1.2


def service_multicore_scales(result: m.ResultLike) -> Verdict:
    """At the most CPU per request, the multi-core models out-serve asyncio and GIL threads."""
    gil, free = m.focus_pair(result)
    if gil is None or free is None:
        return Verdict.no_data("needs the service demo on a GIL and a free-threaded build")
    rates = {s: m.service_curve(result, gil, s) for s in (*m.ONE_CORE_MODELS,
                                                           *m.MULTI_CORE_MODELS)}
    rates["free-threads"] = m.service_curve(result, free, "threads")
    common = set.intersection(*(set(c) for c in rates.values()))
    if not common or max(common) <= 0:
        return Verdict.no_data("needs every server model at the same CPU cost above zero")
    cpu_ms = max(common)
    at = {s: c[cpu_ms] for s, c in rates.items()}
    ceiling = max(at[s].value for s in m.ONE_CORE_MODELS)
    multi = ("processes-prefork", "subinterpreters", "free-threads")
    best = max(multi, key=lambda s: at[s].value)
    numbers = {"gil": gil, "free": free, "cpu": _cpu(cpu_ms),
               "conns": str(m.service_connections(result, gil)),
               "prefork": _rate(at["processes-prefork"]), "sub": _rate(at["subinterpreters"]),
               "free_threads": _rate(at["free-threads"]), "asyncio": _rate(at["asyncio"]),
               "threads": _rate(at["threads"]),
               "best_cores": f"{m.work_cores(at[best], cpu_ms).value:.2f}"}
    behind = [s for s in multi if at[s].value < BEYOND * ceiling]
    return Verdict.of(not behind, numbers,
                      f"each of {', '.join(multi)} >= {BEYOND:g} x {ceiling:.0f}/s (the better "
                      f"of asyncio and threads); not: {', '.join(behind) or '-'}")


#: wrk "took little" from the service when it used less than this share of one core.
LOADGEN_LIGHT = 0.5


def service_loadgen_share(result: m.ResultLike) -> Verdict:
    """wrk shares the cores with the service: how much it took at most."""
    peak = m.loadgen_peak(result)
    if peak is None:
        return Verdict.no_data("needs the service demo's loadgen-cpu rows")
    numbers = {"cores": f"{peak.median:.2f}", "variant": peak.variant,
               "model": peak.strategy, "conns": str(peak.workers),
               "work": _work(float(peak.params.get("cpu_ms", 0)))}
    return Verdict.of(peak.median < LOADGEN_LIGHT, numbers,
                      f"wrk's busiest point {peak.median:.2f} cores < {LOADGEN_LIGHT:g}")


FINDINGS: tuple[Finding, ...] = (
    Finding(
        "nogil-threads-scale", "nogil",
        "With {n} threads each doing the same CPU-bound work, the free-threaded build ({free}) "
        "did {free_x} the work per second of one thread; the GIL build ({gil}) did {gil_x}.",
        nogil_threads_scale),
    Finding(
        "cpu-parallel-strategies", "cpu",
        "Numeric work on {n} workers, throughput against sequential: on {gil}, sub-interpreters "
        "{sub_x}, forked processes {fork_x}, threads {threads_x}; on {free}, threads "
        "{free_threads_x}.",
        cpu_parallel_strategies),
    Finding(
        "cpu-threads-scale-both", "cpu",
        "Free-threaded threads ({free}, {n} workers) sped up numeric work {numeric_x} and "
        "object-heavy work {objects_x} against sequential: both near the ideal of {n}.",
        cpu_threads_scale_both),
    Finding(
        "ft-single-thread-cost", "pyperformance",
        "On {count} results of the pyperformance suite, one thread on {free} against {gil}: "
        "{mean} time (geometric mean), from {low} on {best} to {high} on {worst}; the "
        "geometric mean of the other free-threaded runs: {others}.",
        suite_single_thread_cost),
    Finding(
        "ft-workload-cost", "overhead",
        "On one thread, {free} took {high} more time than {gil} on {worst}, the costliest "
        "workload measured; on each workload: {costs}.",
        ft_single_thread_cost),
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
        gil_env_slower),
    Finding(
        "startup-order", "startup",
        "Starting one more worker on {gil}: a thread {thread}, a forked process {fork}, a "
        "sub-interpreter {sub}, a spawned process {spawn}. A forked process started faster "
        "than a sub-interpreter, and a sub-interpreter faster than a spawned process.",
        startup_order),
    Finding(
        "memory-per-worker", "memory",
        "Memory each further idle worker added on {gil}: a thread {thread}, a sub-interpreter "
        "{sub}, a forked process {fork}, an interpreter-pool worker {pool}, a spawned process "
        "{spawn}. Threads are the lightest; an interpreter-pool worker used more than a forked "
        "process.",
        memory_per_worker),
    Finding(
        "transfer-cost-grows", "transfer",
        "Handing bytes to a worker and back on {gil} took a thread {thread_small} for {small} "
        "and {thread_large} for {large}; a process (pickled) {pickle_small} and "
        "{pickle_large}. Every way's cost grew with the payload, threads' too.",
        transfer_cost_grows),
    Finding(
        "transfer-small-threads-cheapest", "transfer",
        "For a {small} payload on {gil}, a thread's round trip ({thread}) was the cheapest; a "
        "process took {pickle} and a sub-interpreter {sub}.",
        transfer_small_threads_cheapest),
    Finding(
        "io-waits-overlap", "io",
        "{requests} requests that each wait {latency} took {seq} one after another on {gil}; "
        "with {n} workers, threads took {threads} and asyncio {asyncio}, against an ideal of "
        "{ideal}: the waits overlap on the GIL build.",
        io_waits_overlap),
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
    Finding(
        "extension-reenables-gil", "compat",
        "On {free}, importing a C extension that does not declare free-threading support "
        "turned the GIL back on, with a warning; one that declares `Py_MOD_GIL_NOT_USED` left "
        "it off.",
        extension_reenables_gil),
    Finding(
        "throughput-break-even", "throughput",
        "With warm pools of {n} workers, the task duration (on one core) below which each "
        "strategy's steady-state throughput fell under sequential's: on {gil}, {gil_breaks}; "
        "on {free}, {free_breaks}.",
        throughput_break_even),
    Finding(
        "throughput-steady-speedup", "throughput",
        "Steady-state throughput of warm pools of {n} workers against sequential, with tasks "
        "of {task}: on {gil}, {gil_x}; on {free}, {free_x}.",
        throughput_steady_speedup),
    Finding(
        "throughput-threads-every-build", "throughput",
        "Warm pools of {n} threads against sequential, with tasks of {task}, on every build "
        "measured: {gil_x} with the GIL, none above {bound}; {free_x} without it. Scaled on "
        "this task: {scaled}; slower than sequential: {behind}.",
        throughput_threads_every_build),
    Finding(
        "shared-state-threads", "shared_state",
        "Answering queries against one graph of {graph} on {free} with {n} workers, threads "
        "held {threads_pss} in all (PSS) and gave a first answer after {threads_first}. The "
        "lightest other way, {lightest}, held {lightest_pss} ({mem_x} as much); the quickest "
        "other to a first answer, {quickest}, took {quickest_first} ({first_x} as long).",
        shared_state_threads),
    Finding(
        "service-one-core-ceiling", "service",
        "On every GIL build measured ({gil}), with {conns} connections, the Python work of "
        "asyncio kept at most {asyncio_cores} of a core busy, and that of the threads "
        "{threads_cores}, at every CPU cost per request measured ({costs}): with the GIL "
        "neither model uses a second core for Python code.",
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
        "wrk ran on the same cores as the service and its upstream; at its busiest ({model} on "
        "{variant}, {conns} connections, {work}) it kept {cores} of a core "
        "busy, less than half a core.",
        service_loadgen_share),
    Finding(
        "packages-gil-stays-off", "packages",
        "On {free}, {k} of {n} popular packages with compiled code kept the GIL off after "
        "their import; {back}.",
        packages_keep_gil_off),
    Finding(
        "packages-subinterpreters", "packages",
        "On {gil}, {k} of {n} popular packages with compiled code imported in an isolated "
        "sub-interpreter; refused: {refused}.",
        packages_in_subinterpreters),
    *ftscaling.findings(),
    *findings_prose.findings(),
    *__import__("inparallel.analysis.surprises", fromlist=["findings"]).findings(),
    *__import__("inparallel.analysis.surprises_free_threaded", fromlist=["findings"]).findings(),
)


def finding(name: str) -> Finding:
    """The finding called ``name``."""
    for each in FINDINGS:
        if each.name == name:
            return each
    raise KeyError(name)
