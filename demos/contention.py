"""Free-threading pitfalls: threads that all touch one shared object, and the fix.

The same total work is split over the threads, so with real parallelism the time falls as
threads are added. Without the GIL, threads that all update one dict, list or counter queue
on its lock, and threads that all use one object fight over its reference count (every
use from a thread that did not create it is an atomic update of one shared count). The fix
is the same every time: work on something of your own and merge once at the end.

Each pair below computes the same answer, first the pitfall, then the fix; the
``--8<--`` markers let the site show the two side by side.

    python3.14t demos/contention.py --workers 1,2
"""

import sys
import threading

import harness
import placement
import timer

# Operations in total, split over the threads. Full size: about 50 ms or more per timing on
# one core, long enough that starting the threads is lost in the noise, short enough that
# the adaptive rule gets a dozen values of the slowest pair within its time cap.
SIZES = {"full": 1_000_000, "stage": 200_000, "quick": 20_000}
TIME_CAP_S = 1.5  # per point in a full run
STAGE_TIME_CAP_S = 0.25  # per point on stage: what the slide's slot was timed with


def run_threads(work, workers):
    """Run ``work(t)`` in ``workers`` threads, t = 0 .. workers-1; return what each returned.

    Each thread takes a CPU of its own (placement.on_own_cpu) and waits at a barrier, so that
    the time is the work running side by side. Started one by one and placed by the
    scheduler, two threads on a 2-CPU machine sometimes ran one after the other, and a
    timing then swung between the parallel and the serial time.
    """
    results = [None] * workers
    start_together = threading.Barrier(workers)

    def target(t):
        placement.on_own_cpu(t)
        start_together.wait()
        results[t] = work(t)

    threads = [threading.Thread(target=target, args=(t,)) for t in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --8<-- [start:dict-shared]
def dict_shared(ops, workers):
    totals = dict.fromkeys(range(workers), 0)

    def work(t):
        for i in range(t, ops, workers):
            totals[t] += i  # its own key, but one dict: every write takes the dict's lock

    run_threads(work, workers)
    return sum(totals.values())
# --8<-- [end:dict-shared]


# --8<-- [start:dict-local]
def dict_local(ops, workers):
    totals = {}

    def work(t):
        mine = {t: 0}
        for i in range(t, ops, workers):
            mine[t] += i  # the same update, in a dict no other thread touches
        totals.update(mine)  # one write to the shared dict per thread, at the end

    run_threads(work, workers)
    return sum(totals.values())
# --8<-- [end:dict-local]


# --8<-- [start:list-shared]
def list_shared(ops, workers):
    shared = []

    def work(t):
        for i in range(t, ops, workers):
            shared.append(i)  # one list: every append takes its lock

    run_threads(work, workers)
    return sum(shared)
# --8<-- [end:list-shared]


# --8<-- [start:list-local]
def list_local(ops, workers):
    def work(t):
        mine = []
        for i in range(t, ops, workers):
            mine.append(i)  # the same appends, to a list no other thread touches
        return mine

    merged = []
    for part in run_threads(work, workers):
        merged.extend(part)  # merged once, after the threads
    return sum(merged)
# --8<-- [end:list-local]


# --8<-- [start:counter-shared]
def counter_shared(ops, workers):
    lock, total = threading.Lock(), [0]

    def work(t):
        for i in range(t, ops, workers):
            with lock:  # correct on every build, but the threads take turns
                total[0] += i

    run_threads(work, workers)
    return total[0]
# --8<-- [end:counter-shared]


# --8<-- [start:counter-local]
def counter_local(ops, workers):
    lock, total = threading.Lock(), [0]

    def work(t):
        mine = 0
        for i in range(t, ops, workers):
            mine += i
        with lock:  # one locked update per thread instead of one per operation
            total[0] += mine

    run_threads(work, workers)
    return total[0]
# --8<-- [end:counter-local]


class Scaler:
    """A tiny object with a method, like a config or a client that a program shares."""

    def __init__(self, factor):
        self.factor = factor

    def scale(self, x):
        return x * self.factor


# Made by the main thread at import, so every worker thread is a non-owner of its count.
SCALER = Scaler(1)


# --8<-- [start:refcount-shared]
def refcount_shared(ops, workers):
    def work(t):
        total = 0
        for i in range(t, ops, workers):
            total += SCALER.scale(i)  # each use: an atomic update of SCALER's one shared count
        return total

    return sum(run_threads(work, workers))
# --8<-- [end:refcount-shared]


# --8<-- [start:refcount-local]
def refcount_local(ops, workers):
    def work(t):
        # Made by this thread, so its reference count is this thread's own (not atomic).
        # (Not copy.copy: that fills a __dict__ and loses the fast inline-attribute path.)
        mine = Scaler(SCALER.factor)
        total = 0
        for i in range(t, ops, workers):
            total += mine.scale(i)
        return total

    return sum(run_threads(work, workers))
# --8<-- [end:refcount-local]


WORKLOADS = {
    "dict": (dict_shared, dict_local),
    "list": (list_shared, list_local),
    "counter": (counter_shared, counter_local),
    "refcount": (refcount_shared, refcount_local),
}


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, time_cap=TIME_CAP_S)
    given = sys.argv[1:] if argv is None else argv
    if args.mode == "stage" and "--time-cap" not in given:
        # The full run's longer cap buys precision; on stage the slide's slot comes first.
        args.time_cap = STAGE_TIME_CAP_S
    out = harness.Output(args.json)
    expected = sum(range(args.size))  # every workload adds up 0 .. ops-1
    for workload, (shared, local) in WORKLOADS.items():
        for workers in args.workers:
            params = {"ops": args.size, "ops_per_thread": args.size // workers}
            # The pitfall and its fix take turns, so that drift hits both alike.
            timings = timer.compare(
                {"threads-shared": lambda f=shared, w=workers: f(args.size, w),
                 "threads-local": lambda f=local, w=workers: f(args.size, w)}, args)
            for strategy, timing in timings.items():
                out.emit(harness.measured_row(workload, strategy, workers, timing,
                                              lambda answer: answer == expected, params))
    out.finish()


if __name__ == "__main__":
    main()
