"""Draw every chart of the site and the slides from the aggregated data alone.

Each chart selects points of one demo from ``inparallel.analysis.stats.aggregate`` (the median
across every compatible run of a machine) and takes every derived number from
``inparallel.analysis.metrics``. Error bars show each point's low/high: the range across runs,
or one run's 95% interval of its median. A chart is drawn once per machine that has data for it,
in a light and a dark version: ``<charts folder>/<name>-<machine key>-<theme>.svg`` (the
site's charts folder is ``paths.CHARTS_DIR``). The machine with the most CPUs also gets the
short name ``<name>-<theme>.svg``, which pages use, and ``deck/<name>-light.svg`` for the
slides (see "The deck's charts" below). A chart whose demo has no committed data is skipped;
the page says so (see ``inparallel.publish.mkdocs_hook``).

Each demo's charts live in the module named after the demo (``charts/nogil.py``,
``charts/cpu.py`` ...): its site drawers, its deck drawers and its ``CHARTS`` entries. This
module only assembles them into ``CHARTS`` and draws them.

The deck's charts are the site's charts redrawn from the same data for a slide at the back of
a room: larger type (``chart_style.DECK``), fewer series, and every series named where it is
drawn (at a line's end, on a bar's axis) instead of in a legend. No title and no footer: the
slide's heading carries the message and the notes and the site carry the evidence. Where a
deck chart picks or aggregates (the pyperformance chart shows geometric means and the two
extreme benchmarks instead of every benchmark), its axis label says so.

Naming rule, for the deck (``slides/talk.md``, ``inparallel/publish/slides.py``): the deck's
version of chart ``NAME`` is ``<charts folder>/deck/NAME-light.svg``, e.g.
``docs/assets/charts/deck/nogil-scaling-light.svg`` (``deck_path``; light theme only, the
primary machine's data, the one the site's short name ``NAME-light.svg`` shows). A slide keeps
writing ``![](chart:NAME)``; building the deck with ``charts_dir=paths.DECK_CHARTS_DIR`` picks
these files. A chart with no deck drawer (``Chart.deck`` is None) gets a copy of the site's
light chart there, so the folder holds every chart a slide can name (and the deck's Chromium
test, in ``tests/test_deck_charts.py``, shows which of them are too small to read).

Size: a deck chart is 12.8 by about 5.4 inches (aspect about 2.4). Filling 55% of a 1280x720
slide takes about 1136 x 470 px, so a chart slide's ``img.chart`` needs a max-height of at least
470 px (a heading and one line under the chart fit beside it).
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

from inparallel.analysis.results import evidence_path, machine_results
from inparallel.errors import UserError
from inparallel.paths import CHARTS_DIR, DECK_CHARTS_DIR, deck_chart
from inparallel.publish import chart_style as style
from inparallel.publish.chart_parts import Chart, Drawer
from inparallel.publish.charts import (
    compat,
    contention,
    cpu,
    ftscaling,
    io,
    memory,
    nogil,
    overhead,
    pyperformance,
    service,
    shared_state,
    startup,
    throughput,
    transfer,
)
from inparallel.records import load
from inparallel.records.errors import one_line

#: The deck's folder inside a charts folder (see "Naming rule" above).
DECK_FOLDER = DECK_CHARTS_DIR.relative_to(CHARTS_DIR)


@dataclass(frozen=True)
class Drawn:
    """A chart drawn for one machine: what the pages need to show, caption and link it.

    ``data`` is the machine's ``stats.MachineResult`` for the chart's demo.
    """

    chart: Chart
    data: Any
    stem: str  # file name without ``-light.svg`` / ``-dark.svg``, relative to the charts folder
    primary: bool  # the machine with the most CPUs: also saved under the chart's short name


#: Every chart, in the order the demos are presented: the site and the manifest list them so.
CHARTS: tuple[Chart, ...] = (
    *nogil.CHARTS, *cpu.CHARTS, *overhead.CHARTS, *startup.CHARTS, *memory.CHARTS,
    *transfer.CHARTS, *io.CHARTS, *contention.CHARTS, *compat.CHARTS, *pyperformance.CHARTS,
    *throughput.CHARTS, *shared_state.CHARTS, *service.CHARTS, *ftscaling.CHARTS,
)


def chart(name: str) -> Chart:
    """The chart called ``name``."""
    return next(c for c in CHARTS if c.name == name)


def runs_summary(data: Any) -> str:
    """``median of 3 runs`` (the number of data files aggregated), for a chart's footer."""
    count = len(data.files)
    return f"median of {count} run{'s' if count != 1 else ''}, bars: low/high"


def deck_path(name: str, charts_dir: Path = CHARTS_DIR) -> Path:
    """The deck's version of chart ``name`` (see "Naming rule" above)."""
    return deck_chart(name, charts_dir / DECK_FOLDER)


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
    for folder in (out_dir, out_dir / DECK_FOLDER):
        for stale in folder.glob("*.svg") if folder.is_dir() else ():
            if stale.name.startswith(prefixes) and stale not in wanted:
                stale.unlink()
    return drawn
