"""The compat demo's chart: which stdlib modules import in an isolated sub-interpreter, per
variant (the deck shows the site's chart as it is)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from inparallel.analysis.metrics import version_key
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Chart


def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Which stdlib modules import in an isolated sub-interpreter: variants by modules.

    Only modules that fail on some variant are shown; a module absent from a build is a dash.
    """
    variants = sorted({p.variant for p in data.points}, key=version_key)
    status: dict[str, dict[str, bool | None]] = {}
    for point in data.select(workload="subinterpreter-import"):
        module = str(point.params.get("module") or point.workload)
        works = None if not point.available else bool(point.ok and point.median)
        status.setdefault(module, {})[point.variant] = works
    interesting = sorted(mod for mod, per in status.items() if False in per.values())[:24]
    if not interesting:
        return None
    for y, module in enumerate(interesting):
        for x, variant in enumerate(variants):
            works = status[module].get(variant)
            # Dark ink on both cell colours: yellow and light grey in either theme.
            colour = "none" if works is None else (palette.WORKS if works else palette.FAILS)
            ax.add_patch(plt.Rectangle((x - 0.45, y - 0.4), 0.9, 0.8, facecolor=colour,
                                       edgecolor=style.ink(theme, "grid")))
            mark = "-" if works is None else ("yes" if works else "no")
            ax.text(x, y, mark, ha="center", va="center", fontsize=parts.text_size(),
                    color=style.ink(theme, "muted") if works is None else "#1f2328",
                    fontweight="bold")
    ax.set_xlim(-0.5, len(variants) - 0.5)
    ax.set_ylim(len(interesting) - 0.5, -0.5)
    ax.set_xticks(range(len(variants)), variants)
    ax.set_yticks(range(len(interesting)), interesting)
    ax.grid(False)
    ax.figure.set_size_inches(style.look().rc["figure.figsize"][0],
                              max(3.0, 0.42 * len(interesting) + 1.6))
    failing = {v: sum(1 for mod in status if status[mod].get(v) is False) for v in variants}
    return "Modules that fail in a sub-interpreter: " + ", ".join(
        f"{v} {n}" for v, n in failing.items())


CHARTS = (
    Chart("compat", "compat", "Module availability per variant", draw),
)
