"""Draw every chart of the site and the slides from the aggregated data alone.

Each chart selects points of one demo from ``inparallel.analysis.stats.aggregate`` (the median
across every compatible run of a machine) and takes every derived number from
``inparallel.analysis.metrics``. Error bars show each point's low/high: the range across runs,
or one run's 95% interval of its median. A chart is drawn once per machine that has data for it,
in a light and a dark version: ``docs/assets/charts/<name>-<machine key>-<theme>.svg``. The
machine with the most CPUs also gets the short name ``<name>-<theme>.svg``, which pages use,
and, when the chart has a deck version, ``deck/<name>-light.svg`` for the slides (see
``inparallel.publish.charts_deck`` for that naming rule). A chart whose demo has no committed
data is skipped; the page says so (see ``inparallel.publish.mkdocs_hook``).

The drawers live in one module per family of charts (``charts_scaling``, ``charts_costs``,
``charts_service``, ``charts_deck``); this module registers them and draws them.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from inparallel.analysis import formatting as fmt
from inparallel.analysis.results import evidence_path, machine_results
from inparallel.errors import UserError
from inparallel.publish import chart_style as style
from inparallel.publish import charts_costs as costs
from inparallel.publish import charts_deck, ftscaling_chart
from inparallel.publish import charts_scaling as scaling
from inparallel.publish import charts_service as service
from inparallel.publish.chart_parts import Drawer
from inparallel.records import load
from inparallel.records.errors import one_line

CHARTS_DIR = Path("docs/assets/charts")
#: The deck's charts: ``DECK_DIR / f"{name}-light.svg"`` (see ``charts_deck``).
DECK_DIR = CHARTS_DIR / "deck"
TIMES = fmt.TIMES


@dataclass(frozen=True)
class Chart:
    """A chart: its file name, the demo whose points it reads, and how to draw them."""

    name: str
    demo: str
    alt: str
    draw: Drawer

    @property
    def deck(self) -> Drawer | None:
        """Its deck version (``charts_deck.DECK_DRAWERS``), or None: the deck uses the site's."""
        return charts_deck.DECK_DRAWERS.get(self.name)


@dataclass(frozen=True)
class Drawn:
    """A chart drawn for one machine: what the pages need to show, caption and link it.

    ``data`` is the machine's ``stats.MachineResult`` for the chart's demo.
    """

    chart: Chart
    data: Any
    stem: str  # file name without ``-light.svg`` / ``-dark.svg``, relative to the charts folder
    primary: bool  # the machine with the most CPUs: also saved under the chart's short name


CHARTS: tuple[Chart, ...] = (
    Chart("nogil-scaling", "nogil", "Throughput speedup against threads, 3.14 vs 3.14t",
          scaling.draw_nogil_scaling),
    Chart("cpu-numeric", "cpu", "Speedup per strategy, numeric workload",
          scaling.cpu_drawer("numeric")),
    Chart("cpu-objects", "cpu", "Speedup per strategy, object-heavy workload",
          scaling.cpu_drawer("objects")),
    Chart("versions", "cpu", "Speedup per strategy across Python versions",
          scaling.draw_versions),
    Chart("overhead", "overhead", "Single-thread cost of free-threaded builds",
          scaling.draw_overhead),
    Chart("startup", "startup", "Time to start one worker, per kind", costs.startup),
    Chart("memory", "memory", "Memory each further worker adds, per strategy", costs.memory),
    Chart("transfer", "transfer", "Round-trip time against payload size", costs.draw_transfer),
    Chart("io", "io", "I/O-bound work per strategy", costs.io),
    Chart("contention", "contention", "Shared objects under many threads",
          scaling.draw_contention),
    Chart("compat", "compat", "Module availability per variant", costs.draw_compat),
    Chart("suite", "pyperformance", "Single-thread cost on the pyperformance suite",
          scaling.draw_suite),
    Chart("throughput", "throughput", "Warm-pool throughput against task duration, "
          "free-threaded build", service.throughput_drawer(free=True)),
    Chart("throughput-gil", "throughput", "Warm-pool throughput against task duration, "
          "GIL build", service.throughput_drawer(free=False)),
    Chart("shared-state-memory", "shared_state", "Total memory per way of sharing one graph",
          costs.shared_memory),
    Chart("shared-state-first", "shared_state", "Time to the first answer per way of sharing "
          "one graph", costs.shared_first),
    Chart("service-throughput", "service", "Requests per second against Python work per "
          "request, per server model", service.draw_service_throughput),
    Chart("service-p99", "service", "p99 latency against connections, per server model",
          service.draw_service_p99),
    Chart("ftscaling", "ftscaling", "Speedup on N threads per case of CPython's "
          "Tools/ftscalingbench, per free-threaded build", ftscaling_chart.draw),
)


def chart(name: str) -> Chart:
    """The chart called ``name``."""
    return next(c for c in CHARTS if c.name == name)


def runs_summary(data: Any) -> str:
    """``median of 3 runs`` (the number of data files aggregated), for a chart's footer."""
    count = len(data.files)
    return f"median of {count} run{'s' if count != 1 else ''}, bars: low/high"


def deck_path(name: str, charts_dir: Path = CHARTS_DIR) -> Path:
    """The deck's version of chart ``name`` (see ``charts_deck`` for the rule)."""
    return charts_dir / "deck" / f"{name}-light.svg"


