"""Free-threading pitfalls: threads that all touch one shared object, and the fix.

The same total work is split over the threads, so with real parallelism the time falls as
threads are added. Without the GIL, threads that all update one dict, list or counter queue
on its lock, and threads that all use one object fight over its reference count (every
read from a thread that did not create it is an atomic update on one cache line). The fix
is the same every time: work on something of your own and merge once at the end.

    python3.14t demos/contention.py --workers 1,2
"""

import threading

import harness

# Operations in total, split over the threads.
SIZES = {"full": 400_000, "stage": 200_000, "quick": 20_000}


def run_threads(work, workers):
    """Run ``work(t)`` in ``workers`` threads, t = 0 .. workers-1; return what each returned."""
    results = [None] * workers

    def target(t):
        results[t] = work(t)

    threads = [threading.Thread(target=target, args=(t,)) for t in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# Every pair below computes the same answer: first the pitfall, then the fix.

def dict_shared(ops, workers):
    totals = dict.fromkeys(range(workers), 0)

    def work(t):
        for i in range(t, ops, workers):
            totals[t] += i  # its own key, but one dict: every write takes the dict's lock

    run_threads(work, workers)
    return sum(totals.values())


def dict_local(ops, workers):
    totals = {}

    def work(t):
        mine = {t: 0}
        for i in range(t, ops, workers):
            mine[t] += i  # the same update, in a dict no other thread touches
        totals.update(mine)  # one write to the shared dict per thread, at the end

    run_threads(work, workers)
    return sum(totals.values())


def list_shared(ops, workers):
    shared = []

    def work(t):
        for i in range(t, ops, workers):
            shared.append(i)

    run_threads(work, workers)
    return sum(shared)


def list_local(ops, workers):
    def work(t):
        mine = []
        for i in range(t, ops, workers):
            mine.append(i)  # the same appends, to a list no other thread touches
        return mine

    merged = []
    for part in run_threads(work, workers):
        merged.extend(part)
    return sum(merged)


def counter_shared(ops, workers):
    lock, total = threading.Lock(), [0]

    def work(t):
        for i in range(t, ops, workers):
            with lock:  # correct on every build, but the threads take turns
                total[0] += i

    run_threads(work, workers)
    return total[0]


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


class Scaler:
    """A tiny object with a method, like a config or a client that a program shares."""

    def __init__(self, factor):
        self.factor = factor

    def scale(self, x):
        return x * self.factor


def refcount_shared(ops, workers):
    scaler = Scaler(1)  # created here, so every worker thread is a non-owner

    def work(t):
        return sum(scaler.scale(i) for i in range(t, ops, workers))

    return sum(run_threads(work, workers))


def refcount_local(ops, workers):
    scaler = Scaler(1)

    def work(t):
        # Made by this thread, so its reference count is this thread's own. (Not with
        # copy.copy: that fills a __dict__ and loses the fast inline-attribute path.)
        mine = Scaler(scaler.factor)
        return sum(mine.scale(i) for i in range(t, ops, workers))

    return sum(run_threads(work, workers))


WORKLOADS = {
    "dict": (dict_shared, dict_local),
    "list": (list_shared, list_local),
    "counter": (counter_shared, counter_local),
    "refcount": (refcount_shared, refcount_local),
}


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, time_cap=1.0)
    out = harness.Output(args.json)
    expected = sum(range(args.size))  # every workload adds up 0 .. ops-1
    for workload, (shared, local) in WORKLOADS.items():
        for workers in args.workers:
            params = {"ops": args.size, "ops_per_thread": args.size // workers}
            # The pitfall and its fix take turns, so that drift hits both alike.
            timings = harness.compare(
                {"threads-shared": lambda f=shared, w=workers: f(args.size, w),
                 "threads-local": lambda f=local, w=workers: f(args.size, w)}, args)
            for strategy, timing in timings.items():
                out.emit(harness.measured_row(workload, strategy, workers, timing,
                                              lambda answer: answer == expected, params))
    out.finish()


if __name__ == "__main__":
    main()
