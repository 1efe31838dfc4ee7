"""Start-up cost: start a worker, run a trivial task on it and stop it, per strategy.

Three rows per strategy, all with one worker and a task that does nothing:
- first: the very first start in this process (one sample). The forkserver starts its
  server then, and every kind of worker imports its modules for the first time.
- start: start, trivial task, stop, repeated: what each further worker costs.
- round-trip: a trivial task sent to a worker that is already running and its answer
  back, the steady state of a pool (each value is the mean of several calls).
--workers is ignored: the cost is per worker. The demo runs on one CPU as a batch job
(``cpus`` 1 and ``scheduler`` "batch" in a row's params; see placement.beside_its_caller),
so that a worker always starts beside its caller and the scheduler's wake-up choices do not
decide the time.

    python3.14 demos/startup.py
"""

import contextlib
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

import failures
import harness
import placement
import strategies
import timer
from workloads import noop

STRATEGIES = [s for s in strategies.STRATEGIES if s != "sequential"]  # those with workers
SIZES = {"full": 50, "stage": 20, "quick": 3}  # trivial calls per round-trip value


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


def first_start(strategy):
    """The very first start of ``strategy`` in this process: one value, and its answer."""
    start = time.perf_counter()
    answer = strategies.run(strategy, 1, noop)
    return time.perf_counter() - start, answer == [None]


def round_trips(call, calls):
    """``calls`` trivial tasks, one after the other, on a running worker."""
    return [call(noop) for _ in range(calls)]


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, time_cap=1.5)
    placed = placement.beside_its_caller()
    out = harness.Output(args.json)
    params = {s: {**strategies.params(s), **placed} for s in STRATEGIES}
    runnable = [s for s in STRATEGIES if strategies.availability(s) is None]
    for strategy in STRATEGIES:
        if strategy not in runnable:
            for name in ("first", "start", "round-trip"):
                out.emit(harness.unavailable(name, strategy, 1, strategies.availability(strategy),
                                             params[strategy]))
    for strategy in runnable:
        try:
            seconds, correct = first_start(strategy)
        except Exception as error:
            out.emit(harness.row("first", strategy, 1, [], params=params[strategy],
                                 error=failures.failure(error)))
            continue
        out.emit(harness.row("first", strategy, 1, [seconds], params=params[strategy],
                             correct=correct, converged=False))
    # Start-up, and then round trips on workers that all run at once, taken in turns.
    starts = timer.compare({s: lambda s=s: strategies.run(s, 1, noop) for s in runnable},
                             args, warmup=0)
    for strategy, timing in starts.items():
        out.emit(harness.measured_row("start", strategy, 1, timing,
                                      lambda answer: answer == [None], params[strategy]))
    with contextlib.ExitStack() as stack:
        calls, failed = strategies.start_each(
            stack, {s: lambda s=s: running_worker(s) for s in runnable})
        # Each value is the mean of several calls: one call is too short to time alone.
        trips = timer.compare({s: lambda c=c: round_trips(c, args.size)
                                 for s, c in calls.items()}, args, warmup=0, per=args.size)
    for strategy in runnable:
        trip_params = {**params[strategy], "calls_per_value": args.size}
        if strategy in failed:
            out.emit(harness.row("round-trip", strategy, 1, [], params=trip_params,
                                 error=failed[strategy]))
            continue
        out.emit(harness.measured_row("round-trip", strategy, 1, trips[strategy],
                                      lambda answers: answers == [None] * args.size,
                                      trip_params))
    out.finish()


if __name__ == "__main__":
    main()
