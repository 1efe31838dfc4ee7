"""The deck's charts read from the back row: measured in Chromium at 1920x1080, slide by slide.

The deck is built from ``slides/talk.md`` with the deck's charts (``paths.DECK_CHARTS_DIR``, drawn
from data/ into a temporary folder), served on 127.0.0.1 and opened in Debian's Chromium. On
every slide that shows a chart:

- the smallest chart text is at least 24 px: each SVG text group's size is its em size as
  rendered (what CSS calls font-size; matplotlib writes text as glyph outlines scaled from
  100-unit glyphs, so the em size is 100 times the group's scale on screen), read from the
  chart's SVG laid exactly over the picture on the slide, where its bounding box is too;
- the chart fills at least 55% of the slide: the picture as drawn (``object-fit: contain``
  leaves bands of its box empty), against the slide's area.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, REPO, serve_folder

from inparallel.publish import chart_style as style
from inparallel.publish import charts, slides

pytestmark = pytest.mark.browser

MIN_TEXT_PX = 24
MIN_AREA = 0.55
VIEWPORT = {"width": 1920, "height": 1080}

#: Runs in the page for one slide: every chart on it, its area share and its text sizes.
MEASURE = """async (index) => {
  const section = document.querySelectorAll('section')[index];
  const slide = section.closest('svg').getBoundingClientRect();
  const found = [];
  for (const img of section.querySelectorAll('img.chart')) {
    const box = img.getBoundingClientRect();
    const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
    const w = img.naturalWidth * scale, h = img.naturalHeight * scale;
    const left = box.left + (box.width - w) / 2, top = box.top + (box.height - h) / 2;
    const source = await (await fetch(img.src)).text();
    const svg = new DOMParser().parseFromString(source, 'image/svg+xml').documentElement;
    svg.setAttribute('width', w);
    svg.setAttribute('height', h);
    const holder = document.createElement('div');
    holder.style.cssText = `position:fixed;left:${left}px;top:${top}px;width:${w}px;` +
                           `height:${h}px;margin:0;padding:0;z-index:99;`;
    holder.appendChild(document.importNode(svg, true));
    document.body.appendChild(holder);
    const texts = [];
    for (const group of holder.querySelectorAll('g[id^="text_"]')) {
      const glyphs = group.querySelector('g[transform]');
      if (!glyphs) continue;
      const m = glyphs.getScreenCTM();
      const rect = group.getBoundingClientRect();
      const label = [...group.childNodes].filter(n => n.nodeType === 8)
        .map(n => n.textContent.trim()).join(' ');
      texts.push({text: label, px: 100 * Math.hypot(m.c, m.d),
                  box: [Math.round(rect.width), Math.round(rect.height)]});
    }
    holder.remove();
    found.push({chart: img.dataset.chart, area: (w * h) / (slide.width * slide.height),
                texts, px_per_pt: w / svg.viewBox.baseVal.width});
  }
  return found;
}"""


@pytest.fixture(scope="module")
def deck_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The deck built with the deck's charts, drawn from data/ for the charts it names."""
    folder = tmp_path_factory.mktemp("deck-charts")
    named = slides.chart_names(slides.SOURCE.read_text(encoding="utf-8"))
    charts.draw_all(REPO / "data", folder / "charts", only=named)
    slides.build(output=folder / "index.html", charts_dir=folder / "charts" / "deck",
                 workdir=folder / "work")
    with serve_folder(folder) as url:
        yield url + "index.html"


@pytest.fixture(scope="module")
def measured(deck_url: str, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Every chart slide's measurements, at 1920x1080."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS, viewport=VIEWPORT)
        try:
            page = context.new_page()
            page.goto(deck_url, wait_until="load")
            with_charts = page.evaluate("""() => [...document.querySelectorAll('section')]
                .map((s, i) => s.querySelector('img.chart') ? i : -1).filter(i => i >= 0)""")
            found = []
            for index in with_charts:
                page.goto(f"{deck_url}#{index + 1}")
                page.wait_for_function(f"location.hash === '#{index + 1}'")
                page.wait_for_function("""(i) => {
                    const r = document.querySelectorAll('section')[i]
                      .querySelector('img.chart').getBoundingClientRect();
                    return r.width > 0 && r.height > 0; }""", arg=index)
                for chart in page.evaluate(MEASURE, index):
                    found.append({"slide": index + 1, **chart})
        finally:
            context.close()
    assert found, "the deck shows no chart at all"
    return found


def test_every_chart_text_is_at_least_24_px(measured: list[dict[str, Any]]) -> None:
    small = []
    for chart in measured:
        assert chart["texts"], f"slide {chart['slide']}: no text found in {chart['chart']}"
        least = min(chart["texts"], key=lambda t: t["px"])
        if least["px"] < MIN_TEXT_PX:
            small.append(f"slide {chart['slide']} ({chart['chart']}): {least['px']:.1f} px "
                         f"'{least['text']}' (box {least['box'][0]}x{least['box'][1]})")
    assert small == [], "chart text under 24 px at 1920x1080:\n" + "\n".join(small)


def test_every_chart_fills_at_least_55_percent_of_its_slide(
        measured: list[dict[str, Any]]) -> None:
    small = [f"slide {c['slide']} ({c['chart']}): {c['area']:.0%}"
             for c in measured if c["area"] < MIN_AREA]
    assert small == [], "charts under 55% of their slide:\n" + "\n".join(small)


def test_the_measure_reads_the_size_each_text_was_drawn_at(
        measured: list[dict[str, Any]]) -> None:
    """The measure itself: on a deck chart the largest text is the tick and axis labels, drawn
    at the deck look's size in points; on screen it must be that many points times the
    picture's own scale (its width on screen over its width in points)."""
    drawn_pt = style.DECK.rc["xtick.labelsize"]
    deck_charts = [c for c in measured if charts.chart(c["chart"]).deck is not None]
    assert deck_charts
    for chart in deck_charts:
        largest = max(t["px"] for t in chart["texts"]) / chart["px_per_pt"]
        assert largest == pytest.approx(drawn_pt, rel=0.01), chart["chart"]
        assert all(t["box"][1] > 0 for t in chart["texts"]), chart["chart"]
