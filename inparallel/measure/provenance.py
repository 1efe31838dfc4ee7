"""Where a measurement came from: the machine, the repository commit, the interpreter."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from inparallel.measure import demo_rules
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
    """The CPUs this process may run on (its affinity), which is what workers can get: the
    demos' own count (``demo_rules.usable_cpus``), so that a record's CPU count is theirs."""
    return demo_rules.usable_cpus()


def fingerprint() -> str:
    """Twelve hex digits that tell this machine, as booted now, from any other of the same
    CPU model: a hash of the OS's machine id and boot id (neither is stored itself).

    The boot id is in it because cloned virtual machines share their machine id (every VM of
    one image reads the same), and a rebooted VM can land on another host with other
    neighbours: runs of one boot are the ones known to share a machine.
    """
    parts = []
    for path in (Path("/etc/machine-id"), Path("/proc/sys/kernel/random/boot_id")):
        try:
            parts.append(path.read_text().strip())
        except OSError:
            parts.append("")
    if not any(parts):
        parts.append(socket.gethostname())
    seed = ":".join(["python-in-parallel", *parts])
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def machine() -> dict:
    """The machine's description as stored in every record."""
    model = cpu_model()
    return {
        "id": machine_id(model),
        "fingerprint": fingerprint(),
        "hostname": socket.gethostname(),
        "cpu_model": model,
        "cpu_count": os.cpu_count() or 1,
        "usable_cpus": usable_cpus(),
        "memory_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
        "os": _os_name(),
        "kernel": platform.release(),
        "arch": platform.machine(),
        "pyperf": pyperf_checks(),
    }


# pyperf metadata that describe the machine (the rest describe the tooling's own Python).
PYPERF_KEYS = ("aslr", "boot_time", "cpu_affinity", "cpu_config", "cpu_freq", "cpu_temp",
               "isolated_cpus", "perf_version", "platform", "runnable_threads", "timer")


@functools.cache
def pyperf_checks() -> dict | None:
    """pyperf's view of this machine: its metadata and its system check, or None.

    What pyperf reads (CPU frequency and idle driver, ASLR, isolated CPUs, IRQ affinity,
    the timer) is what a reader needs to judge how quiet the machine could be, and pyperf
    keeps up with the kernels. Its CLI is its stable interface, so it runs as a command.
    """
    def pyperf(*args: str) -> str:
        # `system show` exits with 2 when it has advice or warnings: read its text anyway.
        return subprocess.run([sys.executable, "-m", "pyperf", *args], capture_output=True,
                              text=True, timeout=60).stdout

    try:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "metadata.json"
            pyperf("collect_metadata", "--output", str(out))
            metadata = json.loads(out.read_text())["metadata"]
        system = parse_system_show(pyperf("system", "show"))
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        return None
    return {"metadata": {k: metadata[k] for k in PYPERF_KEYS if k in metadata}, **system}


def parse_system_show(text: str) -> dict[str, list[str]]:
    """``pyperf system show``'s sections as lists: state, advice, warnings."""
    names = {"System state": "state", "Advices": "advice", "Warnings": "warnings"}
    sections: dict[str, list[str]] = {name: [] for name in names.values()}
    lines = text.splitlines()
    current = None
    for line, underline in zip(lines, [*lines[1:], ""], strict=True):
        if underline.startswith("===") and line in names:
            current = names[line]
        elif current and line.strip() and not line.startswith("==="):
            sections[current].append(line.strip())
    for name in sections.values():  # the last section ends with a hint to tune, not a check
        if name and name[-1].startswith("Run "):
            name.pop()
    return sections


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
