"""Charts on the built site, in Chromium at 1280x900: their type reads beside the body text, and
a click opens a chart full size (mkdocs-glightbox), with no request leaving the machine.

Text size is measured as in ``tests/test_deck_charts.py``: each SVG text group's em size as
rendered, from the chart's SVG laid exactly over the picture on the page.
"""

from __future__ import annotations

import statistics
from urllib.parse import urlparse

import pytest
from conftest import require_chromium

pytestmark = pytest.mark.browser

#: The smallest chart text (footers, value labels) and the usual one (ticks, axis labels), in
#: CSS px, against Material's 16 px body text.
MIN_PX, USUAL_PX = 12.5, 14.5

require_chromium()

#: Every visible chart of the page: its file and the em size of each of its texts.
MEASURE = """async () => {
  const found = [];
  for (const img of document.querySelectorAll('img[src*="assets/charts/"]')) {
    const box = img.getBoundingClientRect();
    if (!box.width || getComputedStyle(img).display === 'none') continue;
    const source = await (await fetch(img.src)).text();
    const svg = new DOMParser().parseFromString(source, 'image/svg+xml').documentElement;
    svg.setAttribute('width', box.width);
    svg.setAttribute('height', box.height);
    const holder = document.createElement('div');
    holder.style.cssText = `position:fixed;left:0;top:0;width:${box.width}px;` +
                           `height:${box.height}px;visibility:hidden;`;
    holder.appendChild(document.importNode(svg, true));
    document.body.appendChild(holder);
    const px = [...holder.querySelectorAll('g[id^="text_"] > g[transform]')]
      .map(g => { const m = g.getScreenCTM(); return 100 * Math.hypot(m.c, m.d); });
    holder.remove();
    found.push({src: img.getAttribute('src'), width: box.width, px});
  }
  return found;
}"""


@pytest.mark.parametrize("page_name", ["", "results/", "comparison/"])
def test_chart_text_reads_beside_the_body_text(base_url: str, browser: object,
                                               page_name: str) -> None:
    page = browser.new_page()
    page.goto(base_url + page_name, wait_until="load")
    body = float(page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)"))
    measured = page.evaluate(MEASURE)
    page.close()
    assert measured, f"no chart on /{page_name}"
    small = [f"{c['src']}: smallest {min(c['px']):.1f} px, usual "
             f"{statistics.median(c['px']):.1f} px at {c['width']:.0f} px wide"
             for c in measured
             if min(c["px"]) < MIN_PX or statistics.median(c["px"]) < USUAL_PX]
    assert small == [], f"chart text too small beside {body:g} px body text:\n" + "\n".join(small)


def test_a_click_opens_a_chart_full_size_offline(base_url: str, browser: object) -> None:
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", None) else None)
    page.goto(base_url, wait_until="load")
    chart = page.locator('a.glightbox img[src*="assets/charts/"][src$="#only-light"]').first
    inline = chart.bounding_box()
    chart.click()
    opened = page.locator('.glightbox-container .gslide.current img')
    opened.wait_for(state="visible")
    page.wait_for_function("""() => {
        const img = document.querySelector('.glightbox-container .gslide.current img');
        return img && img.complete && img.naturalWidth > 0; }""")
    # Once the opening animation ends, the chart fills the screen's width or its height.
    page.wait_for_function("""() => {
        const r = document.querySelector('.glightbox-container .gslide.current img')
          .getBoundingClientRect();
        return r.width >= 0.9 * innerWidth || r.height >= 0.85 * innerHeight; }""",
                           timeout=5000)
    src = opened.get_attribute("src")
    full = opened.bounding_box()
    # The light chart, not its dark twin (auto_themed galleries), far larger than inline.
    assert src.endswith(".svg#only-light") and "assets/charts/" in src
    assert full["width"] * full["height"] > 2 * inline["width"] * inline["height"]
    assert outside == []
    page.keyboard.press("Escape")
    page.close()
