"""One look for every chart: themes, colours and deterministic SVG output.

Every chart is drawn twice, once per Material palette (``light`` for the default scheme,
``dark`` for ``slate``), and shown with the ``#only-light`` / ``#only-dark`` URL suffixes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import matplotlib

# Charts are files, never windows: pick the non-interactive backend before pyplot loads.
matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from inparallel.analysis.metrics import version_key

Theme = Literal["light", "dark"]
THEMES: tuple[Theme, ...] = ("light", "dark")

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and on a projector.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}

# One colour per approach, the same on every chart and slide.
STRATEGY_COLOURS = {
    "sequential": OKABE_ITO["grey"],
    "threads": OKABE_ITO["blue"],
    "subinterpreters": OKABE_ITO["green"],
    "processes-fork": OKABE_ITO["vermillion"],
    "processes-forkserver": OKABE_ITO["orange"],
    "processes-spawn": OKABE_ITO["purple"],
    "asyncio": OKABE_ITO["sky"],
}
# Extra colours for categories not named above (variants, workloads), in a fixed order.
CYCLE = [
    OKABE_ITO[name]
    for name in ("blue", "vermillion", "green", "orange", "purple", "sky", "yellow", "grey")
]

# Each variant keeps its colour on every chart: GIL builds in blues/greens/purple, free-threaded
# builds in the orange family, so a "t" build reads at a glance and 3.14 vs 3.14t always contrast.
VARIANT_COLOURS = {
    "3.12": OKABE_ITO["purple"],
    "3.13": OKABE_ITO["sky"],
    "3.14": OKABE_ITO["blue"],
    "3.15": OKABE_ITO["green"],
    "3.13t": "#E8C547",
    "3.14t": OKABE_ITO["vermillion"],
    "3.15t": OKABE_ITO["orange"],
}

_BASE = {
    "figure.figsize": (10, 5.6),  # 16:9-ish, so a chart fills a slide too
    "figure.dpi": 100,
    "font.family": "DejaVu Sans",  # bundled with matplotlib: the same glyphs on every machine
    "font.size": 15,
    "axes.titlesize": 18,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 14,
    "axes.labelsize": 15,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "legend.fontsize": 13,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "grid.linewidth": 0.8,
    "lines.linewidth": 3,
    "lines.markersize": 9,
    "savefig.bbox": "tight",
    "savefig.transparent": True,  # the page's own background shows through
    "svg.fonttype": "path",  # text as outlines: renders the same without the font installed
    "svg.hashsalt": "python-in-parallel",  # fixed ids, so unchanged data gives identical files
}

_INK = {
    "light": {"text": "#1f2328", "muted": "#57606a", "grid": "#d0d7de"},
    "dark": {"text": "#e6edf3", "muted": "#9ea7b3", "grid": "#3d444d"},
}


def ink(theme: Theme, role: Literal["text", "muted", "grid"] = "text") -> str:
    """The text, secondary-text or grid colour of a theme."""
    return _INK[theme][role]


def rc_for(theme: Theme) -> dict[str, object]:
    """The rcParams of one theme: the shared base plus its ink colours."""
    colours = _INK[theme]
    return {
        **_BASE,
        "text.color": colours["text"],
        "axes.labelcolor": colours["text"],
        "axes.titlecolor": colours["text"],
        "axes.edgecolor": colours["muted"],
        "xtick.color": colours["muted"],
        "ytick.color": colours["muted"],
        "xtick.labelcolor": colours["text"],
        "ytick.labelcolor": colours["text"],
        "grid.color": colours["grid"],
        "legend.labelcolor": colours["text"],
    }


@contextmanager
def themed(theme: Theme) -> Iterator[None]:
    """Draw inside this block to get the theme's look."""
    with plt.rc_context(rc_for(theme)):
        yield


def variant_colour(variant: str, all_variants: list[str]) -> str:
    """The fixed colour of a Python variant; unknown names take spare colours in sorted order."""
    if variant in VARIANT_COLOURS:
        return VARIANT_COLOURS[variant]
    unknown = sorted((v for v in all_variants if v not in VARIANT_COLOURS), key=version_key)
    spare = [OKABE_ITO["grey"], OKABE_ITO["yellow"], "#6F4E7C", "#3B7D4F"]
    index = unknown.index(variant) if variant in unknown else 0
    return spare[index % len(spare)]


def save(fig: Figure, theme: Theme, *paths: Path) -> None:
    """Write ``fig`` as a deterministic SVG to each path, then close it.

    A file whose bytes would not change is left alone, so ``mkdocs serve`` does not rebuild in a
    loop and file times stay meaningful.
    """
    buffer = io.BytesIO()
    # Saving reads rcParams too (bbox, transparency, SVG ids), so it must run inside the theme.
    with themed(theme):
        # No Date (it changes every run) and a fixed Creator (keeps matplotlib's version out).
        fig.savefig(buffer, format="svg",
                    metadata={"Date": None, "Creator": "python-in-parallel"})
    plt.close(fig)
    data = buffer.getvalue()
    for path in paths:
        if path.exists() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
