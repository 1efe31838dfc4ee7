"""Writing records into ``data/``: validated, atomic, never clobbering, and never lost.

A record that cannot be written into ``data/`` (read-only folder, full disk, any ``OSError``)
is written to a fallback folder outside the repository instead, and the ``UserError`` says
where it is and the exact command that moves it into place.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shlex
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformdirs import user_state_dir

from inparallel.errors import UserError
from inparallel.paths import DATA
from inparallel.records import load as records_load
from inparallel.records import validate

DATA_ENV = "INPARALLEL_DATA"
UNSAVED_ENV = "INPARALLEL_UNSAVED"


def data_dir() -> Path:
    """``data/`` in the repository, or ``$INPARALLEL_DATA`` (tests point it elsewhere)."""
    override = os.environ.get(DATA_ENV)
    return Path(override) if override else DATA


def unsaved_dir() -> Path:
    """Where a record goes when ``data/`` cannot take it: the user's state folder.

    ``$INPARALLEL_UNSAVED`` overrides it (tests point it elsewhere).
    """
    override = os.environ.get(UNSAVED_ENV)
    return Path(override) if override else Path(user_state_dir("python-in-parallel")) / "unsaved"


def file_name(record: dict) -> str:
    """``<timestamp>_<machine id>_<N>cpu[_quick].json``: sortable, and says what is inside.

    N is the CPUs the run could use, as in the machine key the charts group by.
    """
    stamp = record["started_at"].replace("-", "").replace(":", "")
    quick = "_quick" if record["quick"] else ""
    machine = record["machine"]
    return f"{stamp}_{machine['id']}_{machine['usable_cpus']}cpu{quick}.json"


def problems(record: dict) -> list[str]:
    """What makes ``record`` invalid against ``schema.json`` and its checks (empty if valid)."""
    found = validate.problem(record)
    return [] if found is None else [found]


def _write_new(document: Any, target: Path, strict: bool = True) -> None:
    """Write ``target`` atomically: complete or absent, and never over an existing file.

    ``strict=False`` keeps whatever an invalid record holds (NaN, odd types) for a bug report.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=1, allow_nan=not strict,
                      default=None if strict else repr)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        # link() fails if the target exists, unlike replace(): earlier data is never clobbered.
        os.link(temp, target)
    finally:
        # If the folder became unusable, the error above says why; the temporary may stay.
        with contextlib.suppress(OSError):
            os.unlink(temp)


def private_temp_dir() -> Path:
    """A new folder under the system temp folder that only this user can enter (mode 0700).

    Never a fixed name: anyone can create ``/tmp/<name>`` first, as a link to a folder of
    theirs, and read or replace what is written through it. ``mkdtemp`` makes the folder
    itself and fails rather than reuse anything that is there.
    """
    return Path(tempfile.mkdtemp(prefix="python-in-parallel-unsaved-"))


def _keep_elsewhere(document: Any, demo: str, name: str) -> Path:
    """Write ``document`` under the fallback folder (or a private temp folder); its path."""
    last: OSError | None = None
    for root in (unsaved_dir, private_temp_dir):
        try:
            target = root() / demo / name
            if target.exists():  # a retry of the same run: keep both
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                target = target.with_name(f"{target.stem}.{stamp}.json")
            _write_new(document, target, strict=False)
            return target
        except OSError as error:
            last = error
    raise UserError(f"the record could not be saved anywhere ({last}); "
                    "free some disk space and run the command again")


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is not writable"
    return error.strerror or str(error)


def write(record: dict, directory: Path | None = None) -> Path:
    """Validate ``record`` and store it atomically in ``data/<demo>/``; return its path.

    Never overwrites a file. If the record is invalid, or ``data/`` cannot take it, the record
    is kept in ``unsaved_dir()`` and a one-line ``UserError`` says where and what to do.
    """
    demo = record.get("demo") if isinstance(record, dict) else None
    demo = demo if isinstance(demo, str) and demo and "/" not in demo else "unknown"
    found = validate.problem(record)
    if found is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = _keep_elsewhere(record, demo, f"{stamp}_invalid.json")
        raise UserError(f"the {demo} run's record is invalid ({found}), so it was not stored in "
                        f"data/; it is kept at {kept} for a bug report")
    target = (directory or data_dir()) / demo / file_name(record)
    try:
        _write_new(record, target)
    except FileExistsError:
        kept = _keep_elsewhere(record, demo, target.name)
        raise UserError(f"{target} already exists (two runs in the same second); this run is "
                        f"kept at {kept}") from None
    except OSError as error:
        kept = _keep_elsewhere(record, demo, target.name)
        move = (f"mkdir -p {shlex.quote(str(target.parent))} && "
                f"mv -n {shlex.quote(str(kept))} {shlex.quote(str(target))}")
        raise UserError(f"could not write {target} ({_reason(error)}); the record is saved at "
                        f"{kept}; once fixed, move it into data/ with: {move}") from None
    return target


def read(path: Path) -> dict:
    """Deprecated (use ``load.read``): one stored record as a dict, refused if invalid."""
    records_load.read(path)
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load(demo: str, directory: Path | None = None, quick: bool = False) -> list[dict]:
    """Deprecated (use ``load.load_demo``): valid records of ``demo`` as dicts, oldest first."""
    records = records_load.load_demo(directory or data_dir(), demo, quick=quick)
    return [json.loads(r.path.read_text(encoding="utf-8")) for r in records]
