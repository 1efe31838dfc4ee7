"""SIGTERM to a running demo cleans up as Ctrl-C does: no cgroup folder, no demo left running.

The harness runs in a child process (the test must not receive the signal itself) with a
stand-in cgroup: a plain folder, so that the test needs no cgroup rights.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import REPO

HARNESS = textwrap.dedent("""
    import shutil, sys, time
    from pathlib import Path
    from inparallel.measure import interference, runner

    folder, script, pid_file = (Path(arg) for arg in sys.argv[1:4])

    class FolderGroup(interference.CpuGroup):
        # A cgroup stand-in: the demo counts as entered, its folder is removed as a group's is.
        def entered(self, pid):
            return True

        def pids(self):
            return []

        def cpu_s(self):
            return 0.0

        def remove(self):
            shutil.rmtree(self.path, ignore_errors=True)
            return True

    def create(places=None):
        folder.mkdir()
        return FolderGroup(folder, 2)

    interference.CpuGroup.create = staticmethod(create)
    runner.demo_script = lambda name: script
    runner.run_demo(Path(sys.executable), "sleeper", [], timeout_s=60,
                    on_row=lambda row: print("running", flush=True))
    print("returned", flush=True)
""")

SLEEPER = textwrap.dedent("""
    import json, os, sys, time
    open(os.environ["PID_FILE"], "w").write(str(os.getpid()))
    print(json.dumps({"type": "row", "workload": "sleep"}), flush=True)
    time.sleep(60)
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sigterm_to_a_demo_removes_its_group_and_stops_the_demo(tmp_path: Path) -> None:
    group, script, pid_file = tmp_path / "group", tmp_path / "sleeper.py", tmp_path / "demo.pid"
    script.write_text(SLEEPER)
    harness = subprocess.Popen(
        [sys.executable, "-c", HARNESS, str(group), str(script), str(pid_file)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PID_FILE": str(pid_file)})
    try:
        assert harness.stdout.readline().strip() == "running"
        assert group.is_dir()
        harness.send_signal(signal.SIGTERM)
        _out, err = harness.communicate(timeout=30)
    finally:
        harness.kill()
    assert harness.returncode != 0 and "Terminated" in err  # it stopped, not returned
    assert not group.exists()
    demo = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(demo) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(demo)
