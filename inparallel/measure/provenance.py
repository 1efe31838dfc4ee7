"""Where a measurement came from: the machine, the repository commit, the interpreter."""

from __future__ import annotations

import os
import platform
import re
import socket
import subprocess
from pathlib import Path

from inparallel.paths import REPO


def cpu_model() -> str:
    """The CPU's marketing name from /proc/cpuinfo, or the platform's best guess."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        if match:
            return " ".join(match.group(1).split())
    return platform.processor() or platform.machine()


def machine_id(model: str) -> str:
    """A file-name-safe id from the CPU model: ``AMD EPYC 7B13`` -> ``amd-epyc-7b13``."""
    model = re.sub(r"\((R|TM)\)|CPU|Processor|\d+-Core", " ", model, flags=re.I)
    return re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "unknown"


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        return f"{platform.system()} {platform.release()}"


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity), which is what workers can get."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine() -> dict:
    """The machine's description as stored in every record."""
    model = cpu_model()
    return {
        "id": machine_id(model),
        "hostname": socket.gethostname(),
        "cpu_model": model,
        "cpu_count": os.cpu_count() or 1,
        "usable_cpus": usable_cpus(),
        "memory_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
        "os": _os_name(),
        "kernel": platform.release(),
        "arch": platform.machine(),
        # Other work on the machine is the usual cause of noisy numbers: keep the evidence.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def repository(root: Path = REPO) -> dict:
    """The commit the demos ran from, and whether tracked files differed from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!data"))
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}
