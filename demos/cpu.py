"""CPU-bound scaling: N units of work on N workers, under every strategy side by side.

Each worker does one fixed unit of work (numeric: count primes by trial division; objects:
build strings and tally words in dicts), so N workers do N units. The sequential row does
the same N units one after the other. Throughput speedup at N workers is therefore
N * t(sequential, 1) / t(strategy, N): 2.0 means two units in the time of one.

Every strategy's workers are started before its timing and kept: a value is the work and
handing it over, as a running service pays it; startup.py measures the start-up alone.
Every answer is checked against the sequential one.

    python3.14t demos/cpu.py --workers 1,2
"""

import contextlib

import harness
import strategies
import timer
from workloads import count_primes, word_stats

WORKLOADS = {"numeric": count_primes, "objects": word_stats}
# One unit takes about 0.04-0.06 s on one core of the 2-core machine with 3.14 (0.1 s on
# 3.13t): short enough that the per-point time cap holds a dozen values or more, whose
# median has a tight interval, and long enough that handing the unit over is a small part.
SIZES = {"full": {"numeric": 55_000, "objects": 25_000},
         "stage": {"numeric": 30_000, "objects": 12_000},
         "quick": {"numeric": 3_000, "objects": 1_000}}


def measure(workload, workers, size, expected, args):
    """One row per strategy: ``workers`` units of ``workload``, their repeats taken in turns."""
    fn = WORKLOADS[workload]
    rows = {}
    with contextlib.ExitStack() as stack:
        available = {}
        for strategy in strategies.STRATEGIES:
            reason = strategies.availability(strategy)
            if reason:
                rows[strategy] = harness.unavailable(workload, strategy, workers, reason,
                                                     params(strategy, size, workers))
            else:
                available[strategy] = lambda s=strategy: strategies.started(s, workers)
        running, failed = strategies.start_each(stack, available)
        for strategy, error in failed.items():
            rows[strategy] = harness.row(workload, strategy, workers, [],
                                         params=params(strategy, size, workers), error=error)
        runnable = {s: lambda run=running[s]: run(fn, size)
                    for s in strategies.STRATEGIES if s in running}
        for strategy, timing in timer.compare(runnable, args).items():
            rows[strategy] = harness.measured_row(
                workload, strategy, workers, timing,
                lambda answers: answers == [expected] * workers, params(strategy, size, workers))
    return [rows[strategy] for strategy in strategies.STRATEGIES]


def params(strategy, size, workers):
    return {"size": size, "units": workers, **strategies.params(strategy)}


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, time_cap=0.8)
    out = harness.Output(args.json)
    for workload, fn in WORKLOADS.items():
        size = args.size[workload]
        expected = fn(size)  # the sequential answer that every strategy must reproduce
        for workers in args.workers:
            for result in measure(workload, workers, size, expected, args):
                out.emit(result)
    out.finish()


if __name__ == "__main__":
    main()
