"""Throughput with warm pools: a stream of equal tasks, 0.1 ms to 100 ms each, per strategy.

Each pool is started once; then it runs streams of tasks of one fixed size (``spin(n)``,
pure-Python arithmetic), and a stream's time gives the steady-state tasks per second.
Every worker gets the same work per stream, so N workers run N times the tasks of the
sequential stream. Small tasks show where the per-task overhead (pickling, queueing,
waking a worker) takes over from the work. Start-up is measured apart, on fresh pools:
``startup`` is creating a pool until each worker has answered one tiny task, and
``first-result`` until the first task of the smallest size has come back. Every
answer is checked.

    python3.14t demos/throughput.py --workers 2
"""

import time
import warnings

import choices
import harness
import placement
import timer
import warm_pools
from workloads import spin

# Rounds of spin() per task: from about 0.1 ms to 100 ms on one core of the 2-core machine.
SIZES = {"full": {"tasks": [1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000],
                  "per_worker": 1_000_000},
         "stage": {"tasks": [1_000, 10_000, 100_000], "per_worker": 500_000},
         "quick": {"tasks": [300, 3_000], "per_worker": 12_000}}
COLD_REPEATS = {"full": 5, "stage": 3, "quick": 2}
# Processes first: a pool that forks must do so before this process has threads or
# sub-interpreters (a fork then can deadlock, or crash the child).
ORDER = ("processes-fork", "processes-forkserver", "processes-spawn", "sequential", "threads",
         "subinterpreters-pool", "subinterpreters-queue")


def stream_length(n, per_worker, workers):
    """Tasks in one stream: ``per_worker`` rounds of work per worker, at least 2 tasks each."""
    return workers * max(2, per_worker // n)


def cold(strategy, workers, smallest, repeats):
    """Seconds from creating a pool to (every worker up, the first small answer)."""
    startup, first, correct = [], [], True
    for _ in range(repeats):
        begin = time.perf_counter()
        pool = warm_pools.create(strategy, workers)
        try:
            pool.start()
            startup.append(time.perf_counter() - begin)
        finally:
            pool.close()
        begin = time.perf_counter()
        pool = warm_pools.create(strategy, workers)
        try:
            pool.launch()
            answer = pool.map(smallest, 1)
            first.append(time.perf_counter() - begin)
        finally:
            pool.close()
        correct = correct and answer == [spin(smallest)]
    return startup, first, correct


def measure(workers, args, out):
    """Every strategy's start-up and streams at ``workers`` workers; rows emitted as taken."""
    sizes, per_worker = args.size["tasks"], args.size["per_worker"]
    chosen = [s for s in ORDER if s in args.strategies]
    runnable = [s for s in chosen if not warm_pools.availability(s)]
    for strategy in chosen:
        reason = warm_pools.availability(strategy)
        count = 1 if strategy == "sequential" else workers
        if reason:
            for workload in ("startup", "first-result", "stream"):
                out.emit(harness.unavailable(workload, strategy, count, reason,
                                             warm_pools.params(strategy)))
            continue
        if strategy == "sequential":
            continue
        startup, first, correct = cold(strategy, workers, sizes[0], COLD_REPEATS[args.mode])
        for workload, values in (("startup", startup), ("first-result", first)):
            out.emit(harness.row(workload, strategy, workers, values, correct=correct,
                                 params={"size": sizes[0], **warm_pools.params(strategy)}))
    pools = {}
    try:
        for strategy in runnable:  # in ORDER: the forking pool starts first
            pools[strategy] = warm_pools.create(strategy, workers)
            pools[strategy].start()
        for n in sizes:
            expected = spin(n)
            tasks = {s: stream_length(n, per_worker, 1 if s == "sequential" else workers)
                     for s in runnable}
            candidates = {s: (lambda s=s, n=n, count=tasks[s]: pools[s].map(n, count))
                          for s in runnable}
            # Each pool's stream is timed back to back with the sequential one: its speedup
            # is the median ratio of those pairs.
            paired = "sequential" if "sequential" in candidates else None
            for strategy, timing in timer.compare(candidates, args,
                                                    paired_with=paired).items():
                count = tasks[strategy]
                out.emit(harness.measured_row(
                    "stream", strategy, 1 if strategy == "sequential" else workers, timing,
                    lambda answers, count=count, want=expected: answers == [want] * count,
                    {"size": n, "tasks": count, **warm_pools.params(strategy)}))
    finally:
        for pool in reversed(pools.values()):
            pool.close()


def main(argv=None):
    options = [
        (("--strategies",), {"type": choices.subset(warm_pools.STRATEGIES),
                             "default": list(warm_pools.STRATEGIES),
                             "help": "comma-separated strategies (default: all)"}),
        (("--task-sizes",), {"type": choices.numbers(10, 100_000_000), "default": None,
                             "help": "rounds of work per task, e.g. 1000,100000 "
                                     "(default: the size's own)"}),
    ]
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, extra=options,
                              default_workers=[placement.cores()], time_cap=1.5)
    if args.task_sizes:
        args.size = {**args.size, "tasks": args.task_sizes}
    # The thread pools of one worker count are shut down before the next count forks; a
    # warning about forking with threads would only be noise.
    warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*fork")
    out = harness.Output(args.json)
    for workers in args.workers:
        measure(workers, args, out)
    out.finish()


if __name__ == "__main__":
    main()
