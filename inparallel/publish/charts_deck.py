"""The deck's charts: the site's charts redrawn from the same data for a slide at the back of
a room: larger type (``chart_style.DECK``), fewer series, and every series named where it is
drawn (at a line's end, on a bar's axis) instead of in a legend. No title and no footer: the
slide's heading carries the message and the notes and the site carry the evidence.

Naming rule, for the deck (``slides/talk.md``, ``inparallel/publish/slides.py``): the deck's
version of chart ``NAME`` is ``<charts folder>/deck/NAME-light.svg``, e.g.
``docs/assets/charts/deck/nogil-scaling-light.svg`` (``charts.deck_path``; light theme only,
the primary machine's data, the one the site's short name ``NAME-light.svg`` shows). A slide
keeps writing ``![](chart:NAME)``; building the deck with ``charts_dir=charts.DECK_DIR`` picks
these files. A chart with no deck drawer here gets a copy of the site's light chart there, so
the folder holds every chart a slide can name (and the deck's Chromium test, in
``tests/test_deck_charts.py``, shows which of them are too small to read).

Size: a deck chart is 12.8 by about 5.4 inches (aspect about 2.4). Filling 55% of a 1280x720
slide takes about 1136 x 470 px, so a chart slide's ``img.chart`` needs a max-height of at least
470 px (a heading and one line under the chart fit beside it).

Where a deck chart picks or aggregates (the pyperformance chart shows geometric means and the
two extreme benchmarks instead of every benchmark), its axis label says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.metrics import Estimate, is_free_threaded, version_key
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import charts_costs as costs
from inparallel.publish import charts_scaling as scaling
from inparallel.publish import charts_service as service
from inparallel.publish import palette
from inparallel.publish.chart_parts import TIMES, Drawer

Row = tuple[str, Estimate, str]  # a bar's name, value and colour


def _build(variant: str) -> str:
    return f"{variant} (no GIL)" if is_free_threaded(variant) else f"{variant} (GIL)"


def nogil_scaling(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """The headline, two lines: threads on the GIL build and on the free-threaded build."""
    labels = []
    workers: set[int] = set()
    for variant in parts.focus(data):
        curve = m.thread_speedups(data, variant)
        top = m.at_most_workers(curve)
        if not top:
            continue
        colour = palette.colour("threads", variant)
        parts.line(ax, curve, marker="o", color=colour, zorder=3)
        labels.append((curve, f"{_build(variant)} {fmt.times(top[1].value)}", colour))
        workers.update(curve)
    if not labels:
        return None
    parts.ideal(ax, theme, xs=sorted(workers))
    top_n = max(workers)
    ax.set_xticks(sorted(workers))
    ax.set_ylim(0, max(top_n, *(max(e.high for e in c.values()) for c, _, _ in labels)) * 1.1)
    ax.set_xlabel("threads, each with the same work")
    ax.set_ylabel(f"speedup ({TIMES} one thread)")
    ideal = {float(top_n): Estimate(float(top_n), float(top_n), float(top_n))}
    parts.spread_end_labels(ax, [*labels, (ideal, "ideal", style.ink(theme, "muted"))])
    return "threads"


def _rows_gil_then_free_threads(values: Callable[[str], dict[str, Estimate]], data: Any
                                ) -> list[Row]:
    """Every strategy on the focus GIL build, then threads on the free-threaded build: the
    bars a slide needs (the site shows every strategy on both builds)."""
    gil, free = m.focus_pair(data)
    rows: list[Row] = []
    for variant, only in ((gil, None), (free, "threads")):
        if variant is None:
            continue
        for strategy, value in values(variant).items():
            if value is not None and (only is None or strategy == only):
                rows.append((f"{parts.label(strategy)} · {variant}", value,
                             palette.colour(strategy, variant)))
    # The two threads rows side by side: the build is what changes them.
    return sorted(rows, key=lambda r: (not r[0].startswith("threads"), ))


def cpu(workload: str) -> Drawer:
    """Speedup at the most workers per strategy, as labelled horizontal bars."""

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        strategies, tops = scaling.cpu_tops(data, workload)
        rows = _rows_gil_then_free_threads(
            lambda v: {s: tops[(v, s)][1] for s in strategies if (v, s) in tops}, data)
        if not rows:
            return None
        workers = max(n for n, _ in tops.values())
        parts.hbars(ax, rows, theme, parts.fmt_bar)
        ax.axvline(workers, color=style.ink(theme, "muted"), linestyle="--", linewidth=2)
        ax.set_xlabel(f"speedup at {workers} workers (dashed: ideal)")
        return workload

    return draw


def per_strategy(chart: costs.PerStrategy, unit: str) -> Drawer:
    """One value per strategy (start-up, memory, requests per second) as labelled bars, on
    the first workload the site shows."""

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        first = chart.workloads_of(data)[:1]
        if not first:
            return None
        rows = _rows_gil_then_free_threads(
            lambda v: {s: e for s, e in chart.values_of(data, v, first[0]).items()
                       if e is not None}, data)
        if not rows:
            return None
        parts.hbars(ax, rows, theme, chart.value_label, log=chart.log)
        if chart.log:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        workload = f" ({first[0]} workers)" if len(chart.workloads_of(data)) > 1 else ""
        ax.set_xlabel(f"{unit}{workload}")
        return unit

    return draw


def suite(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Geometric mean per free-threaded build, then the focus build's cheapest and dearest
    benchmarks: five bars instead of one per benchmark and build."""
    table, means = scaling.suite_labels(data)
    if not means:
        return None
    labels = list(means)
    colours = palette.variant_colours(labels)
    rows: list[Row] = [(f"{lab}, mean of {len(table)}", means[lab].scaled(100), colours[lab])
                       for lab in labels]
    focus = m.focus_pair(data)[1] or labels[-1]
    ranked = sorted((costs_[focus].value, bench) for bench, costs_ in table.items()
                    if focus in costs_)
    picks = [ranked[0], ranked[-1]] if len(ranked) > 1 else ranked
    rows += [(f"{focus} {rank}: {bench}", table[bench][focus].scaled(100),
              palette.shade(colours.get(focus, palette.colour("threads", focus)), 0, 2))
             for rank, (_, bench) in zip(("cheapest", "dearest"), picks, strict=False)]
    parts.hbars(ax, rows, theme, lambda v: f"{v:+.0f} %")
    ax.axvline(0, color=style.ink(theme, "muted"), linewidth=1.5)
    # The rows say what is picked: each build's geometric mean over the benchmarks, and
    # the focus build's cheapest and dearest benchmark.
    ax.set_xlabel("one thread: time vs the GIL build (%), geometric mean of benchmarks")
    return "suite"


