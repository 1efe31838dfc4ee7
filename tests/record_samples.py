"""Synthetic v2 records for the records and stats tests (never measurements: made-up values)."""

from __future__ import annotations

import copy
import json
import statistics
from pathlib import Path
from typing import Any

from inparallel.analysis.stats import median_ci


def row(workload: str = "numeric", strategy: str = "threads", workers: int = 1,
        values: list[float] | None = None, unit: str = "s", **extra: Any) -> dict:
    """A consistent result row: summary and interval computed from ``values``."""
    values = [1.0, 1.1, 0.9, 1.05, 0.95, 1.0] if values is None else values
    interval = median_ci(values) if unit == "s" else None
    doc = {
        "workload": workload, "strategy": strategy, "workers": workers, "params": {},
        "unit": unit, "values": values,
        "median": statistics.median(values) if values else None,
        "min": min(values) if values else None, "max": max(values) if values else None,
        "ci_low": interval[0] if interval else None, "ci_high": interval[1] if interval else None,
        "converged": (True if interval else None) if unit == "s" else None,
        "correct": True if values else None, "available": True, "reason": None, "error": None,
    }
    doc.update(extra)
    return doc


def run(variant: str = "3.14t", rows: list[dict] | None = None, env: dict | None = None,
        version: str | None = None) -> dict:
    """A run of one variant with its interpreter's self-report."""
    return {
        "variant": variant, "env": env or {},
        "interpreter": {
            "executable": f"/fake/{variant}/bin/python3", "origin": "built",
            "version": version or variant.rstrip("t") + ".0", "implementation": "CPython",
            "free_threaded_build": variant.endswith("t"), "configure_args": "",
            "compiler": "GCC",
        },
        "gil_enabled_at_end": not variant.endswith("t"), "duration_s": 1.0, "error": None,
        "results": rows if rows is not None else [row()],
    }


def record(demo: str = "nogil", started: str = "2026-11-25T13:05:12Z",
           machine: str = "fake-cpu", cpus: int = 2, runs: list[dict] | None = None,
           settings: dict | None = None, disturbed: bool = False) -> dict:
    """A complete, valid v2 record."""
    return {
        "schema_version": 2, "demo": demo, "title": "A synthetic record", "quick": False,
        "command": f"invoke demo {demo}", "started_at": started,
        "finished_at": started[:-3] + "59Z",
        "machine": {"id": machine, "hostname": "h", "cpu_model": f"Fake CPU {machine}",
                    "cpu_count": cpus, "usable_cpus": cpus, "memory_bytes": 2**33,
                    "os": "Debian", "kernel": "6", "arch": "x86_64"},
        "repository": {"commit": "a" * 40, "dirty": False},
        "settings": {"workers": [1, 2]} if settings is None else settings,
        "interference": {"wall_s": 10.0, "other_cpu_s": 4.0 if disturbed else 0.1,
                         "steal_s": 0.0, "other_cpu_fraction": 0.2 if disturbed else 0.005,
                         "disturbed": disturbed,
                         "reason": "other processes used 20% of the CPUs" if disturbed else None},
        "runs": runs if runs is not None else [run("3.14"), run("3.14t")],
    }


def put(folder: Path, doc: Any, name: str | None = None) -> Path:
    """Write ``doc`` (a dict, or raw text) as a file of ``folder/<demo>/``; return its path."""
    demo = doc["demo"] if isinstance(doc, dict) else "nogil"
    path = folder / demo / (name or f"{doc['started_at'].replace(':', '')}_{demo}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def edited(doc: dict, where: tuple, value: Any) -> dict:
    """A deep copy of ``doc`` with the item at path ``where`` set to ``value``."""
    changed = copy.deepcopy(doc)
    node = changed
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    return changed


def v1(doc: dict) -> dict:
    """``doc`` as the v1 writer stored it: no interval, convergence or interference."""
    old = {k: v for k, v in copy.deepcopy(doc).items() if k != "interference"}
    old["schema_version"] = 1
    for each in old["runs"]:
        each["results"] = [{k: v for k, v in r.items()
                            if k not in ("ci_low", "ci_high", "converged")}
                           for r in each["results"]]
    return old
