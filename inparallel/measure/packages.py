"""The package list of ``invoke demo packages`` and the checks made before it runs.

The measuring itself is ``demos/packages.py`` (one run per variant, through ``demo_runs.run``
like every demo); this module makes sure that a run can succeed before anything starts: the list
is well formed, the package index answers, and every pinned version exists there. A bad
entry or an unreachable index is one line naming the fix, and nothing is measured or stored.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from inparallel.errors import UserError
from inparallel.paths import REPO, cache_root

LIST = REPO / "inparallel" / "measure" / "packages.toml"
LIST_ENV = "INPARALLEL_PACKAGES"  # demos/packages.py reads the same variable
REQUIRED = ("version", "module", "call", "expect")
# The version the index is asked about: the list pins releases for 3.14, and the host's own
# Python may be older than some of them require.
TARGET_PYTHON = "3.14"
_UNREACHABLE = re.compile(r"connection broken by|Failed to establish|Could not fetch URL|"
                          r"Max retries exceeded|NameResolutionError")


@dataclass(frozen=True)
class Package:
    """One entry of the list: a distribution at an exact version and its representative call."""

    name: str
    version: str
    module: str
    call: str
    expect: object
    setup: str = ""


def list_path() -> Path:
    """The list in use: ``$INPARALLEL_PACKAGES`` or inparallel/measure/packages.toml."""
    return Path(os.environ.get(LIST_ENV) or LIST)


def load(path: Path | None = None) -> list[Package]:
    """The pinned packages, in order; a malformed list is one line naming the entry."""
    path = path or list_path()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UserError(f"{path}: cannot read the package list ({error})") from None
    entries = table.get("packages")
    if not isinstance(entries, dict) or not entries:
        raise UserError(f"{path}: no [packages.NAME] tables; add one per package")
    found = []
    for name, entry in entries.items():
        missing = [key for key in REQUIRED if key not in entry]
        if missing:
            raise UserError(f"{path}: [packages.{name}] lacks {', '.join(missing)}; give "
                            f"each of {', '.join(REQUIRED)}")
        if not re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", str(entry["version"])):
            raise UserError(f"{path}: [packages.{name}] version {entry['version']!r} is not "
                            "an exact version; pin one, e.g. version = \"1.2.3\"")
        found.append(Package(name, str(entry["version"]), entry["module"], entry["call"],
                             entry["expect"], entry.get("setup", "")))
    return found


def pip_cache() -> Path:
    """Where pip keeps downloads for these runs: in the build cache, outside the repository."""
    return cache_root() / "pip"


def _index_versions(package: str, pip: list[str]) -> tuple[int, str]:
    done = subprocess.run(
        [*pip, "index", "versions", package, "--python-version", TARGET_PYTHON,
         "--retries", "1", "--timeout", "15", "--disable-pip-version-check"],
        capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def _unreachable(output: str) -> str | None:
    match = _UNREACHABLE.search(output)
    if not match:
        return None
    cause = re.search(r"\[Errno -?\d+\] ([^'\")]+)|(Name or service not known|timed out)", output)
    return (cause.group(1) or cause.group(2)).strip() if cause else match.group(0)


def check_index(packages: list[Package], pip: list[str] | None = None) -> None:
    """Ask the package index about every pinned release; raise the first problem found.

    The index is the one pip is configured with (``PIP_INDEX_URL``, pip.conf). An
    unreachable index, an unknown package and a version the index does not have are each
    one line; it runs before any variant is started, so a failed check stores nothing.
    """
    pip = pip or [sys.executable, "-m", "pip"]
    with ThreadPoolExecutor(8) as pool:  # waiting on the network, not on the CPU
        answers = list(pool.map(lambda p: _index_versions(p.name, pip), packages))
    for package, (code, output) in zip(packages, answers, strict=True):
        if cause := _unreachable(output):
            raise UserError(f"cannot reach the package index ({cause}); connect to the "
                            "network or set PIP_INDEX_URL to a reachable index, then run "
                            "again (nothing was measured)")
        listed = re.search(r"Available versions: (.*)", output)
        if code != 0 or not listed:
            raise UserError(f"{list_path()}: no package {package.name!r} on the package index; "
                            "correct its name in the list")
        versions = [v.strip() for v in listed.group(1).split(",")]
        if package.version not in versions:
            raise UserError(f"{list_path()}: {package.name} has no version {package.version} on "
                            f"the package index (newest: {versions[0]}); pin one that exists")


def prepare() -> None:
    """Before ``invoke demo packages``: check the list and the index, point pip's cache."""
    check_index(load())
    # Every variant's pip shares this cache: a wheel is downloaded once, whatever the runs.
    os.environ.setdefault("PIP_CACHE_DIR", str(pip_cache()))