def _render(draw: Drawer, data: Any, theme: style.Theme,
            look: style.Look = style.SITE) -> plt.Figure | None:
    """One figure, or None when the points hold nothing for this chart."""
    with style.themed(theme, look):
        fig, ax = plt.subplots()
        title = draw(ax, data, theme)
        if title is None:
            plt.close(fig)
            return None
        if look.titled:
            # Wrapped to the figure's width: a wider title would widen the saved figure and
            # so shrink all of its type on the page (about 0.6 em per character).
            size = float(plt.rcParams["axes.titlesize"])
            chars = int(fig.get_figwidth() * 72 / (0.6 * size))
            ax.set_title(textwrap.fill(title, chars), loc="left")
        if look.footer:
            # parse_math off: a "$" in a stored CPU name is text, not TeX. The command is in
            # the page's caption: here it would widen the figure and shrink all its text.
            fig.text(0.01, -0.02, f"{data.machine.label} · {runs_summary(data)}", ha="left",
                     va="top", fontsize=look.footer, color=style.ink(theme, "muted"),
                     parse_math=False, wrap=True)
    return fig


def _draw_deck(chart_: Chart, data: Any, out_dir: Path) -> Path:
    """The deck's version of a chart, from the primary machine's data; a chart with no deck
    drawer (or none for these points) is the site's light chart, so that the deck's folder
    holds every chart a slide can name."""
    path = deck_path(chart_.name, out_dir)
    fig = _render(chart_.deck, data, "light", style.DECK) if chart_.deck else None
    if fig is not None:
        style.save(fig, "light", path)
        return path
    site = (out_dir / f"{chart_.name}-light.svg").read_bytes()
    if not path.is_file() or path.read_bytes() != site:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(site)
    return path


def _unplottable(chart_: Chart, data: Any, error: Exception) -> UserError:
    """A chart matplotlib cannot draw from valid records (a value near the float limit gives
    "Axis limits cannot be NaN or Inf"): one line naming the files, not a traceback."""
    files = ", ".join(str(p) for p in data.files)
    return UserError(f"{files}: chart {chart_.name} cannot be drawn from "
                     f"{'these files' if len(data.files) > 1 else 'this file'} "
                     f"({one_line(error, 160)}); correct the values or move the file out of "
                     "data/")


@contextmanager
def _reported(chart_: Chart, data: Any) -> Iterator[None]:
    """Turn matplotlib's refusal of a value, while drawing or saving, into ``_unplottable``."""
    try:
        yield
    except (ValueError, OverflowError, ArithmeticError) as error:
        plt.close("all")
        raise _unplottable(chart_, data, error) from error


def manifest(drawn: Sequence[Drawn], data_dir: Path) -> dict[str, dict[str, Any]]:
    """``{stem: {demo, files, sha256, seen}}`` for ``docs/generated/charts.json``: which data
    files, with which content, each chart was drawn from, and every file of its demo there was
    (used or left out), so that a file added later is noticed. Files are named as the site
    links them (``data/<demo>/<file>``), whatever ``data_dir`` is called."""
    out: dict[str, dict[str, Any]] = {}
    for each in drawn:
        sums = {evidence_path(p): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in each.data.files}
        seen = [evidence_path(p) for p in load.data_files(data_dir, each.chart.demo)]
        entry = {"demo": each.chart.demo, "files": list(sums), "sha256": sums, "seen": seen}
        out[each.stem] = entry
        if each.primary:
            out[each.chart.name] = entry
    return dict(sorted(out.items()))


def draw_all(data_dir: Path, out_dir: Path, only: Collection[str] = (),
             quick: bool = False) -> list[Drawn]:
    """Draw every chart that has data (or just those named in ``only``); return what was drawn.

    Files of those charts that no longer have data are removed, so no stale chart is shown.
    """
    drawn: list[Drawn] = []
    wanted: set[Path] = set()
    cache: dict[str, list[Any]] = {}
    selected = [c for c in CHARTS if not only or c.name in only]
    for chart_ in selected:
        if chart_.demo not in cache:
            cache[chart_.demo] = machine_results(data_dir, chart_.demo, quick)
        primary_done = False
        for data in cache[chart_.demo]:
            stem = f"{chart_.name}-{data.machine.key}"
            with _reported(chart_, data):
                figures = {theme: _render(chart_.draw, data, theme) for theme in style.THEMES}
                if any(fig is None for fig in figures.values()):
                    for fig in figures.values():
                        if fig is not None:
                            plt.close(fig)
                    continue
                for theme, fig in figures.items():
                    targets = [out_dir / f"{stem}-{theme}.svg"]
                    if not primary_done:
                        targets.append(out_dir / f"{chart_.name}-{theme}.svg")
                    wanted.update(targets)
                    style.save(fig, theme, *targets)
                if not primary_done:
                    wanted.add(_draw_deck(chart_, data, out_dir))
            drawn.append(Drawn(chart_, data, stem, primary=not primary_done))
            primary_done = True
    prefixes = tuple(f"{c.name}-" for c in selected)
    for folder in (out_dir, out_dir / "deck"):
        for stale in folder.glob("*.svg") if folder.is_dir() else ():
            if stale.name.startswith(prefixes) and stale not in wanted:
                stale.unlink()
    return drawn
