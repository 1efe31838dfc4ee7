"""Start-up cost: start a worker, run a trivial task on it and stop it, per strategy.

Three rows per strategy, all with one worker and a task that does nothing:
- first: the very first start in this process (one sample). The forkserver starts its
  server then, and every kind of worker imports its modules for the first time.
- start: start, trivial task, stop, repeated: what each further worker costs.
- round-trip: a trivial task sent to a worker that is already running and its answer
  back, the steady state of a pool (each value is the mean of several calls).
--workers is ignored: the cost is per worker.

    python3.14 demos/startup.py
"""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

import harness
import strategies
from workloads import noop

STRATEGIES = [s for s in strategies.STRATEGIES if s != "sequential"]  # those with workers
SIZES = {"full": 50, "quick": 3}  # trivial calls per round-trip value


@contextmanager
def running_worker(strategy):
    """One started worker of ``strategy``; yields a function that runs a task on it."""
    if strategy == "subinterpreters":
        interp = strategies.create_interpreter()
        try:
            interp.call(noop)  # its first call imports the workloads there, like a pool's
            yield interp.call
        finally:
            interp.close()
        return
    if strategy == "threads":
        pool = ThreadPoolExecutor(max_workers=1)
    elif strategy == "subinterpreters-pool":
        pool = strategies.interpreter_pool(1)
    else:
        method = strategy.removeprefix("processes-")
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method))
    with pool:
        pool.submit(noop).result()  # pools start their workers on the first task
        yield lambda fn, *args: pool.submit(fn, *args).result()


def round_trips(strategy, repeats, calls):
    """Seconds per trivial task on one running worker: ``repeats`` means of ``calls`` tasks."""
    values = []
    with running_worker(strategy) as call:
        for _ in range(repeats):
            start = time.perf_counter()
            answers = [call(noop) for _ in range(calls)]
            values.append((time.perf_counter() - start) / calls)
    return answers == [None] * calls, values


def measure(strategy, repeats, calls):
    """The first, start and round-trip rows of one strategy (or why it cannot run)."""
    params = strategies.params(strategy)
    reason = strategies.availability(strategy)
    if reason:
        return [harness.unavailable(name, strategy, 1, reason, params)
                for name in ("first", "start", "round-trip")]
    rows = []
    try:
        start = time.perf_counter()
        answer = strategies.run(strategy, 1, noop)
        rows.append(harness.row("first", strategy, 1, [time.perf_counter() - start],
                                params=params, correct=answer == [None]))
        answer, times = harness.timed(lambda: strategies.run(strategy, 1, noop), repeats,
                                      warmup=0)
        rows.append(harness.row("start", strategy, 1, times, params=params,
                                correct=answer == [None]))
        correct, times = round_trips(strategy, repeats, calls)
        rows.append(harness.row("round-trip", strategy, 1, times, correct=correct,
                                params={**params, "calls_per_value": calls}))
    except Exception as error:  # report the failing step; the other strategies go on
        done = {r["workload"] for r in rows}
        rows += [harness.row(name, strategy, 1, [], params=params, error=harness.failure(error))
                 for name in ("first", "start", "round-trip") if name not in done]
    return rows


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv)
    out = harness.Output(args.json)
    for strategy in STRATEGIES:
        for result in measure(strategy, args.repeats, args.size):
            out.emit(result)
    out.finish()


if __name__ == "__main__":
    main()
