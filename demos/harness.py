"""What every demo shares: its command line, its rows, and JSON-lines output.

Standard library only, like the demos: each runs as ``python demos/NAME.py`` under any
interpreter from 3.12 on. With ``--json`` a demo prints one JSON object per line: a
``row`` per measurement as soon as it is taken (so a live table can follow along), then
one ``interpreter`` line describing the interpreter *after* the work, GIL state included.

How a point is timed is demos/timer.py; where the workers run, demos/placement.py; the
bounds of the options, demos/limits.py.
"""

import argparse
import json
import math
import statistics
import sys
import sysconfig

import intervals
import limits
import placement
import timer

# Units whose repeated values get an interval: times, and rates measured against the clock
# (inparallel/records/model.py MEASURED_UNITS).
INTERVAL_UNITS = ("s", "req/s")


# --- Command line ---

class _Parser(argparse.ArgumentParser):
    def error(self, message):
        """One line, not the usage block: what is wrong and where to look."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def bounded(low, high=None, kind=int):
    """An argparse type for a demo's own options: a number of ``kind`` in [low, high]."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"{text!r} is out of range ({bound})")
        return value
    return parse


def _workers(text):
    """``1,2,4``: positive worker counts, each at most limits.MAX_WORKERS."""
    one = bounded(1, limits.MAX_WORKERS)
    try:
        counts = [one(part) for part in text.split(",")]
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(
            f"takes worker counts such as 1,2,4 ({error})") from None
    return counts


def parse_args(description, sizes, argv=None, extra=None, default_workers=None, time_cap=2.0,
               reference=True):
    """Common options; ``sizes`` maps 'full', 'stage' and 'quick' to the workload size.

    ``default_workers`` replaces the 1, 2, 4 ... cores default when ``--workers`` is not
    given: an I/O demo wants more requests in flight than there are cores. ``time_cap``
    is the demo's time per point in a full run (a stage run gets a quarter, --quick a tenth).
    ``reference`` False: the values are not corrected for the machine's speed (a demo that
    times waits, not work, whose time does not follow the CPU's speed).
    """
    parser = _Parser(description=description)
    parser.add_argument("--workers", type=_workers, default=None,
                        help="comma-separated worker counts (default: 1, 2, 4 ... all cores)")
    parser.add_argument("--max-workers", type=bounded(1, limits.MAX_WORKERS),
                        default=placement.cores(),
                        help="largest worker count when --workers is not given")
    parser.add_argument("--repeats", type=bounded(1, limits.REPEATS_LIMIT), default=None,
                        help=f"most timed values per point (default {timer.MAX_REPEATS}; the "
                             "adaptive rule stops earlier once the median is precise)")
    time_caps = bounded(limits.MIN_TIME_CAP_S, limits.MAX_TIME_CAP_S, float)
    parser.add_argument("--time-cap", type=time_caps, default=None,
                        help=f"seconds per point before it stops (default {time_cap:g})")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes for a smoke test")
    mode.add_argument("--stage", action="store_true", help="sizes for a live demo on a slide")
    parser.add_argument("--json", action="store_true", help="emit JSON lines for the harness")
    for args, kwargs in (extra or []):
        parser.add_argument(*args, **kwargs)
    ns = parser.parse_args(argv)
    ns.mode = "quick" if ns.quick else "stage" if ns.stage else "full"
    ns.workers = ns.workers or list(default_workers or placement.worker_counts(ns.max_workers))
    ns.size = sizes[ns.mode]
    most, share, ns.shortest, ns.fewest = timer.MODES[ns.mode]
    # Quick runs are smoke tests: no reference loop, so their values are the raw times.
    ns.reference = reference and ns.mode != "quick"
    ns.repeats_given = ns.repeats is not None
    ns.repeats = ns.repeats or most
    ns.time_cap = ns.time_cap or time_cap * share
    return ns


# --- Rows ---

def row(workload, strategy, workers, values, unit="s", correct=None, params=None,
        available=True, reason=None, error=None, converged=None, loops=None, raw=None,
        factors=None):
    """One measurement in the shape of a record's row (inparallel/records/schema.json).

    The interval is computed for timings and rates (``INTERVAL_UNITS``) only; ``converged``
    says whether the adaptive rule reached its target (None when the values are not adaptive
    timings), ``loops`` how many calls each value timed (each value is one call's share), and
    ``raw`` and ``factors`` the values as timed and the speed factors that gave ``values``.
    """
    interval = intervals.median_ci(values) if unit in INTERVAL_UNITS else None
    extra = {"loops": loops} if loops and loops > 1 else {}
    if raw is not None and factors is not None:
        extra.update(raw_values=raw, speed_factors=factors)
    return {
        "workload": workload, "strategy": strategy, "workers": workers,
        "params": params or {}, "unit": unit, "values": values,
        "median": statistics.median(values) if values else None,
        "min": min(values) if values else None, "max": max(values) if values else None,
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
        "converged": converged if values and unit == "s" else None,
        "correct": correct, "available": available, "reason": reason, "error": error,
        **extra,
    }


def unavailable(workload, strategy, workers, reason, params=None, unit="s"):
    """A strategy this interpreter cannot run: recorded with its reason, never dropped."""
    return row(workload, strategy, workers, [], unit=unit, params=params, available=False,
               reason=reason)


def measured_row(workload, strategy, workers, timing, correct, params=None):
    """The row of one Timing: its values and interval, or its error; with the machine's speed
    swing meanwhile (``noise_spread``), this process's page faults during each value
    (``page_faults``) and, when compared pair by pair, the baseline it was paired with and the
    ratio of each pair (``paired_with``, ``paired_ratios``)."""
    if timing.error:
        return row(workload, strategy, workers, [], params=params, error=timing.error)
    factors = [v / r for v, r in zip(timing.values, timing.raw, strict=True)] if timing.speeds \
        else None
    found = row(workload, strategy, workers, timing.values, params=params,
                correct=correct(timing.answer), converged=timing.converged, loops=timing.loops,
                raw=timing.raw if factors else None, factors=factors)
    if timing.spread is not None:
        found["noise_spread"] = timing.spread
    if timing.faults and len(timing.faults) == len(timing.values):
        found["page_faults"] = timing.faults
    if timing.paired and timing.paired[1] is not timing and timing.ratios:
        # A demo compares either worker counts (the nogil demo) or strategies (the cpu demo).
        against = timing.paired[0]
        found["paired_with"] = {"workers" if isinstance(against, int) else "strategy": against}
        found["paired_ratios"] = timing.ratios
    return found


# --- Output ---

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
        where = f"{record['workload']:>10} {record['strategy']:>26} {record['workers']:>3}"
        if not record["available"]:
            print(f"{where}  not available: {record['reason']}", flush=True)
        elif record["error"]:
            print(f"{where}  error: {record['error']}", flush=True)
        else:
            ok = {True: "ok", False: "WRONG", None: ""}[record["correct"]]
            spread = ""
            if record["ci_low"] is not None and record["median"] > 0:
                median = record["median"]
                half = max(median - record["ci_low"], record["ci_high"] - median) / median
                spread = f" +-{half * 100:.1f}% ({len(record['values'])} values)"
            print(f"{where}  median {record['median']:.4g} {record['unit']}{spread}  {ok}",
                  flush=True)

    def finish(self):
        """Describe the interpreter last: the GIL may have been re-enabled by an import."""
        info = describe()
        if self.as_json:
            print(json.dumps(info), flush=True)
        else:
            gil = "on" if info["gil_enabled_at_end"] else "off"
            print(f"Python {info['version']}, GIL {gil} at the end of the run")
