"""A cached build's list of files, written when it is installed and checked when it is used.

A build missing one standard-library file still starts and reports its version, so neither
the build record nor a probe notices it; the demos then fail, and ``invoke build`` called
it "already built". Checking that every installed file is still there, with its size, costs
a few thousand ``stat`` calls. Builds made before this manifest existed get the key files
checked instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

MANIFEST = "build-manifest.json"
# Changed by use rather than by damage: bytecode caches, and packages installed later.
UNLISTED = frozenset({"__pycache__", "site-packages"})
# Key files of a build without a manifest, under its lib/pythonX.Y[t]/ folder.
KEY_FILES = ("os.py", "site.py", "encodings/__init__.py", "json/__init__.py",
             "concurrent/futures/__init__.py", "lib-dynload")


def _files(prefix: Path) -> dict[str, int]:
    """Every installed file under ``prefix`` (caches and site-packages aside): its size."""
    found = {}
    for folder, subfolders, names in os.walk(prefix):
        subfolders[:] = [name for name in subfolders if name not in UNLISTED]
        for name in names:
            path = Path(folder, name)
            if not path.is_symlink():
                found[str(path.relative_to(prefix))] = path.stat().st_size
    found.pop(MANIFEST, None)
    return dict(sorted(found.items()))


def write(prefix: Path) -> None:
    """Record the files of a freshly installed, checked build."""
    (prefix / MANIFEST).write_text(json.dumps(_files(prefix), indent=0) + "\n")


def _stdlib(prefix: Path) -> Path | None:
    """The build's ``lib/pythonX.Y`` (or ``X.Yt``) folder."""
    found = sorted(p for p in (prefix / "lib").glob("python3*") if p.is_dir())
    return found[0] if found else None


def damage(prefix: Path, python: Path) -> str | None:
    """What is wrong with the build installed at ``prefix``, or None if it looks whole."""
    if not python.exists():
        return f"{python} is missing"
    listed = prefix / MANIFEST
    if listed.is_file():
        try:
            sizes = json.loads(listed.read_text())
        except (OSError, ValueError):
            return f"{listed} is unreadable"
        for relative, size in sizes.items():
            path = prefix / relative
            try:
                if path.stat().st_size != size:
                    return f"{relative} has changed size"
            except OSError:
                return f"{relative} is missing"
        return None
    stdlib = _stdlib(prefix)
    if stdlib is None:
        return f"{prefix / 'lib'} holds no standard library"
    missing = [name for name in KEY_FILES if not (stdlib / name).exists()]
    return f"{(stdlib / missing[0]).relative_to(prefix)} is missing" if missing else None
