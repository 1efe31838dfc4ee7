"""Noise on purpose: a CPU quota on a process tree, switched on and off in random bursts.

A noisy virtual machine or a laptop changes speed without any other process showing up in
/proc/stat: a host's neighbours, turbo and thermal limits. A cgroup CPU quota does the same to
the processes inside the group: while it is on, they get ``share`` of one CPU per period
whatever they ask for, and nothing else on the machine runs instead. So the harness's
interference counter sees nothing, and only the demo's own readings can tell.

    with QuotaBursts() as noise:
        subprocess.run(cmd, preexec_fn=noise.enter)

Usable as a script too, around any command (root, cgroup v1 ``cpu`` or v2)::

    python3 tests/noise_injector.py -- .venv/bin/invoke demo nogil
"""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

PERIOD_US = 100_000


def _root() -> tuple[Path, int] | None:
    """Where a CPU-limited group can be made: (folder, cgroup version), or None."""
    v2 = Path("/sys/fs/cgroup/cgroup.controllers")
    if v2.is_file() and "cpu" in v2.read_text().split():
        return Path("/sys/fs/cgroup"), 2
    v1 = Path("/sys/fs/cgroup/cpu")
    if (v1 / "cpu.cfs_quota_us").is_file():
        return v1, 1
    return None


class QuotaBursts:
    """A fresh cgroup whose CPU quota a thread switches between ``share`` CPUs and no limit,
    each state lasting a random 50 to 400 ms (seeded: the same bursts each time)."""

    def __init__(self, share: float = 0.5, seed: int = 1) -> None:
        found = _root()
        if found is None:
            raise OSError("no cgroup with a CPU controller to limit")
        root, self.version = found
        self.path = root / f"inparallel-noise-{os.getpid()}"
        self.path.mkdir()
        self.quota = int(share * PERIOD_US)
        self._random = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._switch, daemon=True)
        self.switches = 0

    def _limit(self, on: bool) -> None:
        if self.version == 2:
            text = f"{self.quota if on else 'max'} {PERIOD_US}"
            (self.path / "cpu.max").write_text(text)
        else:
            (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (self.path / "cpu.cfs_quota_us").write_text(str(self.quota if on else -1))

    def _switch(self) -> None:
        on = False
        while not self._stop.wait(self._random.uniform(0.05, 0.4)):
            on = not on
            self._limit(on)
            self.switches += 1
        self._limit(False)

    def enter(self) -> None:
        """Move the calling process into the group (a ``preexec_fn``: before exec)."""
        with open(self.path / "cgroup.procs", "w") as procs:
            procs.write(str(os.getpid()))

    def __enter__(self) -> QuotaBursts:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for pid in (self.path / "cgroup.procs").read_text().split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), 9)
        with contextlib.suppress(OSError):
            self.path.rmdir()


if __name__ == "__main__":
    command = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    with QuotaBursts() as noise:
        code = subprocess.run(command, preexec_fn=noise.enter, check=False).returncode
    print(f"noise: the quota switched {noise.switches} times", file=sys.stderr)
    sys.exit(code)
