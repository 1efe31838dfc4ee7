"""The built site in a real browser: Debian's Chromium, driven by Playwright, over 127.0.0.1.

Every page loads without console errors, every chart image loads, the palette toggle swaps the
charts, and no request leaves the machine. A screenshot of the home page is kept: its path is
printed, recorded as the test property ``screenshot``, and copied to ``$SITE_SCREENSHOT_DIR``
when that is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import require_chromium

pytestmark = pytest.mark.browser

require_chromium()


def _pages(base_url: str, browser: object) -> list[str]:
    """Every page the navigation links to, found in the home page's navigation."""
    page = browser.new_page()
    page.goto(base_url)
    hrefs = page.eval_on_selector_all(
        "nav.md-nav--primary a.md-nav__link[href]", "links => links.map(a => a.href)")
    page.close()
    pages = sorted({h.split("#")[0] for h in hrefs if h.startswith(base_url)})
    assert len(pages) >= 10, pages
    return pages


def test_every_page_loads_cleanly_and_stays_local(base_url: str, browser: object) -> None:
    problems: list[str] = []
    charts_seen = 0
    for url in _pages(base_url, browser):
        page = browser.new_page()
        page.on("console", lambda m, url=url: problems.append(f"{url}: console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e, url=url: problems.append(f"{url}: {e}"))
        page.on("requestfailed", lambda r, url=url: problems.append(f"{url}: failed {r.url}"))
        page.on("request", lambda r, url=url: problems.append(f"{url}: external {r.url}")
                if urlparse(r.url).hostname not in ("127.0.0.1", None) else None)
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.wait_for_load_state("networkidle")
        sizes = page.eval_on_selector_all(
            "article img[src*='assets/']",
            "imgs => imgs.map(i => [i.getAttribute('src'), i.complete ? i.naturalWidth : 0])")
        for src, width in sizes:
            if width <= 0:
                problems.append(f"{url}: image did not load: {src}")
        charts_seen += sum(1 for src, _ in sizes if "assets/charts/" in src)
        page.close()
    assert not problems, "\n".join(problems)
    assert charts_seen >= 10


def test_palette_toggle_swaps_the_charts(base_url: str, browser: object,
                                         tmp_path: Path,
                                         record_property: pytest.RecordProperty) -> None:
    page = browser.new_page()
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    light = page.locator("img[src$='nogil-scaling-light.svg#only-light']")
    dark = page.locator("img[src$='nogil-scaling-dark.svg#only-dark']")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    assert light.is_visible() and not dark.is_visible()

    screenshot = tmp_path / "home.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    record_property("screenshot", str(screenshot))
    print(f"home page screenshot: {screenshot}")
    if os.environ.get("SITE_SCREENSHOT_DIR"):
        shutil.copy2(screenshot, Path(os.environ["SITE_SCREENSHOT_DIR"]) / "home.png")

    # The toggle is the label of the palette input that is not checked yet.
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert dark.is_visible() and not light.is_visible()
    page.close()


PHONE = {"width": 390, "height": 844}  # a phone held upright, in CSS pixels

# The elements that stick out past the right edge of the screen, outside any box that scrolls or
# clips them: what made the page wider, named for the failure message.
STICKING_OUT = """width => {
  const found = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(up).overflowX)) {
        inside = true;
        break;
      }
    }
    if (!inside) {
      const cls = typeof el.className === "string" && el.className
        ? "." + el.className.split(" ")[0] : "";
      const id = el.id ? "#" + el.id : "";
      found.push(`${el.tagName.toLowerCase()}${id}${cls} to ${Math.round(box.right)} px`);
    }
  }
  return found.slice(0, 5);
}"""


def test_no_page_is_wider_than_a_phone(base_url: str, browser: object) -> None:
    """At 390 px every page fits the screen: a table scrolls inside its own box, code wraps,
    and nothing makes the page itself scroll sideways."""
    too_wide = []
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    for url in _pages(base_url, browser):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprits = page.evaluate(STICKING_OUT, PHONE["width"])
            too_wide.append(f"{url}: {width} px wide ({'; '.join(culprits)})")
    page.close()
    assert not too_wide, "\n".join(too_wide)
