"""I/O-bound services under load: an HTTP service in each server strategy, driven by wrk.

Each request waits on a slow local upstream (``--upstream-ms``) and then does a fixed amount
of pure-Python CPU work (``--cpu-ms``, calibrated on this interpreter before the servers
start). ``wrk`` holds a fixed number of connections open (``--workers``: 16, 64, 256) for
one second per value, on loopback only. The server strategies (demos/service_server.py):
threads, asyncio, processes-prefork and subinterpreters (3.14+), the last two with one worker
per usable core. Per point the demo records requests per second, p50 and p99 latency,
errors and time-outs, the server's memory (PSS of its processes, sampled halfway through)
and the CPU that wrk itself used: load generator, upstream and service share the cores.

Every server runs at once, and the demo makes ``ROUNDS`` passes over all the points, the
strategies in alternating order at each point: the values of one point are spread over the whole
run, next to the other strategies' values, so that a slow minute of the machine hits every strategy
alike and shows as spread, not as one strategy's number. A point gets one value per round, and
its requests per second and latencies the 95% interval of their median.

When wrk stops, the requests it left in flight still run: 256 connections of 5 ms each keep a
one-core server busy for over a second. So before each value the demo waits until the machine
is idle again (``settle``), lest a load start on the tail of the one before.

    python3.14t demos/service.py --workers 16,64 --cpu-ms 0,2

Every server and the upstream run in process groups of their own, on ports the kernel
picks; they are killed when their point ends or the demo stops (Ctrl-C included), and they
exit by themselves when the demo dies (they watch their standard input).
"""

import argparse
import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import failures
import harness
import loadgen
import placement
import timer
from memory import tree_memory
from service_server import STRATEGIES, work

HERE = Path(__file__).resolve().parent
SIZES = {"full": 1, "stage": 1, "quick": 1}  # seconds of load per value
# Values per point: six is the fewest whose (min, max) covers the median at 95%.
ROUNDS = {"full": 6, "stage": 1, "quick": 1}
CPU_MS = {"full": (0, 2, 5), "stage": (0, 2), "quick": (0, 2)}
CONNECTIONS = (16, 64, 256)
# What one point measures: workload name, unit, key of loadgen's measurement.
METRICS = (("throughput", "req/s", "requests_per_s"), ("latency-p50", "s", "p50_s"),
           ("latency-p99", "s", "p99_s"), ("errors", "requests", "errors"),
           ("timeouts", "requests", "timeouts"), ("server-pss", "bytes", "pss_bytes"),
           ("loadgen-cpu", "cores", "loadgen_cores"))


def _cpu_list(text):
    one = harness.bounded(0, 1000, float)
    try:
        values = tuple(one(part) for part in text.split(","))
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(f"takes milliseconds such as 0,0.5,2 ({error})") from None
    return values


def _strategies(text):
    names = tuple(text.split(","))
    unknown = [name for name in names if name not in STRATEGIES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"{unknown[0]!r} is not a server strategy; choose from {','.join(STRATEGIES)}")
    return names


EXTRA = [
    (("--upstream-ms",), {"type": harness.bounded(0, 10_000, float), "default": 10.0,
                          "help": "the upstream's delay per request (default 10)"}),
    (("--cpu-ms",), {"type": _cpu_list, "default": None,
                     "help": "Python CPU work per request, ms (default 0,2,5)"}),
    (("--strategies",), {"type": _strategies, "default": STRATEGIES,
                     "help": f"server strategies to run (default {','.join(STRATEGIES)})"}),
    (("--seconds",), {"type": harness.bounded(1, 600), "default": None,
                      "help": "seconds of load per value (default 1)"}),
    (("--crash-after",), {"type": harness.bounded(0), "default": 0,
                          "help": argparse.SUPPRESS}),  # the tests' crashing server
]


def calibrate():
    """Iterations of ``work`` per millisecond of CPU on this interpreter (best of five)."""
    n = 20_000
    best = min(_timed(work, n) for _ in range(5))
    return n / (best * 1000)


def _timed(fn, n):
    start = time.perf_counter()
    fn(n)
    return time.perf_counter() - start


