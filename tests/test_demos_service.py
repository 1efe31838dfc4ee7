"""The service demo: every server strategy answers wrk correctly, crashes become error rows,
no server or upstream outlives the demo, and bad options are one line.

One ``invoke demo service --quick --workers 16,64`` run covers the demo's variants (every
built one: 1 s of load per point); the tests judge each variant's rows. No test looks at a rate
or a latency: whether a model scales is for the full run on a quiet machine.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import REPO
from demo_checks import (
    check_speed_readings,
    check_stored,
    json_rows,
    located,
    record_fixture,
    run_of,
    variants,
)

from inparallel.analysis import findings
from inparallel.analysis import metrics as m
from inparallel.analysis.demos import service

DEMOS = REPO / "demos"
sys.path.insert(0, str(DEMOS))
import loadgen  # noqa: E402  (demos/ is not a package: the demo's own module, stdlib only)
import service as service_demo  # noqa: E402

STRATEGIES = ("threads", "asyncio", "processes-prefork", "subinterpreters")
METRICS = ("throughput", "latency-p50", "latency-p99", "errors", "timeouts", "server-pss",
           "loadgen-cpu")
needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None,
                               reason="wrk is not installed (invoke test installs it)")


record = record_fixture("service", "--workers", "16,64")


@pytest.mark.build
def test_the_stored_record_is_schema_valid_with_full_provenance(record):
    check_stored(record, "service")


@pytest.mark.build
@pytest.mark.parametrize("variant", variants("service"))
def test_every_server_model_answers_every_request_correctly_under_wrk(record, variant):
    run = run_of(record, variant)
    series = tuple(int(p) for p in run["interpreter"]["version"].split(".")[:2])
    seen = sorted((r["workload"], r["strategy"], r["workers"], r["params"]["cpu_ms"])
                  for r in run["results"])
    assert seen == sorted((w, m, c, ms) for w in METRICS for m in STRATEGIES for c in (16, 64)
                          for ms in (0, 2))  # each point once, every metric, none missing
    for row in run["results"]:
        where = f"{variant} {row['workload']} {row['strategy']} x{row['workers']}"
        if row["strategy"] == "subinterpreters" and series < (3, 14):
            assert not row["available"] and "3.14" in row["reason"], where
            continue
        assert row["available"], f"{where}: {row['reason']}"  # 3.14+: every model runs
        assert row["correct"] is True, where  # no non-2xx reply, and a probe got the right body
        assert row["error"] is None and len(row["values"]) == 1, where
        if row["workload"] in ("throughput", "server-pss"):
            assert row["median"] > 0, where
        if row["workload"] in ("errors", "timeouts"):
            assert row["median"] == 0, where  # a second of load must not lose a request
    assert run["gil_enabled_at_end"] is not run["interpreter"]["free_threaded_build"]


def demo(python, *args):
    """The service demo under ``python`` in a session of its own, as the harness starts it."""
    return subprocess.Popen(
        [str(python), str(DEMOS / "service.py"), "--json", *args], cwd=DEMOS,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(DEMOS)})


def session_members(sid):
    """Processes (not zombies) whose session is ``sid``: the demo's servers, if any outlived it."""
    return members(sid, 3)


def group_members(pgid):
    """Processes (not zombies) in process group ``pgid``."""
    return members(pgid, 2)


