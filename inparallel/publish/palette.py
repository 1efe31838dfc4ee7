"""The one colour mapping of the site and the deck: a colour per strategy, the same everywhere.

A colour names the strategy (what runs in parallel), never a Python version: threads on a GIL
build and threads on a free-threaded build are two strategies, each with its colour, and
processes keep one colour whatever their start method (told apart by a dash or a hatch).
Several versions of one strategy on one chart take lighter shades of its colour, the newest
darkest. The colours are Okabe and Ito's set, distinguishable with the common colour-vision
deficiencies and on a projector; yellow is kept for the compatibility grid's "fails" cells,
so that no strategy colour means "fails".
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.colors import to_hex, to_rgb

from inparallel.analysis.metrics import version_key
from inparallel.build.catalog import is_free_threaded

# Okabe and Ito (2008), "Color Universal Design".
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

#: Strategy family -> colour. The keys are what ``family`` returns.
FAMILY_COLOURS = {
    "sequential": OKABE_ITO["grey"],
    "threads-gil": OKABE_ITO["blue"],
    "threads-free": OKABE_ITO["vermillion"],
    "subinterpreters": OKABE_ITO["green"],
    "processes": OKABE_ITO["orange"],
    "asyncio": OKABE_ITO["purple"],
    "other": OKABE_ITO["sky"],
}

#: What each family is called in a legend or a direct label.
FAMILY_NAMES = {
    "sequential": "sequential",
    "threads-gil": "threads (GIL)",
    "threads-free": "threads (free-threaded)",
    "subinterpreters": "sub-interpreters",
    "processes": "processes",
    "asyncio": "asyncio",
    "other": "other",
}

#: The compatibility grid's cells: "fails" must not read as any strategy.
WORKS, FAILS = "#D0D7DE", OKABE_ITO["yellow"]

_PREFIXES = (
    ("sequential", "sequential"),
    ("threads", "threads"),
    ("subinterpreters", "subinterpreters"),
    ("interp", "subinterpreters"),
    ("processes", "processes"),
    ("fresh-process", "processes"),
    ("multiprocessing", "processes"),
    ("asyncio", "asyncio"),
)


def family(strategy: str, variant: str = "") -> str:
    """The colour family of ``strategy`` run on ``variant``: ``threads-local`` on 3.14t is
    ``threads-free``, ``processes-spawn`` is ``processes``, an unknown name is ``other``."""
    for prefix, name in _PREFIXES:
        if strategy.startswith(prefix):
            if name == "threads":
                return "threads-free" if is_free_threaded(variant.split()[0]) else "threads-gil"
            return name
    return "other"


def colour(strategy: str, variant: str = "") -> str:
    """The colour of ``strategy`` on ``variant`` (see ``family``)."""
    return FAMILY_COLOURS[family(strategy, variant)]


def build_family(variant: str) -> str:
    """The family a chart of one build's threads uses for ``variant`` (``3.14t PYTHON_GIL=1``
    runs without the GIL's absence, so it counts as a GIL build)."""
    return "threads-gil" if " " in variant else family("threads", variant)


def shade(base: str, index: int, count: int) -> str:
    """``base`` mixed towards white for older members: index ``count - 1`` is ``base`` itself,
    the oldest at most 55% lighter, so that every shade stays visible on a white page."""
    if count <= 1 or index >= count - 1:
        return base
    lighter = 0.55 * (count - 1 - index) / (count - 1)
    return to_hex(tuple(c + (1 - c) * lighter for c in to_rgb(base)))


def variant_colours(variants: Sequence[str]) -> dict[str, str]:
    """Each variant's colour when a chart's series are builds running threads: GIL builds in
    shades of the GIL threads' blue, free-threaded builds in shades of vermillion, newest
    darkest."""
    out: dict[str, str] = {}
    for name in ("threads-gil", "threads-free"):
        mine = sorted((v for v in variants if build_family(v) == name), key=version_key)
        for index, variant in enumerate(mine):
            out[variant] = shade(FAMILY_COLOURS[name], index, len(mine))
    return out


def dash(strategy: str) -> str:
    """A line style that tells members of one family apart (start methods, pool or queue)."""
    for marker, style in (("spawn", "--"), ("forkserver", ":"), ("queue", "--"),
                          ("prefork", "-."), ("pickle", "-."), ("shm", ":")):
        if marker in strategy:
            return style
    return "-"


def hatch(strategy: str) -> str | None:
    """A bar hatch with the same purpose as ``dash``."""
    return {"--": "//", ":": "..", "-.": "xx"}.get(dash(strategy))
