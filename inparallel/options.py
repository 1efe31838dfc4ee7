"""Checks of the tasks' own options (a demo's are in ``measure.demo_options``): each returns the
parsed value or raises a one-line ``UserError`` (exit 2), and every task calls them before
it does any work, so a typo never redraws charts or starts a build first."""

from __future__ import annotations

import os
from pathlib import Path

from inparallel.errors import UserError

# Far above any machine's cores, far below what would make make(1) fork itself to death.
MAX_JOBS = 1024


def _whole(value: object) -> int | None:
    """``value`` as an int if it is one written out (``"8"``, 8), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def port(value: object) -> int:
    """A TCP port to listen on: 1 to 65535."""
    number = _whole(value)
    if number is None or not 1 <= number <= 65535:
        raise UserError(f"--port {value!r} is not a port; give 1 to 65535, e.g. --port 8001",
                        code=2)
    return number


def jobs(value: object) -> int | None:
    """Parallel compile jobs; 0 or empty: one per core (None)."""
    if value in ("", None):
        return None
    number = _whole(value)
    if number is None or number > MAX_JOBS:
        raise UserError(f"--jobs {value!r} is not a number of jobs; give 1 to {MAX_JOBS}, "
                        "e.g. --jobs 2 (or leave it out: one per core)", code=2)
    return number or None


def source_file(value: str | None) -> Path | None:
    """A local source tarball that exists, or None when none was given."""
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise UserError(f"--source {value}: no such file; give the path of a "
                        "Python-X.Y.Z.tar.xz", code=2)
    return path


def folder(path: Path, option: str) -> Path:
    """An existing, readable folder (``--data``): anything else is refused, since reading an
    empty or missing one would publish "no data yet" over every page."""
    if not path.exists():
        raise UserError(f"{option} {path}: no such folder", code=2)
    if not path.is_dir():
        raise UserError(f"{option} {path}: is a file, not a folder", code=2)
    if not os.access(path, os.R_OK | os.X_OK):
        raise UserError(f"{option} {path}: cannot be read (check its permissions)", code=2)
    return path


def output_folder(path: Path, option: str) -> Path:
    """A folder to write into (``--docs``): it may be made, but must not be a file."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{option} {path}: is a file, not a folder", code=2)
    return path
