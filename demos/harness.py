"""What every demo shares: its command line, timing with repeats, and JSON-lines output.

Standard library only, like the demos: each runs as ``python demos/NAME.py`` under any
interpreter from 3.12 on. With ``--json`` a demo prints one JSON object per line: a
``row`` per measurement as soon as it is taken (so a live table can follow along), then
one ``interpreter`` line describing the interpreter *after* the work, GIL state included.
"""

import argparse
import json
import os
import statistics
import sys
import sysconfig
import time


def cores():
    """The CPUs this process may use (affinity), which is what the workers can get."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def worker_counts(limit):
    """1, 2, 4, ... up to ``limit``, with ``limit`` itself last: 1, 2, 4, 6 for 6 cores."""
    counts, n = [], 1
    while n < limit:
        counts.append(n)
        n *= 2
    return [*counts, limit]


def parse_args(description, sizes, argv=None, extra=None, default_workers=None):
    """Common options; ``sizes`` maps 'full' and 'quick' to the demo's workload size.

    ``default_workers`` replaces the 1, 2, 4 ... cores default when ``--workers`` is not
    given: an I/O demo wants more requests in flight than there are cores.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workers", default="",
                        help="comma-separated worker counts (default: 1, 2, 4 ... all cores)")
    parser.add_argument("--max-workers", type=int, default=cores(),
                        help="largest worker count when --workers is not given")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats (default 5)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke test")
    parser.add_argument("--json", action="store_true", help="emit JSON lines for the harness")
    for args, kwargs in (extra or []):
        parser.add_argument(*args, **kwargs)
    ns = parser.parse_args(argv)
    ns.workers = ([int(w) for w in ns.workers.split(",")] if ns.workers
                  else list(default_workers or worker_counts(ns.max_workers)))
    ns.size = sizes["quick" if ns.quick else "full"]
    if ns.repeats is None:
        ns.repeats = 1 if ns.quick else 5
    return ns


def timed(fn, repeats, warmup=1):
    """Run ``fn`` ``warmup`` times untimed, then ``repeats`` times; return (result, seconds)."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def row(workload, strategy, workers, values, unit="s", correct=None, params=None,
        available=True, reason=None, error=None):
    """One measurement in the shape that data/README.md documents."""
    return {
        "workload": workload, "strategy": strategy, "workers": workers,
        "params": params or {}, "unit": unit, "values": values,
        "median": statistics.median(values) if values else None,
        "min": min(values) if values else None, "max": max(values) if values else None,
        "correct": correct, "available": available, "reason": reason, "error": error,
    }


def unavailable(workload, strategy, workers, reason, params=None):
    """A strategy this interpreter cannot run: recorded with its reason, never dropped."""
    return row(workload, strategy, workers, [], params=params, available=False, reason=reason)


def gil_enabled():
    """True unless this is a free-threaded build running with its GIL off right now."""
    return sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True


def free_threaded_build():
    """True for a ``--disable-gil`` build, whatever its GIL state at run time."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def describe():
    """The interpreter, as the harness stores it; call after the work (GIL state can change)."""
    return {
        "type": "interpreter",
        "version": sys.version.split()[0],
        "free_threaded_build": free_threaded_build(),
        "gil_enabled_at_end": gil_enabled(),
        "start_method": None,
    }


class Output:
    """Prints rows as JSON lines (``--json``) or as a readable line per measurement."""

    def __init__(self, as_json):
        self.as_json = as_json

    def emit(self, record):
        """Print one row now, so a harness reading the pipe sees progress as it happens."""
        if self.as_json:
            print(json.dumps({"type": "row", **record}), flush=True)
            return
        if not record["available"]:
            print(f"{record['workload']:>10} {record['strategy']:>22} "
                  f"{record['workers']:>3}  not available: {record['reason']}", flush=True)
        elif record["error"]:
            print(f"{record['workload']:>10} {record['strategy']:>22} "
                  f"{record['workers']:>3}  error: {record['error']}", flush=True)
        else:
            ok = {True: "ok", False: "WRONG", None: ""}[record["correct"]]
            print(f"{record['workload']:>10} {record['strategy']:>22} {record['workers']:>3}  "
                  f"median {record['median']:.4g} {record['unit']}  {ok}", flush=True)

    def finish(self):
        """Describe the interpreter last: the GIL may have been re-enabled by an import."""
        info = describe()
        if self.as_json:
            print(json.dumps(info), flush=True)
        else:
            gil = "on" if info["gil_enabled_at_end"] else "off"
            print(f"Python {info['version']}, GIL {gil} at the end of the run")


def failure(error):
    """An exception as the one line a row's ``error`` holds (sub-interpreters add tracebacks)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else 'no message'}"
