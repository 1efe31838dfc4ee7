"""The pyperformance suite's chart: each free-threaded build's single-thread time against its
GIL build, per benchmark (site) or as geometric means and the extremes (deck)."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.demos.pyperformance import suite_cost, suite_table
from inparallel.analysis.metrics import Estimate, version_key
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Chart, Row


def suite_labels(data: Any) -> tuple[dict[str, dict[str, Estimate]], dict[str, Estimate]]:
    """The pyperformance table and each plain free-threaded build's geometric mean."""
    table = suite_table(data)
    labels = sorted({lab for costs in table.values() for lab in costs if " " not in lab},
                    key=version_key)
    means = {lab: suite_cost(data, lab) for lab in labels}
    return table, {lab: mean for lab, mean in means.items() if mean is not None}


def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """The pyperformance suite: each free-threaded build's single-thread time against its GIL
    build per benchmark, and the geometric mean on top (the ``PYTHON_GIL=1`` runs are in the
    finding, not here: six series on twenty rows would not read)."""
    table, means = suite_labels(data)
    labels = list(means)
    if not labels:
        return None
    rows = ["geometric mean", *sorted(table)]
    colours = palette.variant_colours(labels)
    height = 0.8 / len(labels)
    ax.figure.set_figheight(max(4.5, 0.32 * len(rows) * max(1, len(labels) / 2)))
    for i, label in enumerate(labels):
        values = [means[label], *(table[b].get(label) for b in rows[1:])]
        ys = [r + (i - (len(labels) - 1) / 2) * height for r in range(len(rows))]
        shown = [(y, v) for y, v in zip(ys, values, strict=True) if v is not None]
        ax.barh([y for y, _ in shown], [v.value * 100 for _, v in shown], height=height,
                color=colours[label], label=label,
                xerr=[[(v.value - v.low) * 100 for _, v in shown],
                      [(v.high - v.value) * 100 for _, v in shown]],
                error_kw={"ecolor": style.ink(theme, "muted"), "capsize": 2})
    ax.set_yticks(range(len(rows)), rows)
    ax.invert_yaxis()
    ax.axvline(0, color=style.ink(theme, "muted"), linewidth=1)
    ax.set_xlabel("single-thread time vs GIL build (%)")
    parts.legend(ax, theme)
    newest = labels[-1]
    return f"pyperformance: {newest} costs {fmt.percent(means[newest].value)} (geometric mean)"


def draw_deck(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Geometric mean per free-threaded build, then the focus build's cheapest and dearest
    benchmarks: five bars instead of one per benchmark and build."""
    table, means = suite_labels(data)
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


CHARTS = (
    Chart("suite", "pyperformance", "Single-thread cost on the pyperformance suite",
          draw, draw_deck),
)
