"""Where things live: the repository, its data, demos, docs and charts folders, and the build
cache outside it."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
DEMOS = REPO / "demos"
DOCS = REPO / "docs"
#: The site's charts, ``<name>[-<machine key>]-<theme>.svg`` (``inparallel.publish.charts``).
CHARTS_DIR = DOCS / "assets" / "charts"
#: The deck's versions of them, ``<name>-light.svg``, which the slides inline.
DECK_CHARTS_DIR = CHARTS_DIR / "deck"
#: The hand-drawn diagrams of the pages (``inparallel.publish.diagrams``).
DIAGRAMS_DIR = DOCS / "assets" / "diagrams"
#: What the site build writes for the pages to include (``inparallel.publish.mkdocs_hook``).
GENERATED_DIR = DOCS / "generated"
#: The file there that says which data files (and their SHA-256) each chart was drawn from.
CHARTS_MANIFEST = "charts.json"

CACHE_ENV = "INPARALLEL_CACHE"


def deck_chart(name: str, deck_dir: Path = DECK_CHARTS_DIR) -> Path:
    """The deck's version of chart ``name``: the light theme only (slides are projected on
    light backgrounds; the dark variants are for the site)."""
    return deck_dir / f"{name}-light.svg"


def cache_root() -> Path:
    """The build cache, shared by every clone on this machine.

    ``$INPARALLEL_CACHE`` overrides the default, the user's cache directory.
    """
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(user_cache_dir("python-in-parallel"))


def downloads_dir() -> Path:
    """Verified source tarballs."""
    return cache_root() / "downloads"


def prefix_for(variant_name: str) -> Path:
    """The install prefix of one built variant; it exists only once the build is checked."""
    return cache_root() / "builds" / variant_name


def logs_dir() -> Path:
    """Full build logs, one per variant."""
    return cache_root() / "logs"
