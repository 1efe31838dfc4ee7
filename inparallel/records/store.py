"""Reading and writing measurement files in ``data/``: atomic writes, schema checks."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from inparallel.paths import DATA

SCHEMA_VERSION = 1
DATA_ENV = "INPARALLEL_DATA"

RECORD_KEYS = {
    "schema_version", "demo", "title", "quick", "command", "started_at", "finished_at",
    "machine", "repository", "settings", "runs",
}
MACHINE_KEYS = {
    "id", "hostname", "cpu_model", "cpu_count", "usable_cpus", "memory_bytes", "os", "kernel",
    "arch",
}
RUN_KEYS = {"variant", "env", "interpreter", "gil_enabled_at_end", "duration_s", "error", "results"}
INTERPRETER_KEYS = {
    "executable", "origin", "version", "implementation", "free_threaded_build",
    "configure_args", "compiler",
}
ROW_KEYS = {
    "workload", "strategy", "workers", "params", "unit", "values", "median", "min", "max",
    "correct", "available", "reason", "error",
}


def data_dir() -> Path:
    """``data/`` in the repository, or ``$INPARALLEL_DATA`` (tests point it elsewhere)."""
    override = os.environ.get(DATA_ENV)
    return Path(override) if override else DATA


def file_name(record: dict) -> str:
    """``<timestamp>_<machine id>_<N>cpu[_quick].json``: sortable, and says what is inside."""
    stamp = record["started_at"].replace("-", "").replace(":", "")
    quick = "_quick" if record["quick"] else ""
    machine = record["machine"]
    return f"{stamp}_{machine['id']}_{machine['cpu_count']}cpu{quick}.json"


def problems(record: dict) -> list[str]:
    """Everything that makes ``record`` violate the schema in data/README.md (empty if valid)."""
    found = [f"missing key {k!r}" for k in sorted(RECORD_KEYS - record.keys())]
    if found:
        return found
    if record["schema_version"] != SCHEMA_VERSION:
        found.append(f"schema_version {record['schema_version']} is not {SCHEMA_VERSION}")
    found += [f"machine lacks {k!r}" for k in sorted(MACHINE_KEYS - record["machine"].keys())]
    if not record["repository"].get("commit"):
        found.append("repository commit is missing")
    for run in record["runs"]:
        where = f"run {run.get('variant', '?')}"
        found += [f"{where} lacks {k!r}" for k in sorted(RUN_KEYS - run.keys())]
        found += [
            f"{where} interpreter lacks {k!r}"
            for k in sorted(INTERPRETER_KEYS - run.get("interpreter", {}).keys())
        ]
        for i, result in enumerate(run.get("results", [])):
            found += [f"{where} row {i} lacks {k!r}" for k in sorted(ROW_KEYS - result.keys())]
    return found


def write(record: dict, directory: Path | None = None) -> Path:
    """Validate and store a record atomically; return its path. Never overwrites a file."""
    issues = problems(record)
    if issues:
        raise ValueError("refusing to store an invalid record: " + "; ".join(issues))
    folder = (directory or data_dir()) / record["demo"]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(record)
    fd, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(record, out, indent=1)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        # link() fails if the target exists, unlike replace(): earlier data is never clobbered.
        os.link(temp, target)
    finally:
        os.unlink(temp)
    return target


def read(path: Path) -> dict:
    """One stored record."""
    return json.loads(path.read_text())


def load(demo: str, directory: Path | None = None, quick: bool = False) -> list[dict]:
    """Every stored record of ``demo``, oldest first; quick smoke runs only if asked."""
    folder = (directory or data_dir()) / demo
    records = []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith("_quick.json") and not quick:
            continue
        records.append(read(path))
    return records