def _environment():
    env = dict(os.environ)
    # Sub-interpreters import service_server by name; run directly, demos/ is not on their path.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    return env


@contextlib.contextmanager
def child(*args):
    """A server process in a process group of its own: yields (process, port); kills it all.

    Its stdin is a pipe we hold: if this process dies without reaching ``finally``, the
    child sees end of file and kills its own group (demos/upstream.py: exit_with_parent).
    """
    process = subprocess.Popen([sys.executable, *map(str, args)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, env=_environment(), process_group=0)
    try:
        port = process.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError(f"{Path(args[0]).name} did not start (exit code "
                               f"{process.wait()}; see its error above)")
        yield process, int(port)
    finally:
        stop(process)
        process.stdin.close()
        process.stdout.close()


def stop(process, grace_s=5.0):
    """SIGTERM first, so that a prefork parent reaps its workers (the harness counts the CPU
    time of waited-for processes only); then SIGKILL to the group, for whatever is left."""
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_s)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def probe(port, iterations):
    """One request outside the load: is the answer right (upstream's n*n, then the work)?"""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", f"/{iterations}")
        body = connection.getresponse().read()
    finally:
        connection.close()
    return body == b"%d %d" % (iterations * iterations, work(iterations))


IDLE_SHARE = 0.1  # the machine counts as idle below this share of its CPUs busy
SETTLE_WINDOW_S = 0.2  # over windows of this length (20 ticks of 10 ms per CPU)


def _busy_ticks():
    """(busy, total) CPU ticks since boot from /proc/stat, or None where there is none."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(n) for n in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # less idle and iowait


def settle(connections, cpu_ms):
    """Wait until what the last load left in flight has run: until a window with the machine
    idle on Linux (at most three times the worst case), else for the worst case itself, every
    connection's last request run on one core."""
    worst_s = connections * cpu_ms / 1000 + SETTLE_WINDOW_S
    deadline = time.monotonic() + 3 * worst_s
    before = _busy_ticks()
    if before is None:
        time.sleep(worst_s)
        return
    while time.monotonic() < deadline:
        time.sleep(SETTLE_WINDOW_S)
        after = _busy_ticks()
        busy, total = after[0] - before[0], after[1] - before[1]
        if total and busy / total < IDLE_SHARE:
            return
        before = after


def params(args, cpu_ms, workers):
    return {"cpu_ms": cpu_ms, "upstream_ms": args.upstream_ms, "seconds": args.seconds,
            "server_workers": workers}


def emit_point(out, strategy, connections, found, point_params, correct, spread):
    """The rows of one point: one value per round for each metric, with the swing of the
    machine's speed read before its rounds (``noise_spread``)."""
    for workload, unit, key in METRICS:
        row = harness.row(workload, strategy, connections, [each[key] for each in found],
                          unit=unit, correct=correct, params=point_params)
        if spread is not None and unit in harness.INTERVAL_UNITS:
            row["noise_spread"] = spread
        out.emit(row)


def emit_failed(out, strategy, connections, point_params, error=None, reason=None):
    for workload, unit, _key in METRICS:
        if reason:
            out.emit(harness.unavailable(workload, strategy, connections, reason, point_params,
                                         unit))
        else:
            out.emit(harness.row(workload, strategy, connections, [], unit=unit,
                                 params=point_params, error=error))


def availability(strategy):
    """Why ``strategy`` cannot run on this interpreter, or None."""
    if strategy == "subinterpreters" and sys.version_info < (3, 14):
        return "needs concurrent.interpreters (3.14+)"
    return loadgen.missing()


def server_workers(strategy):
    """Workers of a server strategy: one for the single-process strategies, else one per core."""
    return 1 if strategy in ("threads", "asyncio") else placement.cores()


