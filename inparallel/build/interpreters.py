"""Asking an interpreter what it is: version, build flags and whether its GIL is on."""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

# Runs inside the probed interpreter, so it must work on every version from 3.8 on.
_PROBE = r"""
import json, platform, sys, sysconfig
gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
print(json.dumps({
    "executable": sys.executable,
    "version": platform.python_version(),
    "hexversion": sys.hexversion,
    "implementation": platform.python_implementation(),
    "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "gil_enabled": bool(gil),
    "configure_args": sysconfig.get_config_var("CONFIG_ARGS") or "",
    "compiler": platform.python_compiler(),
}))
"""


@dataclass(frozen=True)
class InterpreterInfo:
    """What an interpreter reports about itself."""

    executable: str
    version: str
    hexversion: int
    implementation: str
    free_threaded_build: bool
    gil_enabled: bool
    configure_args: str
    compiler: str

    @property
    def series(self) -> str:
        """``3.14`` for ``3.14.7``."""
        return ".".join(self.version.split(".")[:2])

    def to_dict(self) -> dict:
        """A plain dict for JSON records."""
        return asdict(self)


def probe(executable: Path | str, timeout: float = 30) -> InterpreterInfo | None:
    """Run ``executable`` and return its self-description, or None if it does not run."""
    try:
        done = subprocess.run(
            [str(executable), "-I", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        return InterpreterInfo(**json.loads(done.stdout))
    except (OSError, subprocess.SubprocessError, ValueError, TypeError):
        return None
