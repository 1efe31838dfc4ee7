"""Build the site beside the published one and swap it in only when complete.

``mkdocs build`` empties its site folder first, so a build stopped halfway (Ctrl-C, SIGTERM, a
full disk, a strict-mode failure) used to leave no site at all. Here mkdocs writes into a new
folder next to ``site/``; a finished build replaces the old one by two renames on the same
file system, and anything else leaves the old site as it was and removes the new folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from inparallel.publish import mkdocs_hook


def swap_in(fresh: Path, site: Path) -> None:
    """Put the folder ``fresh`` where ``site`` is, the old one removed (renames, no copy)."""
    if not site.exists():
        fresh.rename(site)
        return
    old = site.with_name(f".{site.name}-old-{os.getpid()}")
    if old.exists():  # left by a process killed between the renames below
        shutil.rmtree(old)
    site.rename(old)
    try:
        fresh.rename(site)
    except BaseException:
        old.rename(site)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build_in_place(project: Path, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``site`` (default ``project/site``),
    replacing it only when the build succeeded; the old site survives anything else."""
    site = site if site is not None else project / "site"
    site.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{site.name}-new-", dir=site.parent))
    try:
        result = mkdocs_hook.build(project, fresh)
        if result.returncode == 0:
            # mkdtemp's 0700 would keep a web server out: the old site's mode, or the usual one.
            fresh.chmod(site.stat().st_mode & 0o777 if site.is_dir() else 0o755)
            swap_in(fresh, site)
        return result
    finally:
        shutil.rmtree(fresh, ignore_errors=True)  # gone already when it was swapped in