def members(wanted, field):
    """Live processes whose /proc/PID/stat ``field`` (after the name: 2 group, 3 session) is
    ``wanted``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:  # after the command name: state, ppid, pgrp, session, ...
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[field]) == wanted and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def gone_within(sid, seconds):
    deadline = time.monotonic() + seconds
    while session_members(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return session_members(sid)


def python_314():
    found = located()["3.14"]
    if found.status == "missing":
        pytest.skip("3.14 is not built (invoke build 3.14)")
    return found.executable


@pytest.mark.build
@needs_wrk
def test_the_machines_speed_is_read_before_each_round():
    check_speed_readings(json_rows("service.py", python_314(), "--quick", "--repeats", "3",
                                   "--strategies", "threads", "--workers", "16", "--cpu-ms", "0"))


@pytest.mark.build
@needs_wrk
@pytest.mark.parametrize("model", ["threads", "processes-prefork"])
def test_a_server_that_crashes_mid_run_is_an_error_row_and_the_demo_goes_on(model):
    process = demo(python_314(), "--quick", "--strategies", model, "--workers", "16",
                   "--cpu-ms", "0,2", "--crash-after", "40")
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-2000:]
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert rows[-1]["type"] == "interpreter"  # the demo finished, no hang
    rows = rows[:-1]
    assert len(rows) == 2 * len(METRICS)  # both points, every metric: none dropped
    for row in rows:
        assert row["values"] == [] and "exited with code 3" in row["error"], row
    assert gone_within(process.pid, 5) == []


@pytest.mark.build
@needs_wrk
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_no_server_or_upstream_outlives_the_demo_however_it_ends(how):
    # Two points per model: after the first row, its server stays up for the second one.
    process = demo(python_314(), "--quick", "--workers", "16", "--cpu-ms", "0,2")
    first = process.stdout.readline()  # a row: upstream and the first server are running
    assert json.loads(first)["type"] == "row", first
    assert len(session_members(process.pid)) >= 3  # demo, upstream, server (and wrk)
    os.kill(process.pid, how)  # the demo alone, as Ctrl-C or an OOM kill would hit it
    process.communicate(timeout=30)
    assert gone_within(process.pid, 10) == []


@pytest.mark.build
@needs_wrk
def test_a_finished_run_leaves_no_process_behind():
    process = demo(python_314(), "--quick", "--strategies", "processes-prefork,subinterpreters",
                   "--workers", "16", "--cpu-ms", "0")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-2000:]
    assert session_members(process.pid) == []  # at once: the demo stopped them itself


@pytest.mark.build
def test_the_prefork_parent_reaps_its_workers_when_stopped():
    """The harness counts the CPU time of waited-for processes only: workers left to the
    process-group kill would count as another program's load and flag the run disturbed."""
    server = subprocess.Popen(
        [str(python_314()), str(DEMOS / "service_server.py"), "processes-prefork", "1",
         "--workers", "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        process_group=0, env={**os.environ, "PYTHONPATH": str(DEMOS)})
    try:
        assert server.stdout.readline().strip().isdigit()
        assert len(group_members(server.pid)) == 3  # the parent and its two workers
        server.terminate()
        assert server.wait(timeout=10) == 0
        assert group_members(server.pid) == []  # reaped by the parent, not left to a kill
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.stdin.close()
        server.stdout.close()


@pytest.mark.parametrize("args, says", [
    (["--cpu-ms", "-1"], "--cpu-ms"),
    (["--cpu-ms", "two"], "--cpu-ms"),
    (["--strategies", "threads,fibers"], "'fibers' is not a server strategy"),
    (["--workers", "0"], "--workers"),
    (["--upstream-ms", "x"], "--upstream-ms"),
    (["--seconds", "0"], "--seconds"),
])
def test_a_bad_option_is_one_line_naming_it(args, says):
    done = subprocess.run([sys.executable, str(DEMOS / "service.py"), *args], cwd=DEMOS,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr


def test_a_value_waits_until_the_last_loads_requests_in_flight_have_run(monkeypatch):
    # /proc/stat read as (busy, total) ticks: busy for two windows, then idle.
    ticks = iter([(0, 0), (40, 40), (80, 80), (81, 120)])
    slept = []
    monkeypatch.setattr(service_demo, "_busy_ticks", lambda: next(ticks))
    monkeypatch.setattr(service_demo.time, "sleep", slept.append)
    service_demo.settle(256, 5)
    assert slept == [service_demo.SETTLE_WINDOW_S] * 3


def test_without_proc_stat_a_value_waits_for_the_worst_case(monkeypatch):
    slept = []
    monkeypatch.setattr(service_demo, "_busy_ticks", lambda: None)
    monkeypatch.setattr(service_demo.time, "sleep", slept.append)
    service_demo.settle(256, 5)  # 256 requests of 5 ms on one core, and one window
    assert slept == [pytest.approx(1.28 + service_demo.SETTLE_WINDOW_S)]


def test_a_round_without_a_completed_request_is_an_error_not_a_zero(monkeypatch):
    empty = {"requests": 0, "requests_per_s": 0.0, "p50_s": 0.0, "p99_s": 0.0,
             "status_errors": 0}
    monkeypatch.setattr(service_demo.loadgen, "run", lambda *args: (empty, 1))
    process = SimpleNamespace(poll=lambda: None)
    served = service_demo.Served("threads", process, 1)
    served.load((5, 256), 10, 1, first=False)
    assert served.found == {} and "completed no request" in served.error


REPORT = ('Running 1s test @ http://127.0.0.1:1/0\n  2 threads and 16 connections\n'
          '{"requests": 500, "duration_us": 2000000, "connect": 1, "read": 2, "write": 3, '
          '"status": 4, "timeout": 5, "p50_us": 1500, "p99_us": 25000}\n')


def test_wrk_report_becomes_rates_seconds_and_error_counts():
    found = loadgen.parse(REPORT, wall_s=2.0, cpu_s=0.5)
    assert found["requests_per_s"] == 250
    assert found["p50_s"] == 0.0015 and found["p99_s"] == 0.025
    assert found["errors"] == 1 + 2 + 3 + 4 and found["status_errors"] == 4
    assert found["timeouts"] == 5
    assert found["loadgen_cores"] == 0.25


def test_wrk_without_a_report_is_an_error_naming_its_last_line():
    with pytest.raises(RuntimeError, match="unable to connect"):
        loadgen.parse("unable to connect to 127.0.0.1:1 Connection refused\n", 1.0, 0.1)


@pytest.mark.parametrize("connections", [1, 2, 256])
def test_wrk_never_gets_more_threads_than_connections(connections):
    cmd = loadgen.command("http://127.0.0.1:1/0", connections, 3)
    threads = int(next(a for a in cmd if a.startswith("-t"))[2:])
    assert 1 <= threads <= connections and f"-c{connections}" in cmd and "--latency" in cmd


# --- the metrics and the findings, on synthetic points ------------------------------------------


class Points:
    """The part of a MachineResult the service metrics read: points and select()."""

    def __init__(self, rates, p99=None):
        """``rates``: {(variant, strategy): {cpu_ms: requests per second}} at 256 connections."""
        self.points = [
            SimpleNamespace(variant=v, strategy=s, workload="throughput", workers=256, env={},
                            ok=True, median=rate, low=rate, high=rate, params={"cpu_ms": ms})
            for (v, s), curve in rates.items() for ms, rate in curve.items()]
        for (v, s), curve in (p99 or {}).items():
            self.points += [SimpleNamespace(
                variant=v, strategy=s, workload="latency-p99", workers=n, env={}, ok=True,
                median=t, low=t, high=t, params={"cpu_ms": 2.0}) for n, t in curve.items()]

    def select(self, **match):
        return [p for p in self.points if all(getattr(p, k) == v for k, v in match.items())]


ONE_CORE = {0: 9000, 0.5: 1700, 2: 480, 5: 190}  # 0.85, 0.96, 0.95 of a core
TWO_CORES = {0: 9000, 0.5: 3000, 2: 900, 5: 360}  # up to 1.8 cores


def synthetic(**overrides):
    rates = {("3.14", "threads"): ONE_CORE, ("3.14", "asyncio"): ONE_CORE,
             ("3.14", "processes-prefork"): TWO_CORES, ("3.14", "subinterpreters"): TWO_CORES,
             ("3.14t", "threads"): TWO_CORES}
    rates.update({tuple(k.split("/")): v for k, v in overrides.items()})
    return Points(rates)


def test_saturation_is_the_least_cpu_cost_that_keeps_most_of_a_core_busy():
    def curve(rates):
        return {ms: m.Estimate(r, r, r) for ms, r in rates.items()}

    assert service.saturation(curve({0.0: 9000, 0.5: 1700, 2.0: 480}))[0] == 0.5  # 0.85 of a core
    assert service.saturation(curve({0.0: 9000, 0.5: 1000, 2.0: 300})) is None  # 0.5, 0.6: not yet
    assert service.work_cores(m.Estimate(400, 300, 500), 5).value == 2.0


def test_the_one_core_finding_holds_while_neither_model_uses_a_second_core():
    verdict = findings.finding("service-one-core-ceiling").check(synthetic())
    assert verdict.status == "holds"
    assert verdict.numbers["asyncio_cores"].startswith("0.96") and verdict.numbers["conns"] == "256"
    busy = synthetic(**{"3.14/asyncio": TWO_CORES})  # 1.8 cores of Python work on a GIL build
    assert findings.finding("service-one-core-ceiling").check(busy).status == "fails"
    # Every GIL build counts, not only the focus one: an older build's busy threads fail it.
    older = synthetic(**{"3.12/threads": TWO_CORES, "3.12/asyncio": ONE_CORE})
    verdict = findings.finding("service-one-core-ceiling").check(older)
    assert verdict.status == "fails" and verdict.numbers["gil"] == "3.12, 3.14"


def test_the_multicore_finding_fails_when_a_parallel_model_does_not_pull_ahead():
    check = findings.finding("service-multicore-scales").check
    verdict = check(synthetic())
    assert verdict.status == "holds" and verdict.numbers["cpu"] == "5 ms"
    assert verdict.numbers["prefork"] == "360/s" and verdict.numbers["best_cores"] == "1.80"
    assert check(synthetic(**{"3.14t/threads": ONE_CORE})).status == "fails"
    assert check(Points({("3.14", "asyncio"): ONE_CORE})).status == "no-data"


def test_the_p99_curve_runs_over_connections_at_one_cpu_cost():
    result = Points({}, {("3.14", "asyncio"): {256: 0.9, 16: 0.1, 64: 0.3}})
    curve = service.service_by_connections(result, "3.14", "asyncio", 2.0)
    assert list(curve) == [16, 64, 256] and curve[64].value == 0.3
    assert service.service_by_connections(result, "3.14", "asyncio", 5.0) == {}


def test_the_loadgen_finding_reports_wrks_busiest_point_and_fails_above_half_a_core():
    def loadgen(cores):
        result = Points({})
        result.points = [SimpleNamespace(
            variant="3.14", strategy=s, workload="loadgen-cpu", workers=256, env={}, ok=True,
            median=c, low=c, high=c, params={"cpu_ms": 0.0}) for s, c in cores.items()]
        return result

    check = findings.finding("service-loadgen-share").check
    verdict = check(loadgen({"asyncio": 0.2, "threads": 0.31}))
    assert verdict.status == "holds" and verdict.numbers["cores"] == "0.31"
    assert verdict.numbers["strategy"] == "threads" and verdict.numbers["work"] == "no Python work"
    assert check(loadgen({"asyncio": 0.7})).status == "fails"
    assert check(Points({})).status == "no-data"