class Served:
    """One running server strategy and what its points measured so far."""

    def __init__(self, strategy, process, port):
        self.strategy, self.process, self.port = strategy, process, port
        self.found = {}  # (cpu_ms, connections) -> one measurement per round
        self.speeds = {}  # (cpu_ms, connections) -> the machine's speed before each round
        self.correct = {}  # (cpu_ms, connections) -> every answer right so far
        self.error = None

    def exited(self):
        """Why the server is gone, or None while it runs."""
        if self.process.poll() is None:
            return None
        return f"the server exited with code {self.process.returncode} during the run"

    def load(self, point, iterations, seconds, first):
        """One value of ``point``: wrk for ``seconds``; on the first round, a probe too."""
        _cpu_ms, connections = point
        # Read while every server idles, as timer.compare reads before each value: the
        # values are not corrected by it, but its swing classes the run.
        self.speeds.setdefault(point, timer.Speed()).read(before=seconds)
        try:
            found, pss = loadgen.run(f"http://127.0.0.1:{self.port}/{iterations}", connections,
                                     seconds, lambda: tree_memory(self.process.pid))
            right = found["status_errors"] == 0 and (not first or probe(self.port, iterations))
        except (OSError, RuntimeError, http.client.HTTPException) as failed:
            # A refused connection usually means the server died: say that, not the symptom.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=1)
            self.error = self.exited() or failures.failure(failed)
            return
        self.error = self.exited()
        if self.error:
            return
        if not found["requests"]:  # no latency to report: a zero would pass for a time
            self.error = (f"wrk completed no request in {seconds} s at {connections} "
                          "connections: the server was still busy")
            return
        self.found.setdefault(point, []).append({**found, "pss_bytes": pss})
        self.correct[point] = self.correct.get(point, True) and right


def serve_all(out, args, upstream_port, per_ms):
    """Start every server strategy, load them round after round, emit the rows, stop them."""
    points = [(cpu_ms, c) for cpu_ms in args.cpu_ms for c in args.workers]
    extra = ["--crash-after", args.crash_after] if args.crash_after else []
    served, failed = [], {}
    with contextlib.ExitStack() as stack:
        for strategy in args.strategies:
            reason = availability(strategy)
            if reason:
                failed[strategy] = ("reason", reason)
                continue
            try:
                process, port = stack.enter_context(child(
                    HERE / "service_server.py", strategy, upstream_port, "--workers",
                    server_workers(strategy), *extra))
            except RuntimeError as error:
                failed[strategy] = ("error", str(error))
                continue
            served.append(Served(strategy, process, port))
        if args.mode == "full":  # a first load starts threads and connections: not a value
            for each in served:
                with contextlib.suppress(OSError, RuntimeError, http.client.HTTPException):
                    loadgen.run(f"http://127.0.0.1:{each.port}/0", args.workers[0], 1)
        last = (0, 0)  # the point loaded last: how much it may have left in flight
        for number in range(args.rounds):
            for point in points:
                iterations = round(point[0] * per_ms)
                for each in served if number % 2 == 0 else reversed(served):
                    if each.error is None:
                        settle(last[1], last[0])
                        each.load(point, iterations, args.seconds, first=number == 0)
                        last = point
        # Rows go out while the servers still run: what stops them is the end of this block.
        for strategy in args.strategies:
            each = next((s for s in served if s.strategy == strategy), None)
            for cpu_ms, connections in points:
                point_params = params(args, cpu_ms, server_workers(strategy))
                if strategy in failed:
                    kind, why = failed[strategy]
                    emit_failed(out, strategy, connections, point_params, **{kind: why})
                elif each.error:  # a server gone mid-run: its points are errors, not waits
                    emit_failed(out, strategy, connections, point_params, error=each.error)
                else:
                    point = (cpu_ms, connections)
                    emit_point(out, strategy, connections, each.found[point], point_params,
                               each.correct[point], each.speeds[point].spread())


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, EXTRA, CONNECTIONS)
    args.seconds = args.seconds or args.size
    args.rounds = args.repeats if args.repeats_given else ROUNDS[args.mode]
    args.cpu_ms = args.cpu_ms or CPU_MS[args.mode]
    out = harness.Output(args.json)
    per_ms = calibrate()
    with child(HERE / "upstream.py", args.upstream_ms) as (_upstream, upstream_port):
        serve_all(out, args, upstream_port, per_ms)
    out.finish()


if __name__ == "__main__":
    main()
