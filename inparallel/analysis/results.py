"""The one way into the aggregated data: every chart, finding and notebook cell starts here."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def machine_results(data_dir: Path, demo: str, quick: bool = False) -> list[Any]:
    """``stats.aggregate`` over every record of ``demo``: one ``MachineResult`` per machine,
    most CPUs first (an empty list when the demo has no committed data)."""
    from inparallel.analysis.stats import aggregate
    from inparallel.records.load import load_demo

    return list(aggregate(load_demo(data_dir, demo, quick=quick)))


def evidence_path(path: Path) -> str:
    """``data/<demo>/<file>``: a data file as pages link it (the site publishes data/)."""
    return f"data/{path.parent.name}/{path.name}"
