"""The one typed loader of ``data/``: read, migrate, validate, and return ``model.Record``.

Every reader (charts, quoted numbers, the notebook, the live demo) goes through ``read`` or
``load_demo``. A file that is not a valid record is refused with ``InvalidRecord``: one line
naming the file and its problem, so that nothing is drawn or published from it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inparallel.records import validate
from inparallel.records.errors import InvalidRecord
from inparallel.records.intervals import median_ci
from inparallel.records.model import (
    SCHEMA_VERSION,
    TIMING_UNITS,
    Interference,
    Interpreter,
    Machine,
    Noise,
    Record,
    Repository,
    Row,
    Run,
)

# Versions this checkout reads: older ones are migrated on load.
READABLE_VERSIONS = (1, SCHEMA_VERSION)
NEWER_FIX = "this checkout reads schema versions 1 and 2: update it with `git pull`"


def _is_number(value: Any) -> bool:
    """A finite number that a float can hold (JSON integers can be too large for one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= sys.float_info.max if isinstance(value, int) else math.isfinite(value)


def _interval(row: dict) -> tuple[float, float] | tuple[None, None]:
    """The 95% interval a v2 writer would have stored for a v1 row, from its raw values."""
    values, unit = row.get("values"), row.get("unit")
    if not isinstance(unit, str) or unit not in TIMING_UNITS or not isinstance(values, list):
        return None, None
    if not all(_is_number(v) for v in values):
        return None, None  # left as it is: validation names the bad value
    return median_ci(values) or (None, None)


def _split_env(run: dict) -> None:
    """Early v1 files folded the environment into the variant (``3.14t PYTHON_GIL=1``)."""
    variant = run.get("variant")
    if "env" in run or not isinstance(variant, str) or not variant.split():
        return
    name, *pairs = variant.split()
    if all("=" in pair for pair in pairs):
        run["variant"] = name
        run["env"] = dict(pair.split("=", 1) for pair in pairs)


def migrate_v1(doc: dict) -> dict:
    """A v1 document as v2: no interference measured, intervals computed, convergence unknown.

    Only well-shaped parts are filled in; anything malformed is left for validation to name.
    """
    doc = copy.deepcopy(doc)
    doc["schema_version"] = SCHEMA_VERSION
    doc.setdefault("interference", None)
    runs = doc.get("runs")
    for run in runs if isinstance(runs, list) else []:
        if isinstance(run, dict):
            _split_env(run)
        results = run.get("results") if isinstance(run, dict) else None
        for row in results if isinstance(results, list) else []:
            if isinstance(row, dict) and "ci_low" not in row and "ci_high" not in row:
                row["ci_low"], row["ci_high"] = _interval(row)
                row.setdefault("converged", None)
    return doc


def _row(doc: dict) -> Row:
    return Row(
        workload=doc["workload"], strategy=doc["strategy"], workers=int(doc["workers"]),
        params=dict(doc["params"]), unit=doc["unit"],
        values=tuple(float(v) for v in doc["values"]),
        **{k: None if doc[k] is None else float(doc[k])
           for k in ("median", "min", "max", "ci_low", "ci_high")},
        converged=doc["converged"], correct=doc["correct"], available=doc["available"],
        reason=doc["reason"], error=doc["error"], loops=int(doc.get("loops", 1)),
        noise_spread=doc.get("noise_spread"), paired_with=doc.get("paired_with"),
        paired_ratios=tuple(float(v) for v in doc.get("paired_ratios", ())),
        page_faults=tuple(float(v) for v in doc.get("page_faults", ())),
    )


def _run(doc: dict) -> Run:
    return Run(
        variant=doc["variant"], env=dict(doc["env"]), interpreter=Interpreter(**doc["interpreter"]),
        gil_enabled_at_end=doc["gil_enabled_at_end"], duration_s=float(doc["duration_s"]),
        error=doc["error"], results=tuple(_row(row) for row in doc["results"]),
    )


def _machine(doc: dict) -> Machine:
    known = {k: doc[k] for k in ("id", "hostname", "cpu_model", "os", "kernel", "arch")}
    counts = {k: int(doc[k]) for k in ("cpu_count", "usable_cpus", "memory_bytes")}
    extra = {k: v for k, v in doc.items()
             if k not in known and k not in counts and k != "fingerprint"}
    return Machine(**known, **counts, fingerprint=doc.get("fingerprint"), extra=extra)


def _noise(doc: dict | None) -> Noise | None:
    if doc is None:
        return None
    return Noise(spread=doc["spread"], kind=doc["class"], threshold=float(doc["threshold"]),
                 points=int(doc["points"]), pair_scatter=doc.get("pair_scatter"),
                 pair_threshold=doc.get("pair_threshold"))


def content_hash(doc: dict) -> str:
    """What makes a run this run: its whole content, whatever the file is called."""
    text = json.dumps(doc, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _record(doc: dict, path: Path, migrated_from: int | None) -> Record:
    interference = doc["interference"]
    return Record(
        path=path, schema_version=doc["schema_version"], demo=doc["demo"], title=doc["title"],
        quick=doc["quick"], command=doc["command"], started_at=doc["started_at"],
        finished_at=doc["finished_at"], machine=_machine(doc["machine"]),
        repository=Repository(**doc["repository"]), settings=dict(doc["settings"]),
        interference=None if interference is None else Interference(
            **{k: float(v) if _is_number(v) else v for k, v in interference.items()}),
        runs=tuple(_run(run) for run in doc["runs"]), migrated_from=migrated_from,
        noise=_noise(doc.get("noise")), content=content_hash(doc),
    )


def parse(doc: Any, path: Path | str) -> Record:
    """A parsed JSON document as a ``Record``, migrated and validated; ``path`` names it."""
    path = Path(path)
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and "schema_version" in doc and version not in READABLE_VERSIONS:
        if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            raise InvalidRecord(path, f"schema_version {version} is newer than this checkout",
                                NEWER_FIX)
        raise InvalidRecord(path, f"schema_version {version!r} is not a known version (1 or 2)")
    migrated_from = None
    if version == 1 and not isinstance(version, bool):
        doc, migrated_from = migrate_v1(doc), 1
    found = validate.problem(doc)
    if found is None:
        found = validate.name_problem(doc, path.name)
    if found is not None:
        command = doc.get("command") if isinstance(doc, dict) else None
        if isinstance(command, str) and command.startswith("invoke ") and "\n" not in command:
            raise InvalidRecord(path, found, f"move it out of data/, or measure again: {command}")
        raise InvalidRecord(path, found)
    return _record(doc, path, migrated_from)


def read(path: Path | str) -> Record:
    """One file of ``data/`` as a ``Record``; ``InvalidRecord`` (one line) if it is not valid."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidRecord(path, "is not UTF-8 text") from None
    except OSError as error:
        raise InvalidRecord(path, f"cannot be read: {error.strerror or error}",
                            "check the file's permissions, or move it out of data/") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidRecord(path, f"is not JSON ({error.msg} at line {error.lineno} "
                                  f"column {error.colno})") from None
    except RecursionError:
        raise InvalidRecord(path, "is not JSON a reader can hold (nested too deeply)") from None
    return parse(doc, path)


def _inside(path: Path, data_dir: Path) -> Path:
    """``path``, refused if it is a link that leads out of the repository (``data_dir``'s
    parent): it would be read, published and copied into the site from wherever it points."""
    if path.is_symlink():
        repository = data_dir.absolute().parent.resolve()
        target = path.resolve()
        if not target.is_relative_to(repository):
            raise InvalidRecord(path, f"is a link to {target}, outside the repository",
                                "put the file itself in data/, or remove the link")
    return path


def data_files(data_dir: Path | str, demo: str, quick: bool = False) -> list[Path]:
    """The files of ``demo`` in ``data_dir``, oldest first; smoke runs only with ``quick``.

    A link (file or folder, ``data_dir`` itself too) that leads out of the repository raises
    ``InvalidRecord`` before anything is read through it.
    """
    root = _inside(Path(data_dir), Path(data_dir))
    folder = _inside(root / demo, root)
    return [_inside(path, root) for path in sorted(folder.glob("*.json"))
            if quick or not path.name.endswith("_quick.json")] if folder.is_dir() else []


def load_demo(data_dir: Path | str, demo: str, quick: bool = False,
              on_invalid: Callable[[InvalidRecord], None] | None = None) -> list[Record]:
    """Every record of ``demo`` in ``data_dir``, oldest first; smoke runs only with ``quick``.

    An invalid file raises ``InvalidRecord`` unless ``on_invalid`` is given: then it is passed
    the error and the file is left out (for a preview build that lists what it skipped).
    """
    found = []
    for path in data_files(data_dir, demo, quick):
        try:
            record = read(path)
            if record.demo != demo:
                raise InvalidRecord(path, f"is in data/{demo}/ but holds demo {record.demo!r}",
                                    f"move it to data/{record.demo}/")
        except InvalidRecord as error:
            if on_invalid is None:
                raise
            on_invalid(error)
            continue
        if record.quick and not quick:
            continue
        found.append(record)
    # Stamps lead the file names, but the record's own start time is the authority.
    found.sort(key=lambda r: (r.started_at, r.path.name))
    return once_each(found)


def once_each(records: list[Record]) -> list[Record]:
    """One record per run: a copy of a file under another name counts once (the first)."""
    seen: set[str] = set()
    kept = []
    for record in records:
        if record.content not in seen:
            seen.add(record.content)
            kept.append(record)
    return kept


def demos(data_dir: Path | str) -> list[str]:
    """The demos that have a folder in ``data_dir``, sorted."""
    root = _inside(Path(data_dir), Path(data_dir))
    return sorted(p.name for p in root.iterdir()
                  if _inside(p, root).is_dir()) if root.is_dir() else []


def check_all(data_dir: Path | str, quick: bool = False) -> list[Record]:
    """Every record of every demo in ``data_dir``, each validated: the first invalid one raises.

    Publishing calls this before it draws or writes anything, so that an invalid file stops
    the build with nothing half-published.
    """
    return [record for demo in demos(data_dir) for record in load_demo(data_dir, demo, quick)]