def contention(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """The free-threaded build only: one shared object against per-thread data, per
    workload."""
    workloads, series, workers = scaling.contention_tops(data)
    free = m.focus_pair(data)[1]
    rows: list[Row] = []
    for workload_index, workload in enumerate(workloads):
        for kind, shade in (("shared", 0), ("local", 1)):
            value = series.get(f"{free} {kind}", [None] * len(workloads))[workload_index]
            if value is not None:
                name = "one shared" if kind == "shared" else "per thread"
                rows.append((f"{workload}: {name}", value,
                             palette.shade(palette.colour("threads", free or ""), shade, 2)))
    if not rows:
        return None
    parts.hbars(ax, rows, theme, parts.fmt_bar)
    ax.axvline(workers, color=style.ink(theme, "muted"), linestyle="--", linewidth=2)
    ax.set_xlabel(f"speedup at {workers} threads on {free} (dashed: ideal)")
    return "contention"


def _end_labelled_lines(ax: Axes, lines: list[tuple[dict[float, Estimate], str, str]],
                        log: bool) -> None:
    parts.spread_end_labels(ax, lines, log=log)


def transfer(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Round trips of the first kind of payload only, each way named at its line's end."""
    variant, lines = costs.transfer_lines(data)
    if not lines:
        return None
    kind = next(iter(lines))[1]
    mine = {s: c for (s, w), c in lines.items() if w == kind}
    colours = costs.member_colours(list(mine), variant)
    for strategy, curve in mine.items():
        parts.line(ax, curve, marker="o", color=colours[strategy],
                   linestyle=palette.dash(strategy))
    costs.transfer_axes(ax)
    ax.set_xlabel(f"payload size ({kind}, on {variant})")
    # Labels in the family's full colour: a pale shade is hard to read as text.
    _end_labelled_lines(ax, [(c, parts.label(s), palette.colour(s, variant))
                             for s, c in mine.items()], True)
    return "transfer"


def service_throughput(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Requests per second per server model, each named at its line's end."""
    connections, drawn = service.service_throughput(ax, data)
    if not drawn:
        return None
    ax.set_xlabel(f"Python CPU work per request (ms), {connections} connections")
    _end_labelled_lines(ax, drawn, True)
    return "service"


def versions(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """One line per strategy across releases, on the numeric workload: threads on the GIL
    builds and on the free-threaded builds, sub-interpreters and fork on the GIL builds."""
    curves = m.strategy_curves(data, "numeric")
    variants = sorted(dict.fromkeys(v for v, _ in curves), key=version_key)
    releases = list(dict.fromkeys(v.rstrip("t") for v in variants))
    if len(releases) < 2:
        return None
    lines = []
    for strategy, free in (("threads", False), ("threads", True), ("subinterpreters", False),
                           ("processes-fork", False)):
        curve: dict[float, Estimate] = {}
        for x, release in enumerate(releases):
            top = m.at_most_workers(curves.get((release + "t" * free, strategy), {}))
            if top:
                curve[float(x)] = top[1]
        if len(curve) < 2:
            continue
        colour = palette.colour(strategy, "3t" if free else "3")
        parts.line(ax, curve, marker="o", color=colour, linestyle=palette.dash(strategy))
        name = palette.FAMILY_NAMES[palette.family(strategy, "3t" if free else "3")]
        lines.append((curve, name, colour))
    if not lines:
        return None
    ax.set_xticks(range(len(releases)), releases)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("release (threads on both builds, others on the GIL build)")
    ax.set_ylabel("speedup, numeric work")
    _end_labelled_lines(ax, lines, False)
    return "versions"


#: Site chart name -> its deck drawer.
DECK_DRAWERS: dict[str, Drawer] = {
    "nogil-scaling": nogil_scaling,
    "cpu-numeric": cpu("numeric"),
    "cpu-objects": cpu("objects"),
    "startup": per_strategy(costs.startup, "ms to start one worker, log scale"),
    "memory": per_strategy(costs.memory, "MiB each further worker adds"),
    "io": per_strategy(costs.io, "requests per second"),
    "suite": suite,
    "contention": contention,
    "transfer": transfer,
    "service-throughput": service_throughput,
    "versions": versions,
}
