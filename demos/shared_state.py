"""Large shared state: N workers answer queries against one big read-only graph.

The graph (a dict of tuples of ints, millions of Python objects) is built once in the
parent. Threads read the parent's graph (in parallel on a free-threaded build); forked
processes inherit it copy-on-write, until reference counts written on its pages copy
them; spawned and forkserver processes and sub-interpreters rebuild it (``-rebuild``),
receive it pickled (``-pickle``), or map one packed copy in shared memory (``-packed``).

Each value comes from a fresh copy of this program (``--probe``) that builds the graph,
then times its strategy from the start to the first answer (``first-answer``) and to the
last of the fixed number of queries (``queries``), and reads PSS (/proc/PID/smaps_rollup)
of itself and all its descendants while every worker still holds its state: ``pss`` is
that total, ``pss-growth`` what it added to the parent with its graph. Every strategy's
answers must match the sequential ones. Linux only.

    python3.14t demos/shared_state.py --workers 2
"""

import argparse
import contextlib
import gc
import json
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import choices
import failures
import graph_state
import harness
import placement
import strategies
import timer
from memory import tree_memory

STRATEGIES = ("sequential", "threads", "processes-fork", "processes-forkserver-rebuild",
              "processes-spawn-rebuild", "processes-spawn-pickle", "processes-spawn-packed",
              "subinterpreters-rebuild", "subinterpreters-packed")
SIZES = {"full": {"nodes": 400_000, "degree": 8, "queries_per_worker": 30_000},
         "stage": {"nodes": 150_000, "degree": 8, "queries_per_worker": 20_000},
         "quick": {"nodes": 2_000, "degree": 4, "queries_per_worker": 300}}
# Fresh processes per value; six is the fewest whose (min, max) covers the median at 95%.
REPEATS = {"full": 6, "stage": 1, "quick": 1}
MEMORY_LIMIT = 4 * 1024**3  # the whole demo stays under this; more copies are refused
WORKLOADS = ("first-answer", "queries", "pss", "pss-growth")
UNITS = {"first-answer": "s", "queries": "s", "pss": "bytes", "pss-growth": "bytes"}
# Before each probe the parent reads the machine's speed for about 5% of this many seconds
# (timer.Speed: 15 or so one-millisecond readings): enough for a spread per strategy.
PROBE_READINGS_S = 0.3


def copies(strategy, workers):
    """How many full graphs a strategy holds at once: the parent's plus one per worker."""
    return 1 + workers if strategy.endswith(("-rebuild", "-pickle")) else 1


def availability(strategy, workers, graph_bytes):
    """Why ``strategy`` cannot run here with ``workers`` workers, or None."""
    if strategy not in STRATEGIES:
        return f"unknown strategy {strategy!r}"
    if strategy.startswith("subinterpreters") and strategies.MISSING:
        return strategies.MISSING
    if strategy.startswith("processes-"):
        method = strategy.split("-")[1]
        if method not in multiprocessing.get_all_start_methods():
            return f"the {method!r} start method is not available on {sys.platform}"
    need = copies(strategy, workers) * graph_bytes
    if need > MEMORY_LIMIT:
        return (f"{copies(strategy, workers)} copies of the graph need about {need >> 20} MiB, "
                f"over this demo's {MEMORY_LIMIT >> 20} MiB limit")
    return None


# --- One strategy, in a probe process that holds the graph ---

class Run:
    """What one strategy gave: times from its start, answers, and the memory it held."""

    def __init__(self):
        self.begin = time.perf_counter()
        self.first_s = None
        self.lock = threading.Lock()
        self.pss = None

    def answered(self):
        with self.lock:
            if self.first_s is None:
                self.first_s = time.perf_counter() - self.begin


def run_sequential(workers, size, run):
    """The baseline: every worker's queries, one after the other, in this thread."""
    nodes, total = size["nodes"], size["queries_per_worker"] * workers
    first = graph_state.answer(0, 1, nodes)
    run.answered()
    rest = graph_state.answer(1, total - 1, nodes)
    run.pss = tree_memory()
    return [first, rest]


