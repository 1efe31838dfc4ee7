"""The headline demo: CPU-bound pure-Python threads, GIL build vs free-threaded build.

Every thread counts the primes below the same limit, so doubling the threads doubles the
work: with real parallelism the wall time stays flat and throughput grows with the threads.

    python3.14  demos/nogil.py --workers 1,2,4
    python3.14t demos/nogil.py --workers 1,2,4
"""

import threading

import harness
import timer
from workloads import count_primes

SIZES = {"full": 200_000, "stage": 100_000, "quick": 5_000}
EXPECTED = {200_000: 17984, 100_000: 9592, 5_000: 669}  # pi(n): the number of primes below n


# The site shows the lines between these markers on the free-threading page.
# --8<-- [start:free-threading]
def run_threads(workers, limit):
    """Start ``workers`` threads that each do the same work; return their answers."""
    answers = [None] * workers

    def work(i):
        answers[i] = count_primes(limit)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers
# --8<-- [end:free-threading]


def main(argv=None):
    # 12 s: the one-thread values scatter most (about +-10% here, two GIL threads +-2%), and
    # about 20 pairs bring the median ratio within its target where 12 did not.
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, time_cap=12.0)
    out = harness.Output(args.json)
    # The speedup compares thread counts: each is timed back to back with one thread, in
    # turns, and the ratio of each pair is what the speedup is made of.
    counts = sorted({1, *args.workers})
    timings = timer.compare(
        {n: lambda n=n: run_threads(n, args.size) for n in counts}, args, paired_with=1)
    for workers, timing in timings.items():
        if workers not in args.workers:
            continue  # one thread ran as the others' partner only
        out.emit(harness.measured_row(
            "numeric", "threads", workers, timing,
            lambda answers, n=workers: answers == [EXPECTED[args.size]] * n,
            params={"limit": args.size, "work_per_thread": args.size}))
    out.finish()


if __name__ == "__main__":
    main()
