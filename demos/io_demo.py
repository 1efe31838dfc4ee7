"""I/O-bound work: K requests to a local server with a fixed latency, C of them in flight.

Waiting on a socket releases the GIL, so threads overlap their waits on a GIL build just as
well as on a free-threaded one; asyncio overlaps them in one thread. The ideal time is about
K / C x latency whatever the strategy: for I/O the GIL is not the bottleneck.

    python3.14 demos/io_demo.py --workers 1,4,16

(The file is not called io.py: with demos/ on sys.path that would shadow the standard
library's io module; `invoke demo io` runs it.)
"""

import asyncio
import contextlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import harness
import strategies
import timer
from loopback import Server, fetch, fetch_async

SIZES = {"full": 24, "stage": 16, "quick": 8}  # requests per measurement
WORKERS = (4, 16)  # requests in flight; more than cores on purpose: they wait, not compute
EXTRA = [(("--latency-ms",), {"type": harness.bounded(0, 10_000, float), "default": 20.0,
                              "help": "the server's delay per request (default 20)"})]


def sequential(port, requests, _workers):
    """One request after the other: the baseline, K x latency."""
    return [fetch(port, n) for n in range(requests)]


def pooled(pool):
    """Threads, processes and sub-interpreters: the same map, only the executor differs."""
    def run(port, requests, _workers):
        return list(pool.map(fetch, [port] * requests, range(requests)))
    return run


# The site shows the lines between these markers on the asyncio page.
# --8<-- [start:asyncio]
def with_asyncio(port, requests, workers):
    """One thread, one event loop; a semaphore keeps ``workers`` requests in flight."""
    async def all_requests():
        limit = asyncio.Semaphore(workers)

        async def one(n):
            async with limit:
                return await fetch_async(port, n)

        return await asyncio.gather(*(one(n) for n in range(requests)))

    return asyncio.run(all_requests())
# --8<-- [end:asyncio]


def start_pool(strategy, workers, requests):
    """The executor behind a pooled strategy. It stays up across the repeats, so that only
    the requests are timed (the startup demo measures what starting workers costs)."""
    if strategy == "threads":
        return ThreadPoolExecutor(workers)
    if strategy == "subinterpreters-pool":
        from concurrent.futures import InterpreterPoolExecutor  # 3.14+
        return InterpreterPoolExecutor(workers)
    # The version's default start method; a pool larger than the work only costs start-up.
    return ProcessPoolExecutor(min(workers, requests))


def params(args, strategy, workers):
    found = {"requests": args.size, "latency_ms": args.latency_ms,
             "ideal_s": round(-(-args.size // workers) * args.latency_ms / 1000, 4)}
    if strategy.startswith("processes-"):
        found.update(strategies.params(strategy))
    return found


def measure(out, args, port, workers, runnable):
    """Time the strategies of one worker count in turns; emit one row each."""
    timings = timer.compare(
        {s: lambda fn=fn: fn(port, args.size, workers) for s, fn in runnable.items()}, args)
    for strategy, timing in timings.items():
        out.emit(harness.measured_row(
            "requests", strategy, workers, timing,
            lambda answers: list(answers) == [n * n for n in range(args.size)],
            params(args, strategy, workers)))


def main(argv=None):
    # Waits, not work: their time does not follow the CPU's speed, so no speed correction.
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, EXTRA, WORKERS,
                              time_cap=1.0, reference=False)
    out = harness.Output(args.json)
    processes = "processes-" + multiprocessing.get_start_method()
    with Server(args.latency_ms / 1000) as port:
        measure(out, args, port, 1, {"sequential": sequential})
        for workers in args.workers:
            starters = {}
            for strategy in (processes, "threads", "subinterpreters-pool"):
                reason = strategies.availability(strategy)
                if reason:
                    out.emit(harness.unavailable("requests", strategy, workers, reason))
                else:
                    starters[strategy] = lambda s=strategy, n=workers: start_pool(s, n, args.size)
            with contextlib.ExitStack() as stack:
                pools, failed = strategies.start_each(stack, starters)  # e.g. no processes here
                for strategy, error in failed.items():
                    out.emit(harness.row("requests", strategy, workers, [], error=error))
                runnable = {"asyncio": with_asyncio,
                            **{s: pooled(pool) for s, pool in pools.items()}}
                measure(out, args, port, workers, runnable)
    out.finish()


if __name__ == "__main__":
    main()
