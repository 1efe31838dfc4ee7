"""The transfer demo's chart: round-trip time against payload size, one line per way of sending
data between workers, for the site and for the deck."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from inparallel import units
from inparallel.analysis import metrics as m
from inparallel.analysis.demos.transfer import transfer_curve
from inparallel.analysis.metrics import Estimate
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Chart


def transfer_lines(data: Any) -> tuple[str, dict[tuple[str, str], dict[float, Estimate]]]:
    """The variant shown and its round-trip curves, ``{(strategy, workload): curve}``."""
    variant = m.focus_pair(data)[0] or (parts.focus(data) or [""])[0]
    lines: dict[tuple[str, str], dict[float, Estimate]] = {}
    for point in data.select(variant=variant):
        key = (point.strategy, point.workload)
        if key not in lines:
            curve = transfer_curve(data, variant, point.workload, point.strategy)
            if curve:
                lines[key] = curve
    return variant, lines


def member_colours(strategies: list[str], variant: str) -> dict[str, str]:
    """Each strategy's colour, members of one family (three ways a sub-interpreter receives
    data) in shades of it, so that the family still reads at a glance."""
    out: dict[str, str] = {}
    for strategy in strategies:
        kin = [s for s in strategies if palette.family(s, variant) ==
               palette.family(strategy, variant)]
        out[strategy] = palette.shade(palette.colour(strategy, variant),
                                      len(kin) - 1 - kin.index(strategy), len(kin))
    return out


def transfer_axes(ax: Axes) -> None:
    """Log-log axes of payload size against round-trip time."""
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=4, numticks=6))  # labels must not touch
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: units.size(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: units.seconds(v)))
    ax.set_xlabel("payload size")
    ax.set_ylabel("round-trip time (log scale)")


def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Round-trip time against payload size on one variant: a line per way of sending data."""
    variant, lines = transfer_lines(data)
    if not lines:
        return None
    kinds = list(dict.fromkeys(w for _, w in lines))
    colours = member_colours(list(dict.fromkeys(s for s, _ in lines)), variant)
    styles = ["-", "--", ":", "-."]
    for (strategy, workload), curve in lines.items():
        # The kind of payload (bytes, a list...) is the line style; the way it travels, the colour.
        parts.line(ax, curve, marker="o", color=colours[strategy],
                   linestyle=styles[kinds.index(workload) % 4])
    transfer_axes(ax)
    if len(kinds) > 1:
        ax.set_xlabel("payload size (" + ", ".join(
            f"{name} {kind}" for name, kind in zip(("solid:", "dashed:", "dotted:", "dash-dot:"),
                                                    kinds, strict=False)) + ")")
    # Each way named once, at the end of its first kind's line (legends of eight entries
    # covered the lines).
    first = {s: c for (s, w), c in reversed(lines.items())}
    parts.spread_end_labels(ax, [(c, parts.label(s), palette.colour(s, variant))
                                 for s, c in first.items()], log=True)
    largest = max(size for curve in lines.values() for size in curve)
    at_largest = sorted((c[largest].value, s) for (s, _), c in lines.items() if largest in c)
    fastest, slowest = at_largest[0], at_largest[-1]
    return (f"Moving {units.size(largest)} on {variant}: {fastest[1]} "
            f"{units.seconds(fastest[0])}, {slowest[1]} {units.seconds(slowest[0])}")


def draw_deck(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Round trips of the first kind of payload only, each way named at its line's end."""
    variant, lines = transfer_lines(data)
    if not lines:
        return None
    kind = next(iter(lines))[1]
    mine = {s: c for (s, w), c in lines.items() if w == kind}
    colours = member_colours(list(mine), variant)
    for strategy, curve in mine.items():
        parts.line(ax, curve, marker="o", color=colours[strategy],
                   linestyle=palette.dash(strategy))
    transfer_axes(ax)
    ax.set_xlabel(f"payload size ({kind}, on {variant})")
    # Labels in the family's full colour: a pale shade is hard to read as text.
    parts.spread_end_labels(ax, [(c, parts.label(s), palette.colour(s, variant))
                                 for s, c in mine.items()], log=True)
    return "transfer"


CHARTS = (
    Chart("transfer", "transfer", "Round-trip time against payload size", draw, draw_deck),
)
