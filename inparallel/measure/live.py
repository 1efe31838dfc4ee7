"""The headline live demo's view: a table that fills in as points arrive, per-core CPU bars
under it, and a verdict read back from the stored file.

``suite.run`` does the running and storing, exactly as for any other demo; this module only
shows it. Every number on screen comes from ``inparallel.analysis.metrics``, the same rules
the charts and the site's sentences use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from inparallel.analysis import formatting, metrics
from inparallel.console import console
from inparallel.measure import provenance
from inparallel.measure.cpu_monitor import CpuMonitor, render_bars
from inparallel.paths import REPO

if TYPE_CHECKING:
    from inparallel.measure.collect import Target
    from inparallel.measure.suite import DemoOptions, DemoSpec

WIDTH = 80  # a projector-sized terminal; piped output is 80 columns too


@dataclass(frozen=True)
class LivePoint:
    """One row as it arrives, in the shape ``metrics`` reads (one run, so no range yet)."""

    variant: str
    label: str
    workload: str
    strategy: str
    workers: int
    unit: str
    median: float | None
    ok: bool
    low: float | None = None
    high: float | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, label: str, row: dict) -> LivePoint:
        """A point from the demo's JSON row, as ``collect`` hands it to the view."""
        ok = bool(row["available"]) and row["error"] is None and row["median"] is not None
        return cls(variant=label.split()[0], label=label, workload=row["workload"],
                   strategy=row["strategy"], workers=row["workers"], unit=row["unit"],
                   median=row["median"], ok=ok, low=row.get("ci_low"), high=row.get("ci_high"),
                   params=row.get("params") or {})


def table(title: str, labels: list[str], counts: list[int],
          points: Mapping[str, list[LivePoint]], correct: bool = True) -> Group:
    """Threads down, each variant's time and speedup across, with its title and key above
    and below as lines of their own (inside the table they would wrap at its width)."""
    grid = Table()
    grid.add_column("threads", justify="right", no_wrap=True)
    for label in labels:
        grid.add_column(f"{label}\ntime", justify="right", no_wrap=True)
        grid.add_column(f"{label}\nspeedup", justify="right", no_wrap=True)
    curves = {label: metrics.speedups(points.get(label, [])) for label in labels}
    for n in counts:
        cells = [str(n)]
        for label in labels:
            timed = {p.workers: p for p in points.get(label, []) if p.ok}
            cells.append(formatting.seconds(timed[n].median) if n in timed else "…")
            cells.append(formatting.times(curves[label][n].value) if n in curves[label] else "")
        grid.add_row(*cells)
    key = Text("speedup: work per second over 1 thread; ideal = threads", style="dim")
    if not correct:
        key.append("\nWRONG ANSWER in a run", style="bold red")
    return Group(Text(title, style="bold"), grid, key)


class LiveTable:
    """The nogil demo's live view; ``with LiveTable(...) as on_row`` while ``collect`` runs."""

    def __init__(self, spec: DemoSpec, options: DemoOptions, targets: list[Target]) -> None:
        from inparallel.measure.suite import default_workers

        self.title = spec.title
        self.labels = [t.label for t in targets]
        self.counts = list(options.workers or default_workers(provenance.usable_cpus()))
        self.points: dict[str, list[LivePoint]] = {label: [] for label in self.labels}
        self.correct = True
        self.monitor = CpuMonitor()
        self.running = True
        self._live = Live(get_renderable=self.render, console=console, refresh_per_second=4)

    def render(self) -> Group:
        """The table, with the CPU bars under it while the demo runs (only in a terminal:
        piped output gets the final table once, and bars of an idle machine would mislead)."""
        grid = table(self.title, self.labels, self.counts, self.points, self.correct)
        if self.running and console.is_terminal:
            return Group(grid, render_bars(self.monitor.current(), min(WIDTH, console.width)))
        return grid

    def on_row(self, label: str, row: dict) -> None:
        """Take one measured row from ``collect``."""
        self.points.setdefault(label, []).append(LivePoint.from_row(label, row))
        self.correct &= row["correct"] is not False
        self._live.refresh()

    def __enter__(self) -> Callable[[str, dict], None]:
        self._live.start()
        return self.on_row

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self._live.stop()
        if not console.is_terminal:
            console.line()  # rich ends a piped live display without its last newline


def verdict(path: Path) -> list[str]:
    """The speaker's summary, read back from the stored file: each build's speedup at the
    most threads, one short line each (so that no line wraps inside a number at 80 columns).

    It speaks of this run alone, even a disturbed one (the site leaves such a run out, and
    the summary says so): the audience has just watched it.
    """
    from inparallel.analysis import stats
    from inparallel.records import load

    record = load.read(path)
    gil = {run.variant: run.gil_enabled_at_end for run in record.runs if not run.env}
    (result,) = stats.aggregate([dataclasses.replace(record, interference=None)])
    lines = ["Throughput over 1 thread:"]
    for variant in gil:
        curve = metrics.at_most_workers(metrics.thread_speedups(result, variant))
        if curve is None:
            lines.append(f"  {variant}: no measurement; see the errors above")
            continue
        n, speedup = curve
        state = {True: "GIL on", False: "GIL off", None: "GIL unknown"}[gil[variant]]
        lines.append(f"  {variant} ({state}): {formatting.times(speedup.value)} at {n} threads")
    if record.disturbed and record.interference is not None:
        lines.append(f"Disturbed run, left out of charts: {record.interference.reason}")
    return lines


def after_run(path: Path) -> None:
    """Print the verdict and draw the chart of the run just stored."""
    for line in verdict(path):
        # Word-wrapped at the console's width: a long reason breaks between words only.
        console.print(line, style="bold")
    charts = draw_chart(path)
    for chart in charts:
        console.print(f"chart: {chart}", soft_wrap=True)
    if not charts:
        console.print("chart: none drawn (a chart needs an undisturbed run)")


def draw_chart(path: Path) -> list[Path]:
    """Draw the scaling chart from the stored file alone; return the SVGs (light, dark).

    A full run's chart goes where the site takes it from; a --quick or --stage run's, which
    the site never shows, goes to build/charts/ so that it cannot replace a real one.
    """
    from inparallel.publish import charts

    quick = path.name.endswith("_quick.json")
    in_data = REPO / "data" in path.resolve().parents
    out = REPO / ("docs/assets/charts" if in_data and not quick else "build/charts")
    drawn = charts.draw_all(path.parent.parent, out, only=["nogil-scaling"], quick=quick)
    drawn = [d for d in drawn if path.resolve() in {f.resolve() for f in d.data.files}]
    return [out / f"{d.stem}-{theme}.svg" for d in drawn for theme in ("light", "dark")]
