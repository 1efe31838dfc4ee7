"""The load generator of the service demo: ``wrk``, an external program, run and read here.

Where the orchestration lives: the demo script (demos/service.py) starts the upstream and
each server model, runs ``wrk`` against it point by point, and stops everything again, all
in one process, so the harness's one rule for a demo holds (one process tree, killed as a
group on a time-out, rows as JSON lines). ``wrk`` is a program, not a library, so driving it
takes only the standard library (subprocess); this module is that driver. The project's
prerequisites install it (Debian package ``wrk``); without it the demo records why.

``wrk`` reports through ``wrk_report.lua`` (exact counts, latency in microseconds), and its
own CPU time comes from the kernel (``os.wait4``): it shares the machine's cores with the
server, and the record says how much of them it took.
"""

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

REPORT = Path(__file__).with_name("wrk_report.lua")
TIMEOUT_S = 5  # a request slower than this counts as a time-out (wrk's --timeout)


def missing():
    """Why the load generator cannot run here, or None."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (Debian: apt-get install wrk; invoke test installs it)"
    return None


def command(url, connections, seconds):
    """The wrk command line: two threads (the cores it may share), fixed connections."""
    threads = min(2, connections)
    return ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
            f"--timeout={TIMEOUT_S}s", "--latency", "-s", str(REPORT), url]


def parse(stdout, wall_s, cpu_s):
    """The measurement from wrk's output: rates, latencies in seconds, errors, its CPU."""
    for line in stdout.splitlines():
        if line.startswith('{"requests"'):
            report = json.loads(line)
            break
    else:
        raise RuntimeError("wrk printed no report: " + (stdout.strip().splitlines() or ["-"])[-1])
    duration_s = report["duration_us"] / 1e6
    return {
        "requests_per_s": report["requests"] / duration_s if duration_s else 0.0,
        "requests": report["requests"],
        "p50_s": report["p50_us"] / 1e6,
        "p99_s": report["p99_us"] / 1e6,
        "errors": report["connect"] + report["read"] + report["write"] + report["status"],
        "status_errors": report["status"],
        "timeouts": report["timeout"],
        "loadgen_cores": cpu_s / wall_s if wall_s else 0.0,  # CPUs wrk kept busy, on average
    }


def run(url, connections, seconds, during=None):
    """Load ``url`` for ``seconds``; ``during()`` is called halfway (a memory sample, say).

    Returns (measurement, what ``during`` returned). wrk ends itself after ``seconds``; if
    it does not within a generous margin it is killed, and the missing report raises.
    """
    started = time.monotonic()
    process = subprocess.Popen(command(url, connections, seconds), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    guard = threading.Timer(seconds + 3 * TIMEOUT_S, process.kill)
    guard.start()
    try:
        time.sleep(seconds / 2)
        sampled = during() if during else None
        stdout = process.stdout.read()
        # Reap it ourselves: wait4 gives the CPU time wrk used, from the kernel.
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        guard.cancel()
        process.stdout.close()
    wall_s = time.monotonic() - started
    return parse(stdout, wall_s, usage.ru_utime + usage.ru_stime), sampled
