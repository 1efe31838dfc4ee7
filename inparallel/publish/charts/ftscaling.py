"""The ftscaling demo's chart, of CPython's own scaling benchmark: each case's speedup on N
threads, per build.

One row per case of ``Tools/ftscalingbench`` (in the newest script's order), one bar per
free-threaded build, each with its interval; the ideal (N) and no speed-up (1x) are dashed
lines. A bar whose points miss the precision rule is hatched: the findings say nothing of it
(``inparallel.analysis.demos.ftscaling``).
"""

from __future__ import annotations

import re
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from inparallel.analysis import formatting as fmt
from inparallel.analysis.demos import ftscaling
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Chart

UNSURE_HATCH = "xx"


def _shown(data: Any, variant: str) -> str:
    """The legend's name of a build: a release candidate says so, a build that ran another
    release's script says whose."""
    version = ftscaling.release(data, variant) or ""
    name = ftscaling.label(data, variant)
    return f"{name} ({version})" if re.search(r"(a|b|rc)\d+$", version) else name


def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Grouped horizontal bars: speedup on N threads per case and build."""
    measured = {v: ftscaling.cases(data, v) for v in ftscaling.builds(data)}
    measured = {v: found for v, found in measured.items() if found}
    if not measured:
        return None
    rows = list(dict.fromkeys(name for found in reversed(measured.values()) for name in found))
    colours = palette.variant_colours(list(measured))
    height = 0.8 / len(measured)
    ax.figure.set_figheight(max(4.5, 0.28 * len(rows) * max(1.0, len(measured) / 2)))
    for index, (variant, found) in enumerate(measured.items()):
        for row, name in enumerate(rows):
            case = found.get(name)
            if case is None:
                continue
            y = row + (index - (len(measured) - 1) / 2) * height
            unsure = case.kind == "unsure"
            ax.barh(y, case.speedup.value, height=height * 0.92, color=colours[variant],
                    hatch=UNSURE_HATCH if unsure else None,
                    edgecolor=style.ink(theme) if unsure else colours[variant], linewidth=0,
                    xerr=parts.yerr([case.speedup]),
                    error_kw={"ecolor": style.ink(theme, "muted"), "capsize": 2})
    threads = max(c.threads for found in measured.values() for c in found.values())
    for x, text in ((1.0, f"1{fmt.TIMES}: no speed-up"), (float(threads), f"ideal {threads:g}"
                                                          f"{fmt.TIMES}")):
        ax.axvline(x, color=style.ink(theme, "muted"), linestyle="--", linewidth=1.4, zorder=1)
        ax.annotate(text, (x, 1), xycoords=("data", "axes fraction"), xytext=(3, -3),
                    textcoords="offset points", va="top", ha="left",
                    fontsize=parts.text_size(), color=style.ink(theme, "muted"))
    ax.set_yticks(range(len(rows)), rows)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(threads * 1.15, *(c.speedup.high * 1.05 for found in measured.values()
                                         for c in found.values())))
    ax.set_xlabel(f"speedup on {threads} threads ({fmt.TIMES} one thread, same work per thread)")
    handles = [Patch(facecolor=colours[v], label=_shown(data, v)) for v in measured]
    handles.append(Patch(facecolor="none", edgecolor=style.ink(theme), hatch=UNSURE_HATCH,
                         label="short of the precision rule"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1, 1))
    counts = ", ".join(
        f"{_shown(data, v)} {len(ftscaling.by_class(found)['scaled'])} of {len(found)}"
        for v, found in measured.items())
    return f"Tools/ftscalingbench on {threads} threads, cases that scaled: {counts}"


CHARTS = (
    Chart("ftscaling", "ftscaling", "Speedup on N threads per case of CPython's "
          "Tools/ftscalingbench, per free-threaded build", draw),
)
