"""Single-thread cost: each workload once, in the main thread, on this interpreter.

Run it under a GIL build and its free-threaded twin (3.14 and 3.14t), and under the
free-threaded build with PYTHON_GIL=1: the ratio of their times is what free-threading
costs a program that never starts a thread. Each row records the GIL state it ran with.
--workers is ignored: there is one thread by definition.

    python3.14  demos/overhead.py
    python3.14t demos/overhead.py
    PYTHON_GIL=1 python3.14t demos/overhead.py
"""

import os

import harness
import timer
from workloads import count_primes, fib, json_roundtrip, sort_records, word_stats

# What each stresses: arithmetic loops, dicts and strings, calls, a C codec, comparisons.
WORKLOADS = {"numeric": count_primes, "objects": word_stats, "calls": fib,
             "json": json_roundtrip, "sort": sort_records}
# About 0.06-0.1 s each on one core of the 2-core machine with 3.14 (up to twice on 3.13t):
# a dozen values fit in the bench's share of 15 minutes.
SIZES = {"full": {"numeric": 55_000, "objects": 25_000, "calls": 30, "json": 25_000,
                  "sort": 60_000},
         "stage": {"numeric": 30_000, "objects": 12_000, "calls": 27, "json": 12_000,
                   "sort": 30_000},
         "quick": {"numeric": 3_000, "objects": 1_000, "calls": 18, "json": 1_000,
                   "sort": 5_000}}
# The right answers, so that a build computing something else is caught, not timed.
EXPECTED = {
    ("numeric", 55_000): 5590, ("numeric", 3_000): 430,
    ("objects", 25_000): ([("alpha0", 3125), ("alpha1", 9375), ("alpha2", 9375)], 200000),
    ("objects", 1_000): ([("alpha0", 125), ("alpha1", 375), ("alpha2", 375)], 8000),
    ("numeric", 30_000): 3245,
    ("objects", 12_000): ([("alpha0", 1500), ("alpha1", 4500), ("alpha2", 4500)], 96000),
    ("calls", 30): 832040, ("calls", 27): 196418, ("calls", 18): 2584,
    ("json", 12_000): (915340, 71994000),
    ("sort", 30_000): ((0, "name0"), (10006, "name54"), 30000),
    ("json", 25_000): (1935840, 312487500), ("json", 1_000): (72840, 499500),
    ("sort", 60_000): ((0, "name0"), (10006, "name75"), 60000),
    ("sort", 5_000): ((0, "name0"), (10006, "name40"), 5000),
}


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, time_cap=2.0)
    out = harness.Output(args.json)
    for workload, fn in WORKLOADS.items():
        size = args.size[workload]
        timing = timer.timed(lambda fn=fn, size=size: fn(size), args)
        expected = EXPECTED.get((workload, size))
        params = {"size": size, "gil_enabled": harness.gil_enabled(),
                  "free_threaded_build": harness.free_threaded_build(),
                  "PYTHON_GIL": os.environ.get("PYTHON_GIL")}
        out.emit(harness.measured_row(
            workload, "sequential", 1, timing,
            lambda answer, e=expected: None if e is None else answer == e, params))
    out.finish()


if __name__ == "__main__":
    main()
