"""Finding an interpreter for each catalog variant: our own builds first, then the system's."""

from __future__ import annotations

import glob
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from inparallel.build import builder, catalog
from inparallel.build.catalog import Variant
from inparallel.build.interpreters import InterpreterInfo, probe


@dataclass(frozen=True)
class Located:
    """Where a variant's interpreter is, if anywhere."""

    variant: Variant
    status: str  # built | found | missing
    executable: Path | None = None
    origin: str = ""  # built | path | pyenv | uv
    info: InterpreterInfo | None = None


def _system_candidates(variant: Variant) -> list[tuple[str, Path]]:
    """Interpreters on PATH, in pyenv and in uv that might match ``variant``, best first."""
    found: list[tuple[str, Path]] = []
    suffix = "t" if variant.free_threaded else ""
    for name in (f"python{variant.series}{suffix}",):
        exe = shutil.which(name)
        if exe:
            found.append(("path", Path(exe)))
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    pattern = f"{variant.series}.*{suffix}" if suffix else f"{variant.series}.*"
    for home in sorted(glob.glob(str(pyenv_root / "versions" / pattern)), reverse=True):
        found.append(("pyenv", Path(home) / "bin" / f"python{variant.series}{suffix}"))
    uv_root = Path(os.environ.get("UV_PYTHON_INSTALL_DIR", Path.home() / ".local/share/uv/python"))
    uv_pattern = f"cpython-{variant.series}.*{'+freethreaded' if suffix else ''}-*"
    for home in sorted(glob.glob(str(uv_root / uv_pattern)), reverse=True):
        found.append(("uv", Path(home) / "bin" / f"python{variant.series}{suffix}"))
    # pyenv shims on PATH re-dispatch to pyenv versions; drop them to avoid double entries.
    return [(origin, exe) for origin, exe in found if "/shims/" not in str(exe) and exe.exists()]


def matches(variant: Variant, info: InterpreterInfo) -> bool:
    """A found interpreter stands in for a variant if its series and GIL build agree."""
    return (
        info.implementation == "CPython"
        and info.series == variant.series
        and info.free_threaded_build == variant.free_threaded
    )


def locate(variant: Variant) -> Located:
    """Our build if there is one, else the first matching system interpreter, else missing."""
    record = builder.built_info(variant)
    if record:
        exe = builder.python_in(builder.paths.prefix_for(variant.name))
        info = probe(exe)
        if info:
            return Located(variant, "built", exe, "built", info)
    for origin, exe in _system_candidates(variant):
        info = probe(exe)
        if info and matches(variant, info):
            return Located(variant, "found", exe, origin, info)
    return Located(variant, "missing")


def discover_all() -> list[Located]:
    """Locate every catalog variant, in catalog order."""
    return [locate(variant) for variant in catalog.load().values()]