def _here(fn, *args):
    """A call in this interpreter (threads), shaped like a sub-interpreter's ``call``."""
    return fn(*args)


def run_in_threads(strategy, workers, size, run, path):
    """Threads read the parent's graph; sub-interpreters (one per thread) get their own."""
    nodes, degree, per = size["nodes"], size["degree"], size["queries_per_worker"]
    answered = threading.Barrier(workers + 1)  # all answered: the parent reads PSS now
    measured = threading.Event()
    results, errors = [None] * workers, []

    def worker(index):
        interp = None
        try:
            call = _here
            if strategy != "threads":
                interp = strategies.create_interpreter()
                call = interp.call
                if strategy.endswith("-rebuild"):
                    call(graph_state.rebuild, nodes, degree)
                else:
                    call(graph_state.attach, path, degree)
            start = index * per
            first = call(graph_state.answer, start, 1, nodes)
            run.answered()
            results[index] = [first, call(graph_state.answer, start + 1, per - 1, nodes)]
        except Exception as error:
            errors.append(failures.failure(error))
        finally:
            with contextlib.suppress(threading.BrokenBarrierError):
                answered.wait()
            measured.wait()
            if interp is not None:
                if strategy.endswith("-packed"):
                    interp.call(graph_state.detach)
                interp.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    answered.wait()
    run.pss = tree_memory()
    measured.set()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return [answer for pair in results for answer in pair]


def run_in_processes(strategy, workers, size, run, path, graph):
    """A process pool whose workers get the graph by fork, rebuild, pickle or mapping."""
    nodes, degree, per = size["nodes"], size["degree"], size["queries_per_worker"]
    method, way = [*strategy.split("-"), "fork"][1:3]
    initializer, initargs = {
        "fork": (None, ()),
        "rebuild": (graph_state.rebuild, (nodes, degree)),
        "pickle": (graph_state.install, (graph,)),
        "packed": (graph_state.attach, (path, degree)),
    }[way]
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer,
                             initargs=initargs) as pool:
        firsts = [pool.submit(graph_state.answer, i * per, 1, nodes) for i in range(workers)]
        wait(firsts, return_when=FIRST_COMPLETED)
        run.answered()
        rests = [pool.submit(graph_state.answer, i * per + 1, per - 1, nodes)
                 for i in range(workers)]
        answers = [future.result() for future in firsts + rests]
        run.pss = tree_memory()
    return answers


def probe(strategy, workers, size):
    """In a fresh process: build the graph, run ``strategy``, report times and memory."""
    gc.collect()
    empty = tree_memory()
    graph = graph_state.build(size["nodes"], size["degree"])
    graph_state.install(graph)  # threads and forked workers answer from this one
    gc.collect()
    gc.freeze()  # a forked child's collections must not write to the graph's pages
    baseline = tree_memory()
    run, path = Run(), None
    try:
        if strategy.endswith("-packed"):
            path = graph_state.pack(graph, size["nodes"], size["degree"])
        if strategy == "sequential":
            answers = run_sequential(workers, size, run)
        elif strategy.startswith("processes-"):
            answers = run_in_processes(strategy, workers, size, run, path, graph)
        else:
            answers = run_in_threads(strategy, workers, size, run, path)
        total_s = time.perf_counter() - run.begin
    finally:
        if path:
            os.unlink(path)
    return {"first_s": run.first_s, "total_s": total_s, "pss": run.pss,
            "growth": max(0, run.pss - baseline), "graph_bytes": max(0, baseline - empty),
            "checksum": sum(s for s, _ in answers), "count": sum(n for _, n in answers)}


# --- The parent: one fresh probe per value ---

def run_probe(strategy, workers, args):
    """One probe: its JSON result, or raises RuntimeError with its last error line."""
    command = [sys.executable, os.path.abspath(__file__), "--probe", strategy,
               "--workers", str(workers), *([f"--{args.mode}"] if args.mode != "full" else []),
               *(["--nodes", str(args.nodes)] if args.nodes else [])]
    answer, crashed = failures.answer_of(command, None)
    if crashed or answer is None:
        raise RuntimeError(f"probe {crashed or 'gave no answer'}")
    return answer


