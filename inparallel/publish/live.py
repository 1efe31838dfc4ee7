"""The headline live demo's view: a table that fills in as points arrive, per-core CPU bars
under it, and a verdict read back from the stored file.

``measure.demo_runs.run`` does the running and storing, exactly as for any other demo; this
module only shows it. Every number on screen comes from ``inparallel.analysis.metrics``, the
same rules the charts and the site's sentences use.
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

from inparallel import units
from inparallel.analysis import formatting, metrics, stats
from inparallel.console import console
from inparallel.measure import demo_rules, provenance
from inparallel.measure.cpu_monitor import CpuMonitor, render_bars
from inparallel.paths import CHARTS_DIR, DATA, REPO

if TYPE_CHECKING:
    from inparallel.measure.collect import Target
    from inparallel.measure.demo_options import DemoOptions
    from inparallel.measure.registry import DemoSpec

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
    paired: stats.Paired | None = None
    precise: bool = True

    @classmethod
    def from_row(cls, label: str, row: dict) -> LivePoint:
        """A point from the demo's JSON row, as ``collect`` hands it to the view."""
        ok = bool(row["available"]) and row["error"] is None and row["median"] is not None
        ratios = row.get("paired_ratios") or []
        paired = (stats.pair_estimate(row["paired_with"], [ratios])
                  if row.get("paired_with") and ratios else None)
        precise = paired.precise if paired else bool(row.get("converged"))
        return cls(variant=label.split()[0], label=label, workload=row["workload"],
                   strategy=row["strategy"], workers=row["workers"], unit=row["unit"],
                   median=row["median"], ok=ok, low=row.get("ci_low"), high=row.get("ci_high"),
                   params=row.get("params") or {}, paired=paired, precise=precise)


def table(title: str, labels: list[str], counts: list[int],
          points: Mapping[str, list[LivePoint]], correct: bool = True) -> Group:
    """Threads down, each variant's time and speedup across, with its title and key above
    and below as lines of their own (inside the table they would wrap at its width)."""
    grid = Table()
    grid.add_column("threads", justify="right", no_wrap=True)
    for label in labels:
        grid.add_column(f"{label}\ntime", justify="right", no_wrap=True)
        grid.add_column(f"{label}\nspeedup", justify="right", no_wrap=True)
    curves = {label: metrics.speedup_curve(points.get(label, [])) for label in labels}
    for n in counts:
        cells = [str(n)]
        for label in labels:
            timed = {p.workers: p for p in points.get(label, []) if p.ok}
            cells.append(units.seconds(timed[n].median) if n in timed else "…")
            curve, problems = curves[label]
            cells.append(_speedup_cell(curve.get(n)) if n not in problems else "error")
        grid.add_row(*cells)
    key = Text("speedup: work per second over 1 thread; ideal = threads; "
               "~: noisy, interval wider than +-3%", style="dim")
    if not correct:
        key.append("\nWRONG ANSWER in a run", style="bold red")
    return Group(Text(title, style="bold"), grid, key)


def _speedup_cell(speedup: metrics.Estimate | None) -> str:
    """A speedup as the table shows it: ``1.97x``, or ``~1.9x (1.6-2.2)`` when imprecise."""
    if speedup is None:
        return ""
    if speedup.precise:
        return formatting.times(speedup.value)
    return f"~{speedup.value:.1f}{formatting.TIMES} ({speedup.low:.1f}-{speedup.high:.1f})"


class LiveTable:
    """The nogil demo's live view; ``with LiveTable(...) as on_row`` while ``collect`` runs."""

    def __init__(self, spec: DemoSpec, options: DemoOptions, targets: list[Target]) -> None:
        self.title = spec.title
        self.labels = [t.label for t in targets]
        self.counts = list(options.workers or demo_rules.worker_counts(provenance.usable_cpus()))
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


#: What the speaker can do about a noisy machine, in one line.
NOISE_HINT = ("hint: close other programs, plug the laptop in, and run it again; "
              "the interval says how far to trust this run")


def verdict(path: Path) -> list[str]:
    """The speaker's summary, read back from the stored file: each build's speedup at the
    most threads, one short line each (so that no line wraps inside a number at 80 columns).

    It speaks of this run alone, even a disturbed or noisy one (the site leaves such a run
    out, and the summary says so): the audience has just watched it. A speedup that misses
    the precision rule is shown with its interval and called noisy; an impossible one (more
    than the threads can do) is never shown as a number.
    """
    from inparallel.analysis import stats
    from inparallel.records import load

    record = load.read(path)
    gil = {run.variant: run.gil_enabled_at_end for run in record.runs if not run.env}
    (result,) = stats.aggregate([dataclasses.replace(record, interference=None, noise=None)])
    lines, unsure = ["Throughput over 1 thread:"], False
    for variant in gil:
        curve, problems = metrics.speedup_curve(
            p for p in result.select(variant=variant, strategy="threads") if not p.env)
        state = {True: "GIL on", False: "GIL off", None: "GIL unknown"}[gil[variant]]
        if problems:
            n = max(problems)
            lines.append(f"  {variant} ({state}) at {n} threads: {problems[n]}; "
                         "the machine's speed changed during the run")
            unsure = True
            continue
        top = metrics.at_most_workers(curve)
        if top is None:
            lines.append(f"  {variant}: no measurement; see the errors above")
            continue
        n, speedup = top
        said = f"  {variant} ({state}): {formatting.times(speedup.value)} at {n} threads"
        if not speedup.precise:
            said += (f", between {formatting.times(speedup.low)} and "
                     f"{formatting.times(speedup.high)}: noisy machine")
            unsure = True
        lines.append(said)
    if record.noise is not None and record.noise.kind == "noisy":
        lines.append(f"Noisy machine: {record.noise.reason}; left out of the site's numbers")
        unsure = True
    if record.disturbed and record.interference is not None:
        lines.append(f"Disturbed run, left out of charts: {record.interference.reason}")
        unsure = True
    if unsure:
        lines.append(NOISE_HINT)
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
    in_data = DATA in path.resolve().parents
    out = CHARTS_DIR if in_data and not quick else REPO / "build" / "charts"
    drawn = charts.draw_all(path.parent.parent, out, only=["nogil-scaling"], quick=quick)
    drawn = [d for d in drawn if path.resolve() in {f.resolve() for f in d.data.files}]
    return [out / f"{d.stem}-{theme}.svg" for d in drawn for theme in ("light", "dark")]
