"""Running one demo script under one interpreter, following its JSON-lines output live."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from inparallel.errors import sigterm_raises
from inparallel.measure import interference
from inparallel.paths import DEMOS

# Variables that would change what the interpreter under test does behind the demo's back.
_SCRUBBED_ENV = ("PYTHON_GIL", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHON_JIT")


@dataclass
class DemoRun:
    """What came back from one demo process."""

    rows: list[dict] = field(default_factory=list)
    interpreter: dict | None = None
    error: str | None = None
    duration_s: float = 0.0
    usage: interference.Usage | None = None  # None where /proc is missing; says its method


# Demos whose script cannot carry the demo's name: demos/ is on sys.path (script folder and
# PYTHONPATH), so a demos/io.py would shadow the standard library's io module.
SCRIPT_NAMES = {"io": "io_demo"}


def demo_script(name: str) -> Path:
    """The demo program for ``name``."""
    return DEMOS / f"{SCRIPT_NAMES.get(name, name)}.py"


def _environment(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    # Sub-interpreters and spawned processes import the workloads by module name.
    env["PYTHONPATH"] = str(DEMOS)
    env.update(extra or {})
    return env


def _reap(process: subprocess.Popen, linger_s: float = 2.0) -> tuple[int, float]:
    """Wait for the demo; return its exit code and the CPU seconds of its process tree.

    This is the /proc method, used where no cgroup measures the tree exactly. The kernel
    adds every child the demo waited for (its workers, recursively) into the demo's own
    usage, which wait4 hands us. Workers that outlive the demo (a forkserver, a resource
    tracker) are still in its session: they get ``linger_s`` to exit, and their last-read
    CPU time counts as ours too. Descendants that nobody in that chain reaps are missed.
    """
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu_s = usage.ru_utime + usage.ru_stime
    leftovers: dict[int, float] = {}
    deadline = time.monotonic() + linger_s
    while True:
        found = interference.session_processes(process.pid)
        leftovers.update({pid: p.cpu_s for pid, p in found.items()})
        if time.monotonic() > deadline or all(p.zombie for p in found.values()):
            break
        time.sleep(0.05)
    return process.returncode, cpu_s + sum(leftovers.values())


def _kill_group(pid: int) -> None:
    """Kill a demo's whole session (its process group); it may be gone already."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def run_demo(
    python: Path,
    demo: str,
    args: list[str],
    timeout_s: float,
    on_row: Callable[[dict], None] = lambda _row: None,
    env: dict[str, str] | None = None,
) -> DemoRun:
    """Run ``demos/<demo>.py --json ARGS`` under ``python``; never raises for a bad demo.

    A crash, a non-zero exit or a run past ``timeout_s`` comes back as ``error``, with
    the rows measured before it, so a harness can record it and go on with the rest.
    Its own CPU comes from a fresh cgroup where one can be made (exact: every descendant,
    reaped by anyone or not), else from wait4 and /proc (``_reap``).
    """
    # SIGTERM, like Ctrl-C, must reach the cleanup below: a killed harness left its demo
    # running and an empty cgroup folder behind.
    with sigterm_raises():
        group = interference.CpuGroup.create()
        try:
            return _run(group, python, demo, args, timeout_s, on_row, env)
        finally:
            if group is not None and group.path.exists():
                group.remove()  # an exit before the run's own cleanup (Popen failed, a signal)


def _run(group: interference.CpuGroup | None, python: Path, demo: str, args: list[str],
         timeout_s: float, on_row: Callable[[dict], None], env: dict[str, str] | None) -> DemoRun:
    """``run_demo`` with its cgroup (None: the /proc method) made already."""
    result = DemoRun()
    machine_before, harness_before = interference.machine_cpu(), interference.harness_cpu()
    started = time.monotonic()
    process = subprocess.Popen(
        [str(python), str(demo_script(demo)), "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=DEMOS,
        env=_environment(env),
        start_new_session=True,  # its own process group, so a timeout kills its workers too
        # Into the group before exec, so that not even the interpreter's start is missed.
        preexec_fn=group.enter if group is not None else None,
    )
    if group is not None and not group.entered(process.pid):
        group.remove()  # the move failed: this run falls back to /proc
        group = None
    stderr_lines: list[str] = []
    drain = threading.Thread(target=lambda: stderr_lines.extend(process.stderr), daemon=True)
    drain.start()
    timer = threading.Timer(timeout_s, _kill_group, (process.pid,))
    timer.start()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue  # a stray print from a worker is not a measurement
            if message.get("type") == "row":
                message.pop("type")
                result.rows.append(message)
                on_row(message)
            elif message.get("type") == "interpreter":
                result.interpreter = message
        code, tree_cpu_s = _reap(process)
        method = "proc"
        if group is not None:
            # Descendants outside the demo's session (or reparented to init) may still run.
            group.settle()
            group_cpu_s = group.cpu_s()
            if group_cpu_s is not None:
                tree_cpu_s, method = group_cpu_s, "cgroup"
    except BaseException:
        # Ctrl-C reaches only our process group, not the demo's own session: stop the demo
        # and its workers too, so nothing keeps running (or measuring) behind the user's back.
        _kill_group(process.pid)
        process.wait()
        raise
    finally:
        timer.cancel()
        if group is not None:
            group.remove()  # kills leftovers that outlived the linger; a failure leaves it
        drain.join(timeout=5)
    result.duration_s = round(time.monotonic() - started, 2)
    machine_after = interference.machine_cpu()
    if machine_before and machine_after:
        result.usage = interference.Usage(
            wall_s=time.monotonic() - started,
            busy_s=machine_after.busy_s - machine_before.busy_s,
            own_s=tree_cpu_s + interference.harness_cpu() - harness_before,
            steal_s=machine_after.steal_s - machine_before.steal_s, method=method)
    if code == -signal.SIGKILL and result.duration_s >= timeout_s:
        result.error = f"timed out after {timeout_s:.0f}s (hung or too slow)"
    elif code != 0:
        last = "".join(stderr_lines).strip().splitlines()[-1:] or ["no error output"]
        result.error = f"exited with code {code}: {last[0]}"
    elif result.interpreter is None:
        result.error = "ended without describing its interpreter"
    return result