def rows(strategy, workers, results, expected, params, speed):
    """The four rows of one strategy from its probes' results, its timings with the swing of
    the machine's speed read around its probes (``noise_spread``)."""
    correct = all(r["checksum"] == expected[0] and r["count"] == expected[1] for r in results)
    values = {"first-answer": [r["first_s"] for r in results],
              "queries": [r["total_s"] for r in results],
              "pss": [r["pss"] for r in results], "pss-growth": [r["growth"] for r in results]}
    found = [harness.row(workload, strategy, workers, values[workload], unit=UNITS[workload],
                         correct=correct, params=params)
             for workload in WORKLOADS]
    spread = speed.spread()
    for row in found:
        if spread is not None and row["unit"] in harness.INTERVAL_UNITS:
            row["noise_spread"] = spread
    return found



def measure(workers, args):
    """Every chosen strategy at ``workers`` workers, from fresh probes: rows, in their order.

    The probes go round by round, the strategies in alternating order, so that a slow minute
    of the machine spreads over every strategy's values instead of deciding one's.
    """
    size = args.size
    # The sequential run answers all the queries the workers share: its answers are the
    # ones every strategy must give, and its graph's size decides how many copies fit.
    reference = run_probe("sequential", workers, args)
    expected = (reference["checksum"], reference["count"])
    plans, results, errors = {}, {}, {}
    for strategy in args.strategies:
        count = 1 if strategy == "sequential" else workers
        params = {**size, "queries": size["queries_per_worker"] * workers, "metric": "PSS",
                  "graph_bytes": reference["graph_bytes"]}
        plans[strategy] = (count, params, availability(strategy, count, reference["graph_bytes"]))
        if plans[strategy][2] is None:
            results[strategy] = [reference] if strategy == "sequential" else []
    # The machine's speed, read just before each probe (as timer.compare reads it before each
    # value): a probe's times are not corrected by it, but its swing classes the run.
    speeds = {strategy: timer.Speed() for strategy in results}
    for number in range(args.repeats):
        for strategy in list(results) if number % 2 == 0 else reversed(list(results)):
            if strategy in errors or len(results[strategy]) > number:
                continue
            speeds[strategy].read(before=PROBE_READINGS_S)
            try:
                results[strategy].append(run_probe(strategy, workers, args))
            except RuntimeError as error:
                errors[strategy] = str(error)
    for strategy, (count, params, reason) in plans.items():
        if reason:
            yield from (harness.unavailable(w, strategy, count, reason, params, unit=UNITS[w])
                        for w in WORKLOADS)
        elif strategy in errors:
            yield from (harness.row(w, strategy, count, [], unit=UNITS[w], params=params,
                                    error=errors[strategy]) for w in WORKLOADS)
        else:
            yield from rows(strategy, count, results[strategy], expected, params,
                            speeds[strategy])


def main(argv=None):
    options = [
        (("--probe",), {"metavar": "STRATEGY", "help": argparse.SUPPRESS}),
        (("--strategies",), {"type": choices.subset(STRATEGIES), "default": list(STRATEGIES),
                             "help": "comma-separated strategies (default: all)"}),
        (("--nodes",), {"type": harness.bounded(64, 20_000_000), "default": None,
                        "help": "nodes in the graph (default: the size's own)"}),
    ]
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, extra=options,
                              default_workers=[placement.cores()])
    if args.nodes:
        args.size = {**args.size, "nodes": args.nodes}
    if args.probe:
        strategy = choices.subset(STRATEGIES)(args.probe)[0]
        print(json.dumps(probe(strategy, args.workers[0], args.size)))
        return
    if not args.repeats_given:
        args.repeats = REPEATS[args.mode]
    out = harness.Output(args.json)
    for workers in args.workers:
        for result in measure(workers, args):
            out.emit(result)
    out.finish()

if __name__ == "__main__":
    main()
