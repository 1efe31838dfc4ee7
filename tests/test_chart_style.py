"""One colour per strategy on every chart, and the deck's own versions of the charts.

All data here are the fixture files under ``tests/fixtures/site/data`` (not measurements).
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from conftest import SITE_DATA
from matplotlib.colors import to_hex

from inparallel.analysis.results import machine_results
from inparallel.publish import chart_style as style
from inparallel.publish import charts, palette

FIXTURES = SITE_DATA  # the fixture runs (conftest), not data/
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every chart the fixtures can draw, site and deck."""
    out = tmp_path_factory.mktemp("charts")
    charts.draw_all(FIXTURES, out)
    return out


def _faces(ax: plt.Axes) -> list[str]:
    return [to_hex(p.get_facecolor()).upper() for p in ax.patches
            if p.get_height() and p.get_facecolor()[3] > 0]


def _draw(name: str, deck: bool = False) -> plt.Axes:
    chart = charts.chart(name)
    data = machine_results(FIXTURES, chart.demo)[0]
    look = style.DECK if deck else style.SITE
    with style.themed("light", look):
        fig, ax = plt.subplots()
        assert (chart.deck if deck else chart.draw)(ax, data, "light") is not None
    plt.close(fig)
    return ax


def test_a_strategy_has_one_colour_whatever_the_build_except_threads() -> None:
    assert palette.colour("subinterpreters", "3.14") == palette.colour("subinterpreters-pool",
                                                                       "3.14t")
    assert palette.colour("processes-fork") == palette.colour("processes-spawn-rebuild") \
        == palette.colour("fresh-process")
    # Threads are two strategies: with the GIL and without it.
    assert palette.colour("threads", "3.14") != palette.colour("threads", "3.14t")
    assert palette.colour("threads-shared", "3.14t") == palette.colour("threads", "3.13t")
    assert palette.colour("threads", "3.14t PYTHON_GIL=1") == palette.colour("threads", "3.14t")
    assert palette.family("wheel") == "other"
    assert len(set(palette.FAMILY_COLOURS.values())) == len(palette.FAMILY_COLOURS)
    # "Fails" on the compatibility grid is no strategy's colour.
    assert palette.FAILS not in palette.FAMILY_COLOURS.values()


def test_versions_of_one_build_kind_are_shades_newest_darkest() -> None:
    colours = palette.variant_colours(["3.13t", "3.14", "3.15t", "3.13", "3.14t"])
    assert colours["3.15t"] == palette.FAMILY_COLOURS["threads-free"]
    assert colours["3.14"] == palette.FAMILY_COLOURS["threads-gil"]

    def lightness(colour: str) -> int:
        return sum(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    assert lightness(colours["3.13t"]) > lightness(colours["3.14t"]) > lightness(colours["3.15t"])
    assert lightness(colours["3.13"]) > lightness(colours["3.14"])


def test_bars_take_their_strategys_colour_on_the_site_and_the_deck() -> None:
    expected = {palette.colour("threads", "3.14"), palette.colour("threads", "3.14t"),
                palette.colour("subinterpreters"), palette.colour("processes-fork")}
    for deck in (False, True):
        faces = set(_faces(_draw("cpu-numeric", deck)))
        assert expected <= faces, (deck, faces)
        assert faces <= set(palette.FAMILY_COLOURS.values()), (deck, faces)


def test_every_deck_chart_is_written_with_the_sites_chart_name(drawn: Path) -> None:
    site = {p.name.removesuffix("-light.svg") for p in drawn.glob("*-light.svg")}
    deck = {p.name.removesuffix("-light.svg") for p in (drawn / "deck").glob("*.svg")}
    names = {c.name for c in charts.CHARTS}
    assert deck and deck == site & names
    assert charts.deck_path("nogil-scaling", drawn) == drawn / "deck" / "nogil-scaling-light.svg"
    # A chart without a deck drawer (the compatibility grid) is the site's, as it is.
    assert charts.chart("compat").deck is None
    assert charts.deck_path("compat", drawn).read_bytes() == (
        drawn / "compat-light.svg").read_bytes()


def _text_sizes(svg: Path) -> list[float]:
    """Each text's size in points: matplotlib scales 100-unit glyphs to it."""
    sizes = []
    for group in ET.parse(svg).getroot().iter(f"{SVG}g"):
        if (group.get("id") or "").startswith("text_"):
            inner = group.find(f"{SVG}g")
            if inner is not None and "scale(" in (inner.get("transform") or ""):
                scale = inner.get("transform").split("scale(")[1].split()[0].rstrip(")")
                sizes.append(round(float(scale) * 100, 2))
    return sizes


def test_deck_charts_use_large_type_only_and_no_title(drawn: Path) -> None:
    for name in [c.name for c in charts.CHARTS if c.deck]:
        deck = charts.deck_path(name, drawn)
        if not deck.is_file():
            continue  # no fixture data for it
        sizes = _text_sizes(deck)
        assert sizes and min(sizes) >= style.DECK.text, (name, sorted(set(sizes)))
        site = _text_sizes(drawn / f"{name}-light.svg")
        assert min(site) < style.DECK.text, name  # the measure tells the two looks apart
        assert max(sizes) < style.SITE.rc["axes.titlesize"] + 5, name  # no title


def test_deck_lines_are_labelled_where_they_end_not_in_a_legend() -> None:
    ax = _draw("nogil-scaling", deck=True)
    assert ax.get_legend() is None
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("3.14t (no GIL)") for t in texts), texts
    assert any(t.startswith("3.14 (GIL)") for t in texts), texts


def test_deck_bars_are_named_on_their_axis() -> None:
    ax = _draw("cpu-numeric", deck=True)
    assert ax.get_legend() is None
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert "threads · 3.14" in names and "threads · 3.14t" in names
    # One bar per name: each strategy on the GIL build, threads on the free-threaded one.
    assert len(_faces(ax)) == len(names) == len(set(names))


def test_stale_deck_charts_go_with_their_data(tmp_path: Path) -> None:
    data = Path(shutil.copytree(FIXTURES, tmp_path / "data"))
    charts.draw_all(data, tmp_path / "out", only=["startup"])
    assert charts.deck_path("startup", tmp_path / "out").is_file()
    shutil.rmtree(data / "startup")
    charts.draw_all(data, tmp_path / "out", only=["startup"])
    assert not charts.deck_path("startup", tmp_path / "out").exists()
