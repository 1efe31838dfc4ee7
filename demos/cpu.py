"""CPU-bound scaling: N units of work on N workers, under every strategy side by side.

Each worker does one fixed unit of work (numeric: count primes by trial division; objects:
build strings and tally words in dicts), so N workers do N units. The sequential row does
the same N units one after the other. Throughput speedup at N workers is therefore
N * t(sequential, 1) / t(strategy, N): 2.0 means two units in the time of one.

Every time includes starting and stopping the workers, as a one-shot script pays it;
startup.py measures that cost alone. Every answer is checked against the sequential one.

    python3.14t demos/cpu.py --workers 1,2
"""

import harness
import strategies
from workloads import count_primes, word_stats

WORKLOADS = {"numeric": count_primes, "objects": word_stats}
# One unit takes about 0.15-0.2 s on one core of the 2-core machine with 3.14 (0.3 s on 3.13t).
SIZES = {"full": {"numeric": 110_000, "objects": 50_000},
         "quick": {"numeric": 3_000, "objects": 1_000}}


def measure(workload, strategy, workers, size, expected, repeats):
    """One row: ``workers`` units of ``workload`` under ``strategy``, or why it could not."""
    fn = WORKLOADS[workload]
    params = {"size": size, "units": workers, **strategies.params(strategy)}
    reason = strategies.availability(strategy)
    if reason:
        return harness.unavailable(workload, strategy, workers, reason, params)
    try:
        answers, times = harness.timed(
            lambda: strategies.run(strategy, workers, fn, size), repeats)
    except Exception as error:  # a crashed worker is a result too; the demo goes on
        return harness.row(workload, strategy, workers, [], params=params,
                           error=harness.failure(error))
    return harness.row(workload, strategy, workers, times, params=params,
                       correct=answers == [expected] * workers)


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv)
    out = harness.Output(args.json)
    for workload, fn in WORKLOADS.items():
        size = args.size[workload]
        expected = fn(size)  # the sequential answer that every strategy must reproduce
        for strategy in strategies.STRATEGIES:
            for workers in args.workers:
                out.emit(measure(workload, strategy, workers, size, expected, args.repeats))
    out.finish()


if __name__ == "__main__":
    main()
