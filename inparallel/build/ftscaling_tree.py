"""CPython's own scaling benchmark, ``Tools/ftscalingbench/``, taken from the pinned source trees.

The ftscaling demo runs that script as each release ships it, never a copy kept here. Only that
folder is extracted from the verified tarball, into the build cache: ``ftscalingbench/<version>/``
holds the release's files, and an empty folder records that a release has none (3.13.15's tree
has no ``Tools/ftscalingbench``: it came with gh-125986, in 3.14). A folder appears whole or
not at all: it is filled under a temporary name and renamed into place.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

from inparallel.build import catalog, sources
from inparallel.build.catalog import Variant
from inparallel.paths import cache_root, downloads_dir

TOOL = "Tools/ftscalingbench"
SCRIPT = "ftscalingbench.py"
#: The environment variable through which the demo finds the trees (demos/ftscaling.py).
ENV = "INPARALLEL_FTSCALINGBENCH"


def trees_root() -> Path:
    """Where the extracted folders live: one per release, named by its version."""
    return cache_root() / "ftscalingbench"


def _members(archive: tarfile.TarFile, version: str) -> Iterable[tarfile.TarInfo]:
    """The tool's regular files, renamed to their path inside the tool's folder."""
    prefix = f"Python-{version}/{TOOL}/"
    for member in archive:
        if member.isfile() and member.name.startswith(prefix):
            member.name = member.name.removeprefix(prefix)
            yield member


def extract(variant: Variant, tarball: Path, root: Path) -> Path | None:
    """The folder holding ``variant``'s ftscalingbench.py, or None when its release has none.

    A cached folder is used as it is. Otherwise the tarball must have the catalog's SHA-256
    (``sources.verify``: a mismatch deletes the tarball and raises ``UserError``, and nothing
    is extracted); then only the tool's files are extracted (tarfile's "data" filter refuses
    links and paths that leave the folder).
    """
    final = root / variant.version
    if not final.is_dir():
        sources.verify(tarball, variant.sha256, str(tarball))
        root.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{variant.version}-", dir=root))
        try:
            # A stream ("r|*"): one pass over the 30 MB of xz, where random access would
            # decompress it again from the start for each member.
            with tarfile.open(tarball, "r|*") as archive:
                archive.extractall(partial, members=_members(archive, variant.version),
                                   filter="data")
            partial.chmod(0o755)  # mkdtemp's 0700 would hide it from other users of the cache
            try:
                partial.rename(final)
            except OSError:
                if not final.is_dir():  # not a concurrent extraction that got there first
                    raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return final if (final / SCRIPT).is_file() else None


def free_threaded() -> list[Variant]:
    """The free-threaded variants of the catalog, the builds the scaling benchmark is for."""
    return [variant for variant in catalog.load().values() if variant.free_threaded]


def prepare(variants: Iterable[Variant] | None = None) -> None:
    """Extract the tool of every free-threaded variant's release (fetching a tarball that is
    not cached), and tell the demo where: ``$INPARALLEL_FTSCALINGBENCH``, which the demo
    processes inherit (inparallel/measure/runner.py passes the environment on)."""
    root = trees_root()
    for variant in variants if variants is not None else free_threaded():
        tarball = downloads_dir() / variant.tarball
        if not (root / variant.version).is_dir() and not tarball.is_file():
            tarball = sources.fetch(variant, downloads_dir())
        extract(variant, tarball, root)
    os.environ[ENV] = str(root)
