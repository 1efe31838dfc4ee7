"""The headline live demo: the same CPU-bound threads on 3.14 (GIL) and 3.14t (free-threaded)."""

from __future__ import annotations

from pathlib import Path

from rich.live import Live
from rich.table import Table

from inparallel.console import console
from inparallel.measure import collect
from inparallel.paths import REPO
from inparallel.records import reader, store

DEMO = "nogil"
TITLE = "CPU-bound threads: GIL build vs free-threaded build"
VARIANTS = ["3.14", "3.14t"]


def default_workers(cores: int) -> list[int]:
    """1, 2, 4 ... up to ``cores``, ``cores`` included (same rule as demos/harness.py)."""
    counts, n = [], 1
    while n < cores:
        counts.append(n)
        n *= 2
    return [*counts, cores]


def _table(counts: list[int], medians: dict[str, dict[int, float]], correct: bool) -> Table:
    table = Table(title=TITLE, title_justify="left")
    table.add_column("threads", justify="right")
    for name in VARIANTS:
        table.add_column(f"{name} time", justify="right")
        table.add_column(f"{name} speedup", justify="right")
    for n in counts:
        cells = [str(n)]
        for name in VARIANTS:
            t = medians[name].get(n)
            t1 = medians[name].get(1)
            cells.append(f"{t:.3g} s" if t else "…")
            cells.append(f"{n * t1 / t:.2f}x" if t and t1 else "")
        table.add_row(*cells)
    table.caption = "speedup = work per second over 1 thread; ideal = thread count"
    if not correct:
        table.caption += "  [red]WRONG ANSWER in a run[/]"
    return table


def verdict(path: Path) -> str:
    """One sentence for the speaker, read back from the stored file: each build's speedup."""
    measurement = reader.read(path, quick=True)
    assert measurement is not None
    gil = {run["variant"]: run["gil_enabled_at_end"] for run in store.read(path)["runs"]}
    parts, top = [], 0
    for variant in VARIANTS:
        rows = [r for r in measurement.rows if r.variant == variant and r.strategy == "threads"]
        speedups = reader.speedups(rows)
        if not speedups:
            return f"{variant} produced no measurement; see the errors above"
        top = max(speedups)
        parts.append(f"{variant} (GIL {'on' if gil[variant] else 'off'}) {speedups[top]:.2f}x")
    return f"At {top} threads, throughput over 1 thread: " + ", ".join(parts)


def run(workers: list[int], repeats: int | None, quick: bool, command: str) -> tuple[dict, Path]:
    """Make sure both builds exist, run the demo with a live table, store it; return both."""
    targets = [collect.Target(found) for found in collect.ensure(VARIANTS)]
    collect.warn_if_busy()
    medians: dict[str, dict[int, float]] = {name: {} for name in VARIANTS}
    state = {"correct": True}
    extra = ["--repeats", str(repeats)] if repeats else []

    with Live(_table(workers, medians, True), console=console, refresh_per_second=4) as live:

        def on_row(variant: str, row: dict) -> None:
            if row["median"] is not None:
                medians[variant][row["workers"]] = row["median"]
            state["correct"] &= row["correct"] is not False
            live.update(_table(workers, medians, state["correct"]))

        record = collect.collect(
            DEMO, TITLE, targets,
            [["--workers", str(n), *extra] for n in workers],
            quick=quick, command=command,
            settings={"workers": workers, "repeats": repeats or (1 if quick else 5)},
            on_row=on_row,
        )
    path = store.write(record)
    console.print(f"[bold]{verdict(path)}[/]")
    console.print(f"stored: {path}", soft_wrap=True)
    for chart in draw_chart(path):
        console.print(f"chart: {chart}", soft_wrap=True)
    return record, path


def draw_chart(path: Path) -> list[Path]:
    """Draw the scaling chart from the stored file alone; return the SVGs (light, dark).

    A full run's chart goes where the site takes it from; a --quick run's, which the site
    never shows, goes to build/charts/ so that it cannot replace a real one.
    """
    from inparallel.publish import charts

    quick = path.name.endswith("_quick.json")
    # The site shows the latest full run of each machine; a smoke run's chart goes elsewhere.
    out = REPO / ("build/charts" if quick else "docs/assets/charts")
    drawn = charts.draw_all(path.parent.parent, out, only=["nogil-scaling"], quick=quick)
    drawn = [d for d in drawn if path.resolve() in {f.resolve() for f in d.data.files}]
    return [out / f"{d.stem}-{theme}.svg" for d in drawn for theme in ("light", "dark")]


