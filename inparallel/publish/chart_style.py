"""How charts look: two looks (site and deck), two themes, and deterministic SVG output.

Every site chart is drawn twice, once per Material palette (``light`` for the default scheme,
``dark`` for ``slate``), and shown with the ``#only-light`` / ``#only-dark`` URL suffixes. The
deck's charts are drawn in the ``DECK`` look (larger type, no title or footer: the slide's
heading says it) and the light theme only. Colours live in ``inparallel.publish.palette``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import matplotlib

# Charts are files, never windows: pick the non-interactive backend before pyplot loads.
matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

Theme = Literal["light", "dark"]
THEMES: tuple[Theme, ...] = ("light", "dark")

_BASE = {
    "figure.dpi": 100,
    "font.family": "DejaVu Sans",  # bundled with matplotlib: the same glyphs on every machine
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 14,
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
    # "paper": Material's page background (default and slate), behind a legend.
    "light": {"text": "#1f2328", "muted": "#57606a", "grid": "#d0d7de", "paper": "#ffffff"},
    "dark": {"text": "#e6edf3", "muted": "#9ea7b3", "grid": "#3d444d", "paper": "#1e2129"},
}


@dataclass(frozen=True)
class Look:
    """One set of sizes: ``text`` is the smallest type a chart may use (value and direct
    labels, notes), ``footer`` the machine line under a site chart (None: no footer)."""

    name: Literal["site", "deck"]
    text: float
    footer: float | None
    titled: bool  # the takeaway as the chart's title (the deck's slide heading says it)
    rc: dict[str, Any] = field(default_factory=dict)


# The site's column is about 700 CSS px wide at 1280 px: an 8.4-inch figure (605 pt) shows at
# about 1.1 px per point there, so 12.5 to 16 pt read as 13.5 to 17 px beside 16 px body text.
SITE = Look("site", text=14, footer=12.5, titled=True, rc={
    "figure.figsize": (8.4, 4.8), "font.size": 15, "axes.titlesize": 16, "axes.labelsize": 15,
    "xtick.labelsize": 14, "ytick.labelsize": 14, "legend.fontsize": 14,
    "lines.linewidth": 3, "lines.markersize": 9})

# A deck chart fills its slide's width (1136 of 1280 px, 1704 px at 1920x1080): 12.8 inches
# are about 1.8 px per point there, and still 1.4 when the height (5.4 inches) is what limits
# it; 19 pt is then at least 26 px, above the 24 px the back row needs.
DECK = Look("deck", text=19, footer=None, titled=False, rc={
    "figure.figsize": (12.8, 5.4), "font.size": 20, "axes.labelsize": 20,
    "xtick.labelsize": 20, "ytick.labelsize": 20, "legend.fontsize": 20,
    "lines.linewidth": 4.5, "lines.markersize": 12, "axes.linewidth": 1.5})

LOOKS = {look.name: look for look in (SITE, DECK)}
_LOOK: ContextVar[Look] = ContextVar("look", default=SITE)


def look() -> Look:
    """The look being drawn: drawers ask it for sizes and whether to label series directly."""
    return _LOOK.get()


def deck() -> bool:
    """True while a deck chart is drawn: fewer series, direct labels instead of legends."""
    return _LOOK.get().name == "deck"


def ink(theme: Theme, role: Literal["text", "muted", "grid", "paper"] = "text") -> str:
    """The text, secondary-text, grid or background colour of a theme."""
    return _INK[theme][role]


def rc_for(theme: Theme, look_: Look = SITE) -> dict[str, object]:
    """The rcParams of one theme and look: the shared base, the look's sizes, the ink."""
    colours = _INK[theme]
    return {
        **_BASE,
        **look_.rc,
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
def themed(theme: Theme, look_: Look | None = None) -> Iterator[None]:
    """Draw inside this block to get the theme's colours and the look's sizes (by default the
    look already in force, else the site's)."""
    chosen = look_ or _LOOK.get()
    token = _LOOK.set(chosen)
    try:
        with plt.rc_context(rc_for(theme, chosen)):
            yield
    finally:
        _LOOK.reset(token)


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
