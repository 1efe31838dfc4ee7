"""The runs behind every number: one table per demo and machine, one row per run.

Captions and findings say "median of N runs" and link here instead of listing file names:
the link lands on the table of the runs that produced the number (its heading's anchor,
``anchor``), where each row names the file, its start, its noise class, whether it counted
(and why not) and the command that made it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from inparallel.analysis.results import machine_results
from inparallel.publish import escape
from inparallel.records.load import demos, load_demo

#: The page that includes the generated table, relative to every page that links to it.
PAGE = "runs.md"


def anchor(demo: str, machine_key: str) -> str:
    """The id of the table of ``demo``'s runs on one machine: only ``[a-z0-9-]``, since the
    demo folder and the machine key come from data files."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{demo}-{machine_key}".lower()).strip("-")
    return f"runs-{slug}"


def runs_link(demo: str, result: Any) -> Markup:
    """``[3 runs](runs.md#runs-<demo>-<machine>)``: the runs a machine's numbers came from."""
    count = len(result.files)
    label = f"{count} run{'s' if count != 1 else ''}"
    return escape.link(label, f"{PAGE}#{anchor(demo, result.machine.key)}")


def _row(record: Any, counted: str) -> str:
    cells = (escape.evidence_link(record.path), escape.text(record.started_at),
             escape.text(record.noise_class), counted, escape.code(record.command))
    return "| " + " | ".join(cells) + " |"


def _machine_table(demo: str, result: Any, records: dict[Path, Any]) -> str:
    """The heading (with its anchor) and the table of one machine's runs of ``demo``: the runs
    that counted first, oldest first, then those left out with the reason."""
    lines = [f"### {escape.text(demo)}: {escape.text(result.machine.label)} "
             f"{{#{anchor(demo, result.machine.key)}}}", "",
             "| Run | Started (UTC) | Noise | Counted | Command |", "|---|---|---|---|---|"]
    lines += [_row(records[path], "yes") for path in result.files if path in records]
    lines += [_row(records[e.path], f"no: {escape.text(e.reason)}")
              for e in result.excluded if e.path in records]
    return "\n".join(lines) + "\n"


def table(data_dir: Path) -> str:
    """Every demo's runs, per machine, as the runs page includes them."""
    sections = []
    for demo in demos(data_dir):
        records = {r.path: r for r in load_demo(data_dir, demo)}
        if not records:
            continue
        sections.append(f"## {escape.text(demo)}\n\n" + "\n".join(
            _machine_table(demo, result, records) for result in machine_results(data_dir, demo)))
    if not sections:
        return ('!!! info "No measurement committed yet"\n\n    `data/` holds no measurement '
                "files yet; `invoke bench` runs every demo and writes them.\n")
    return "\n".join(sections)
