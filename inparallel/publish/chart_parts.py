"""The pieces every demo's charts are made of: the ``Chart`` entry a demo registers, and bars,
lines, the ideal line, labels and legends to draw it with.

Sizes come from the look being drawn (``chart_style.look()``), colours from
``inparallel.publish.palette``: a drawer never types a font size or a colour of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.metrics import Estimate
from inparallel.build.catalog import is_free_threaded
from inparallel.publish import chart_style as style
from inparallel.publish import palette

TIMES = fmt.TIMES

#: Draws one chart onto ``ax`` and returns its title (the takeaway), or None if the machine's
#: points hold nothing this chart can show.
Drawer = Callable[[Axes, Any, style.Theme], str | None]

#: A bar or line value: a derived estimate (drawn with its error bar), or None for "n/a".
Value = Estimate | None

#: A deck bar: its name, value and colour.
Row = tuple[str, Estimate, str]

#: The hatch of a free-threaded build's bar beside its GIL build's (same strategy colour).
FREE_HATCH = "//"


@dataclass(frozen=True)
class Chart:
    """A chart: its file name, the demo whose points it reads, its description (alt text),
    how to draw it for the site, and how for the deck (None: the deck shows the site's)."""

    name: str
    demo: str
    alt: str
    draw: Drawer
    deck: Drawer | None = None


def fmt_bar(value: float) -> str:
    """Bar labels stay short so neighbouring bars' labels do not collide."""
    return f"{value:.1f}{TIMES}"


def label(strategy: str) -> str:
    """Short axis labels: ``processes-forkserver`` is too wide for a bar group."""
    return {
        "subinterpreters": "sub-interp.",
        "subinterpreters-pool": "interp. pool",
        "processes-fork": "fork",
        "processes-forkserver": "forkserver",
        "processes-spawn": "spawn",
        "subinterpreters-queue": "interp. queue",
        "processes-forkserver-rebuild": "forkserver rebuild",
        "processes-spawn-rebuild": "spawn rebuild",
        "processes-spawn-pickle": "spawn pickle",
        "processes-spawn-packed": "spawn packed",
        "subinterpreters-rebuild": "sub-interp. rebuild",
        "subinterpreters-packed": "sub-interp. packed",
        "subinterpreters-shareable": "shareable (sub-interp.)",
        "subinterpreters-memoryview": "memoryview (sub-interp.)",
        "subinterpreters-pickle": "pickle (sub-interp.)",
        "processes-pickle": "pickle (processes)",
        "processes-shm": "shared memory (processes)",
        "processes-prefork": "prefork",
    }.get(strategy, strategy)


def yerr(values: Sequence[Estimate]) -> list[list[float]]:
    """Matplotlib's asymmetric error bars: distances below and above each value."""
    return [[max(v.value - v.low, 0.0) for v in values],
            [max(v.high - v.value, 0.0) for v in values]]


def focus(result: Any) -> list[str]:
    """The GIL build and the free-threaded build most charts compare (see ``metrics``)."""
    return [v for v in m.focus_pair(result) if v is not None]


def span(values: list[float]) -> str:
    """``0.6x`` or ``0.6x to 1.9x``: a range only when the values differ."""
    low, high = f"{min(values):.1f}{TIMES}", f"{max(values):.1f}{TIMES}"
    return low if low == high else f"{low} to {high}"


def text_size() -> float:
    """The smallest type of the look being drawn: value labels, direct labels, notes."""
    return style.look().text


def legend(ax: Axes, theme: style.Theme, handles: list[Any] | None = None) -> None:
    """The legend, inside the axes where it hides the least, on a backing of the page's colour:
    one at the side would widen the figure, and so shrink all of its type on the page."""
    kwargs: dict[str, Any] = {"loc": "best", "frameon": True, "framealpha": 0.85,
                              "facecolor": style.ink(theme, "paper"),
                              "edgecolor": style.ink(theme, "grid")}
    if handles is not None:
        kwargs["handles"] = handles
    entries = len(handles if handles is not None else ax.get_legend_handles_labels()[0])
    kwargs["ncols"] = 2 if entries > 2 else 1  # flatter: it fits above the bars
    ax.legend(**kwargs)


def make_room(ax: Axes, share: float = 0.4) -> None:
    """Empty space above the tallest bar, where the legend goes instead of over the bars."""
    low, high = ax.get_ylim()
    if ax.get_yscale() == "log":
        ax.set_ylim(low, high * (high / low) ** share)
    else:
        ax.set_ylim(low, high + (high - low) * share)


def hatch_legend(ax: Axes, theme: style.Theme, entries: dict[str, str | None]) -> None:
    """A legend of hatches alone (``{"3.14t": "//"}``): colour already names the strategy."""
    legend(ax, theme, [Patch(facecolor="none", edgecolor=style.ink(theme), hatch=h, label=name)
                       for name, h in entries.items()])


def bar_groups(
    ax: Axes,
    groups: list[str],
    series: dict[str, list[Value]],
    colours: Callable[[str, int], str],
    theme: style.Theme,
    value_label: Callable[[float], str],
    hatches: dict[str, str] | None = None,
) -> None:
    """Grouped bars with error bars; a missing value is written as "n/a" so it is never hidden.

    ``colours(series, group index)`` gives each bar its strategy's colour; ``hatches`` tell
    the series of one strategy apart (a free-threaded build, a second workload).
    """
    width = 0.8 / max(len(series), 1)
    labelled = _labels_fit(ax, len(series) * len(groups) / 0.8, [
        value_label(v.value) for values in series.values() for v in values if v is not None])
    for index, (name, values) in enumerate(series.items()):
        xs = [g + (index - (len(series) - 1) / 2) * width for g in range(len(groups))]
        hatch = (hatches or {}).get(name)
        for group, (x, value) in enumerate(zip(xs, values, strict=True)):
            if value is not None and not math.isnan(value.value):
                colour = colours(name, group)
                # A hatched bar keeps its strategy's colour; the hatch lines take the page's ink.
                ax.bar(x, value.value, width * 0.92, color=colour, hatch=hatch,
                       edgecolor=style.ink(theme) if hatch else colour, linewidth=0,
                       yerr=yerr([value]), ecolor=style.ink(theme, "muted"), capsize=3)
                if not labelled:
                    continue
                ax.annotate(value_label(value.value), (x, max(value.value, value.high)),
                            xytext=(0, 3), textcoords="offset points", ha="center",
                            va="bottom", fontsize=text_size(), color=style.ink(theme))
            else:
                ax.annotate("n/a", (x, 0), xytext=(0, 3), textcoords="offset points",
                            ha="center", va="bottom", fontsize=text_size(), rotation=90,
                            color=style.ink(theme, "muted"))
    ax.set_xticks(range(len(groups)), groups)
    ax.grid(axis="x", visible=False)
    if len(series) > 1:
        hatch_legend(ax, theme, {name: (hatches or {}).get(name) for name in series})


def _labels_fit(ax: Axes, slots: float, labels: list[str]) -> bool:
    """Whether value labels fit above their bars side by side: each bar has ``1 / slots`` of
    the axes' width, a label about 0.6 em per character (DejaVu Sans digits)."""
    if not labels:
        return False
    axes_pt = ax.figure.get_figwidth() * 72 * ax.get_position().width
    widest = max(len(text) for text in labels) * 0.6 * text_size()
    return axes_pt / slots >= 1.1 * widest


def variant_hatches(variants: Sequence[str]) -> dict[str, str]:
    """The free-threaded builds among ``variants`` are hatched, the GIL builds solid."""
    return {v: FREE_HATCH for v in variants if is_free_threaded(v.split()[0])}


def line(ax: Axes, curve: dict[float, Estimate], **kwargs: Any) -> None:
    """One line with error bars at each point."""
    xs = list(curve)
    values = list(curve.values())
    ax.errorbar(xs, [v.value for v in values], yerr=yerr(values), capsize=3, **kwargs)


def end_label(ax: Axes, curve: dict[float, Estimate], text: str, colour: str) -> None:
    """A direct label at the right end of a line, in the line's colour: no legend to look up."""
    x = max(curve)
    ax.annotate(text, (x, curve[x].value), xytext=(10, 0), textcoords="offset points",
                va="center", ha="left", fontsize=text_size(), color=colour, fontweight="bold",
                annotation_clip=False)


def spread_end_labels(ax: Axes, labels: list[tuple[dict[float, Estimate], str, str]],
                      log: bool = False) -> None:
    """Direct labels at the ends of several lines, nudged apart so that none overlap."""
    if not labels:
        return
    # Room for the labels inside the figure: beside it they would widen the saved figure, and
    # a wider figure is shorter on its slide (about 0.62 em per character, bold).
    fig = ax.figure
    needed = (max(len(text) for _, text, _ in labels) * 0.62 * text_size() + 14) / 72
    fig.subplots_adjust(right=max(0.5, 0.98 - needed / fig.get_figwidth()))
    fig.canvas.draw()  # the axes' limits are final only once drawn
    low, high = ax.get_ylim()
    to_axes = ((lambda v: (math.log(v) - math.log(low)) / (math.log(high) - math.log(low)))
               if log else (lambda v: (v - low) / (high - low)))
    placed: list[tuple[float, int]] = sorted(
        (to_axes(curve[max(curve)].value), i) for i, (curve, _, _) in enumerate(labels))
    height = ax.get_window_extent().height or 1.0
    gap = 1.25 * text_size() * fig.dpi / 72 / height
    ys = [y for y, _ in placed]
    for k in range(1, len(ys)):
        ys[k] = max(ys[k], ys[k - 1] + gap)
    if ys[-1] > 1.0:  # past the top (into the title): the stack moves down instead
        ys[-1] = 1.0
        for k in range(len(ys) - 2, -1, -1):
            ys[k] = min(ys[k], ys[k + 1] - gap)
    for y, (_, i) in zip(ys, placed, strict=True):
        _, text, colour = labels[i]
        ax.annotate(text, (1.0, y), xycoords="axes fraction", xytext=(10, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=text_size(),
                    color=colour, fontweight="bold", annotation_clip=False)


def ideal(ax: Axes, theme: style.Theme, y: float | None = None, xs: Sequence[int] = ()) -> None:
    """Dashed ideal-scaling reference: ``y = x`` over ``xs``, or a level at ``y``."""
    kwargs = {"color": style.ink(theme, "muted"), "linestyle": "--", "linewidth": 1.8,
              "label": "ideal", "zorder": 1}
    if y is not None:
        ax.axhline(y, **kwargs)
        # Labelled at the left, inside the axes: the legend sits at the top right.
        ax.annotate(f"ideal {y:g}{TIMES}", (0, y), xycoords=("axes fraction", "data"),
                    xytext=(4, 3), textcoords="offset points", va="bottom", ha="left",
                    fontsize=text_size(), color=style.ink(theme, "muted"))
    elif xs:
        ax.plot([min(xs), max(xs)], [min(xs), max(xs)], **kwargs)


def rows_gil_then_free_threads(values: Callable[[str], dict[str, Estimate]], data: Any
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
                rows.append((f"{label(strategy)} · {variant}", value,
                             palette.colour(strategy, variant)))
    # The two threads rows side by side: the build is what changes them.
    return sorted(rows, key=lambda r: (not r[0].startswith("threads"), ))


def hbars(ax: Axes, rows: list[Row], theme: style.Theme,
          value_label: Callable[[float], str], log: bool = False) -> None:
    """Horizontal bars, one per row ``(name, value, colour)``, top to bottom, each named on
    the axis and its value written at its end: the deck's way to need no legend."""
    ys = range(len(rows))
    values = [v for _, v, _ in rows]
    ax.barh(list(ys), [v.value for v in values], height=0.7, color=[c for _, _, c in rows],
            xerr=yerr(values), error_kw={"ecolor": style.ink(theme, "muted"), "capsize": 4})
    for y, value in zip(ys, values, strict=True):
        ax.annotate(value_label(value.value), (max(value.value, value.high), y), xytext=(8, 0),
                    textcoords="offset points", va="center", ha="left",
                    fontsize=text_size(), color=style.ink(theme), annotation_clip=False)
    ax.set_yticks(list(ys), [name for name, _, _ in rows])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    if log:
        ax.set_xscale("log")
    ax.margins(x=0.18)  # room for the value written at the end of the longest bar


def strategy_colour(strategy: str, variant: str = "") -> str:
    """Shorthand for ``palette.colour``."""
    return palette.colour(strategy, variant)
