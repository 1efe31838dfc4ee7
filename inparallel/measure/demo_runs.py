"""Running demos: one (``run``, behind ``invoke demo NAME``) or every timing demo (``bench``),
each result printed as a line while it runs, and the record stored.

``invoke demo nogil`` is ``run`` with a live table on top (``publish.live``, handed in by the
task). Stage runs (``--stage``: fixed work per worker, sized for a talk's slot) are rehearsals
and performances, not evidence: they are stored under ``build/stage-data/``
(``$INPARALLEL_STAGE_DATA`` moves it), never in ``data/``, so a run on stage cannot replace a
chart's measurements.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from inparallel.build import prerequisites
from inparallel.build.discovery import discover_all
from inparallel.console import console
from inparallel.errors import UserError
from inparallel.measure import collect, demo_options, provenance
from inparallel.measure.collect import Target
from inparallel.measure.demo_options import DemoOptions
from inparallel.measure.registry import REGISTRY, DemoSpec, known_demos, spec_for, targets_for
from inparallel.paths import REPO
from inparallel.records import store
from inparallel.units import seconds, size

STAGE_DATA_ENV = "INPARALLEL_STAGE_DATA"


def stage_data_dir() -> Path:
    """Where stage runs are stored: build/stage-data/, or ``$INPARALLEL_STAGE_DATA``."""
    override = os.environ.get(STAGE_DATA_ENV)
    return Path(override) if override else REPO / "build" / "stage-data"


def _detail(params: dict) -> str:
    """The parameter that tells rows of one workload apart: a module, a payload's byte count."""
    if "module" in params:
        return str(params["module"])[:9]
    if "size_bytes" in params:
        return size(float(params["size_bytes"]))
    return ""


def format_row(label: str, row: dict) -> str:
    """One result as a line of at most 80 columns (a reason or error may run longer)."""
    head = (f"{label[:18]:<18} {row['workload'][:11]:<11} {_detail(row['params']):<9} "
            f"{row['strategy'][:20]:<20} x{row['workers']:<3}")
    if not row["available"]:
        return f"{head} [yellow]n/a[/]: {row['reason']}"
    if row["error"]:
        return f"{head} [red]error[/]: {row['error']}"
    check = {True: "[green]✓[/]", False: "[red]✗ wrong[/]", None: ""}[row["correct"]]
    value = (seconds(row["median"]) if row["unit"] == "s"
             else f"{row['median']:.4g} {row['unit']}")
    return f"{head} {value} {check}".rstrip()


def _print_row(label: str, row: dict) -> None:
    # soft_wrap: a long reason runs on rather than being folded inside a word or number.
    console.print(format_row(label, row), soft_wrap=True)


RowView = Callable[[DemoSpec, DemoOptions, list[Target]], AbstractContextManager]


def _rows_view(spec: DemoSpec, options: DemoOptions, targets: list[Target]):
    return nullcontext(_print_row)


def _targets(spec: DemoSpec, available: list | None) -> list[Target]:
    if available is None and spec.build_missing and spec.variants:
        return [Target(found) for found in collect.ensure(list(spec.variants))]
    targets = targets_for(spec, discover_all() if available is None else available)
    if not targets:
        wanted = ",".join(spec.variants) if spec.variants else "all"
        raise UserError(f"no variant for {spec.name} is available; run: invoke build {wanted}")
    return targets


def run(options: DemoOptions, available: list | None = None, live: RowView | None = None,
        after: Callable[[Path], None] | None = None) -> Path:
    """Run one demo under its variants, store the record, return its path.

    ``available`` (from ``bench``) skips the build step and the busy check, done once there.
    ``live`` is the view of a demo that has one (the nogil table and CPU bars, from
    ``inparallel.publish.live``), shown instead of plain rows, and ``after`` what runs on the
    stored file then (its verdict and chart): the task that runs the demo chooses both, so
    that measuring never reaches into presenting. The record is the same either way.
    """
    spec = spec_for(options.name)
    prerequisites.install_packages(spec.packages)
    if spec.prepare is not None:
        spec.prepare()
    targets = _targets(spec, available)
    if available is None:
        collect.warn_if_busy()
    console.print(f"[bold]{spec.title}[/]: " + ", ".join(t.label for t in targets))
    view: RowView = live if live is not None and spec.live else _rows_view
    arg_sets = options.arg_sets(spec, provenance.usable_cpus())
    with view(spec, options, targets) as on_row:
        record = collect.collect(
            spec.name, spec.title, targets, arg_sets, quick=options.quick,
            command=options.command, settings=options.settings, timeout_s=spec.timeout_s,
            on_row=on_row,
        )
    path = store.write(record, stage_data_dir() if options.stage else None)
    console.print(f"stored: {path}", soft_wrap=True)
    if live is not None and spec.live and after is not None:
        after(path)
    return path


def bench(quick: bool, names: list[str] | None = None, experiments: bool = False) -> list[Path]:
    """Every demo under every available variant, with an overall progress bar and ETA.

    Demos with ``in_bench`` False (the packages demo, which needs the package index) are left
    out unless named; ``experiments`` runs the experiment demos instead of the timing demos.

    Each demo runs through ``run`` with the options ``invoke demo NAME [--quick]`` has, so
    its file is the one that command would store.
    """
    collect.warn_if_busy()
    available = discover_all()
    missing = [found.variant.name for found in available if found.status == "missing"]
    if missing:
        console.print(f"[yellow]not available here (skipped):[/] {', '.join(missing)}")
    chosen = [n for n in known_demos()
              if REGISTRY[n].in_bench and REGISTRY[n].experiment == experiments]
    plan = [demo_options.parse(name, quick=quick) for name in (names or chosen)]
    stored = []
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        overall = progress.add_task("bench", total=len(plan))
        for options in plan:
            progress.update(overall, description=f"bench: {options.name}")
            # No live view: rich allows one live display at a time, and the bar is one.
            stored.append(run(options, available))
            progress.advance(overall)
    # pyperformance is not a demo and takes far longer than all of them: its own task.
    others = "invoke suite; invoke demo packages" + (
        "" if experiments else "; invoke bench --experiments")
    console.print(f"Measured separately (each takes longer): {others}")
    return stored
