"""The talk's deck: its source (notes, timings, includes) and the built deck in a real browser.

The browser tests build the deck from ``slides/talk.md`` into a temporary folder, serve it on
127.0.0.1 and drive Debian's Chromium (never a downloaded browser) through Playwright.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, REPO, invoke, serve_folder

from inparallel import paths, units
from inparallel.errors import UserError
from inparallel.publish import deck as deck_source
from inparallel.publish import slides

# Marp's stage is 1280x720; a viewport of the same size shows each slide at scale 1.
VIEWPORT = {"width": 1280, "height": 720}
# Marp renders each slide as a <section> in an <svg>'s <foreignObject>.
SECTIONS = "svg[data-marpit-svg] > foreignObject > section"
# A slide shorter than this cannot carry a dense table: nobody reads it in the time.
DENSE_TABLE_MIN_SECONDS = 30
DENSE_TABLE_CLASSES = ("table-dense", "table-compare")
TALK_PAGE = REPO / "docs" / "talk.md"
# The notes line that invites a live run (slides/README.md; `invoke rehearse` reads it).
LIVE_RE = re.compile(r"^\s*Live:\s*`(?P<command>[^`]*)`", re.MULTILINE)
LIVE_COMMAND_RE = re.compile(r"invoke demo (?P<demo>[a-z-]+) --stage")
# A quantity as a benchmark reports it: "1.8x", "40 %", "12 ms", "3.4 MB".
MEASURED_NUMBER_RE = re.compile(
    r"\b(?!(?:19|20)\d0s\b)"  # a decade ("the 1990s") is history, not a measurement
    r"\d+(?:[.,]\d+)?\s*(?:%|\u00d7|x\b|ms\b|µs\b|us\b|s\b|sec\b|seconds?\b|[KMG]i?B\b|times\b)"
)


def deck_slides() -> list[deck_source.Slide]:
    """The slides of the talk's source, as the build and Marp cut them."""
    return deck_source.parse(slides.SOURCE.read_text(encoding="utf-8"))


# --- the source -------------------------------------------------------------------------------


def test_every_slide_has_speaker_notes_with_one_timing() -> None:
    for slide in deck_slides():
        assert slide.notes, f"slide {slide.number} ({slide.title}) has no speaker notes"
        assert slide.seconds is not None, (
            f"slide {slide.number} ({slide.title}): its notes need exactly one [m:ss] timing")


def test_slide_count_fits_the_talk() -> None:
    assert 18 <= len(deck_slides()) <= 30


def test_no_short_slide_carries_a_dense_table() -> None:
    for slide in deck_slides():
        dense = slide.classes & set(DENSE_TABLE_CLASSES)
        if dense:
            assert (slide.seconds or 0) >= DENSE_TABLE_MIN_SECONDS, (
                f"slide {slide.number} ({slide.title}) shows a dense table ({', '.join(dense)}) "
                f"in {units.clock(slide.seconds or 0)}: give it at least "
                f"{units.clock(DENSE_TABLE_MIN_SECONDS)} or cut the table")


def test_the_dense_table_rule_catches_a_short_slide() -> None:
    short = deck_source.parse("# t\n\n<!-- _class: table-compare -->\n\n| a |\n|---|\n"
                              "| 1 |\n\n<!--\n[0:20] too fast\n-->\n")[0]
    assert "table-compare" in short.classes and short.seconds == 20


def test_no_measured_number_is_typed_into_the_slides() -> None:
    """Measurements live in data/ and reach the deck only through charts."""
    text = slides.SOURCE.read_text(encoding="utf-8")
    text = deck_source.COMMENT_RE.sub("", text)  # speaker notes may explain a chart in words
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.MULTILINE | re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)
    found = MEASURED_NUMBER_RE.findall(text)
    assert not found, f"typed numbers on slides (draw them from data/ instead): {found}"


def live_demo(slide: deck_source.Slide) -> str | None:
    """The demo a slide's notes invite to run live (their ``Live:`` line), or None."""
    lines = [m["command"] for note in slide.notes for m in LIVE_RE.finditer(note)]
    assert len(lines) <= 1, f"slide {slide.number} ({slide.title}) has {len(lines)} Live: lines"
    if not lines:
        return None
    command = LIVE_COMMAND_RE.fullmatch(lines[0])
    assert command, (f"slide {slide.number} ({slide.title}): Live: `{lines[0]}` is not "
                     "`invoke demo NAME --stage`")
    return command["demo"]


def test_live_demo_slides_run_at_stage_size_and_show_their_fallback_chart() -> None:
    from inparallel.publish import charts

    demo_of = {chart.name: chart.demo for chart in charts.CHARTS}
    live = {s.number: live_demo(s) for s in deck_slides()}
    assert "nogil" in live.values(), "the nogil demo is the talk's headline live demo"
    for slide in deck_slides():
        demo, banner = live[slide.number], 'class="demo-command"' in slide.markdown
        if demo is None:
            assert not banner and "demo" not in slide.classes, (
                f"slide {slide.number} ({slide.title}) looks like a live demo but its notes "
                "have no Live: `invoke demo NAME --stage` line")
            continue
        assert "demo" in slide.classes and banner, (
            f"slide {slide.number} ({slide.title}) runs {demo} live: give it the demo class "
            "and the command banner")
        assert re.search(rf'class="demo-command">invoke demo {demo}<', slide.markdown), (
            f"slide {slide.number} ({slide.title}): its banner does not name {demo}")
        fallbacks = [demo_of.get(name) for name in slides.chart_names(slide.markdown)]
        assert demo in fallbacks, (
            f"slide {slide.number} ({slide.title}) runs {demo} live but shows no chart of "
            f"{demo}'s data to fall back on")


def test_a_live_line_must_be_a_stage_command() -> None:
    slide = deck_source.parse("# t\n\n<!--\n[1:00] x\nLive: `invoke demo cpu`\n-->\n")[0]
    with pytest.raises(AssertionError, match="is not `invoke demo NAME --stage`"):
        live_demo(slide)


# --- the talk page agrees with the deck -------------------------------------------------------

TALK_SECTION_RE = re.compile(
    r"^## (?P<number>\d+)\. (?P<title>.+?) \((?P<start>\d+:\d\d)\u2013(?P<end>\d+:\d\d)\)$",
    re.MULTILINE)


@dataclass(frozen=True)
class Section:
    """A section of the talk: its title, where it starts and ends, and its slides' titles."""

    title: str
    start: str
    end: str
    slides: tuple[str, ...]


def deck_sections(deck: list[deck_source.Slide]) -> list[Section]:
    """The deck's sections: a non-empty ``header`` directive ("N · Title") starts one; the
    slides before the first belong to the first, and an empty header ends none."""
    groups: list[tuple[str, list[deck_source.Slide]]] = []
    for slide in deck:
        header = slide.header
        if header and header.strip():
            groups.append((header.split("\u00b7", 1)[-1].strip(), []))
        elif not groups:
            groups.append(("", []))
        groups[-1][1].append(slide)
    if groups and not groups[0][0] and len(groups) > 1:  # a title slide before the first header
        title, members = groups[1]
        groups[1:2] = []
        groups[0] = (title, groups[0][1] + members)
    sections, elapsed = [], 0
    for title, members in groups:
        length = sum(s.seconds or 0 for s in members)
        sections.append(Section(title, units.clock(elapsed),
                                units.clock(elapsed + length),
                                tuple(s.title for s in members)))
        elapsed += length
    return sections


def page_sections(page: str) -> list[Section]:
    """The talk page's sections: "## N. Title (m:ss-m:ss)" (an en dash between the times) and
    the "Slides: *A* · *B*" paragraph under each."""
    found = list(TALK_SECTION_RE.finditer(page))
    sections = []
    for i, match in enumerate(found):
        body = page[match.end():found[i + 1].start() if i + 1 < len(found) else len(page)]
        listed = re.search(r"^Slides: (?P<list>.+?)(?:\n\n|\Z)", body, re.MULTILINE | re.DOTALL)
        names = tuple(re.findall(r"\*([^*]+)\*", listed["list"])) if listed else ()
        sections.append(Section(match["title"], match["start"], match["end"], names))
    return sections


def test_the_talk_page_has_the_decks_sections_times_and_slides() -> None:
    deck = deck_sections(deck_slides())
    page = page_sections(TALK_PAGE.read_text(encoding="utf-8"))
    assert [s.title for s in page] == [s.title for s in deck], "section titles differ"
    for on_page, in_deck in zip(page, deck, strict=True):
        assert (on_page.start, on_page.end) == (in_deck.start, in_deck.end), (
            f"section {in_deck.title!r}: the talk page says {on_page.start}\u2013{on_page.end}, "
            f"the deck's notes add up to {in_deck.start}\u2013{in_deck.end}")
        assert on_page.slides == in_deck.slides, (
            f"section {in_deck.title!r}: the talk page names the slides {on_page.slides}, "
            f"the deck has {in_deck.slides}")


def test_section_comparison_catches_a_wrong_time() -> None:
    deck = ("# A\n\n<!--\n[1:00] a\n-->\n\n---\n\n<!-- header: \"1 \u00b7 One\" -->\n\n"
            "# B\n\n<!--\n[0:30] b\n-->\n\n---\n\n<!-- header: \"2 \u00b7 Two\" -->\n\n"
            "# C\n\n<!--\n[2:00] c\n-->\n")
    page = ("## 1. One (0:00\u20131:30)\n\nSlides: *A* \u00b7 *B*\n\n"
            "## 2. Two (1:30\u20133:00)\n\nSlides: *C*\n")
    assert deck_sections(deck_source.parse(deck)) == [
        Section("One", "0:00", "1:30", ("A", "B")), Section("Two", "1:30", "3:30", ("C",))]
    assert page_sections(page)[1] == Section("Two", "1:30", "3:00", ("C",))


def test_include_expands_a_file_table_rows_and_a_python_definition(tmp_path: Path) -> None:
    (tmp_path / "table.md").write_text("| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n| 5 | 6 |\n")
    (tmp_path / "demo.py").write_text(
        "import os\n\n\ndef helper():\n    return 1\n\n\ndef work(n):\n    return n * 2\n")
    deck = ("# t\n\n<!-- include: table.md -->\n\n---\n\n<!-- include: table.md rows=2-3 -->\n\n"
            "---\n\n<!-- include: table.md rows=3- -->\n\n---\n\n<!-- include: demo.py#work -->\n")

    parts = slides.expand_includes(deck, root=tmp_path).split("\n---\n")

    assert "| 1 | 2 |\n| 3 | 4 |\n| 5 | 6 |" in parts[0]
    assert "| A | B |\n|---|---|\n| 3 | 4 |\n| 5 | 6 |" in parts[1]
    assert "| A | B |\n|---|---|\n| 5 | 6 |" in parts[2]
    assert "```python\ndef work(n):\n    return n * 2\n```" in parts[3]
    assert "helper" not in parts[3]


@pytest.mark.parametrize(
    ("directive", "message"),
    [
        ("<!-- include: missing.md -->", "missing.md, which does not exist"),
        ("<!-- include: ../outside.md -->", "from outside the repository"),
        ("<!-- include: demo.py#nothing -->", "defines no top-level nothing"),
        ("<!-- include: table.md rows=2-9 -->", "which has 1 body rows"),
    ],
)
def test_a_broken_include_is_an_error_naming_it(tmp_path: Path, directive: str,
                                                message: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "outside.md").write_text("secret")
    (root / "demo.py").write_text("def work():\n    pass\n")
    (root / "table.md").write_text("| A |\n|---|\n| 1 |\n")
    with pytest.raises(UserError, match=re.escape(message)):
        slides.expand_includes(f"# t\n\n{directive}\n", root=root)


def test_charts_are_inlined_as_data_uris_of_the_light_variant(tmp_path: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>'
    (tmp_path / "startup-light.svg").write_bytes(svg)
    (tmp_path / "startup-dark.svg").write_bytes(b"<svg/>")

    html = slides.inline_charts('![Start-up "cost"](chart:startup)', tmp_path)

    uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert uri and base64.b64decode(uri[1]) == svg
    assert 'alt="Start-up &quot;cost&quot;"' in html


def test_a_chart_without_alt_text_takes_the_sites_description(tmp_path: Path) -> None:
    from inparallel.publish import charts

    (tmp_path / "overhead-light.svg").write_bytes(b"<svg/>")
    html = slides.inline_charts("![](chart:overhead)", tmp_path)
    assert f'alt="{charts.chart("overhead").alt}"' in html


def test_a_missing_chart_fails_the_build_and_names_invoke_charts(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"nogil-scaling.*`invoke charts`.*invoke demo nogil"):
        slides.inline_charts("![x](chart:nogil-scaling)", tmp_path)


def test_every_chart_on_the_slides_is_one_invoke_charts_draws() -> None:
    from inparallel.publish import charts

    drawn = {chart.name for chart in charts.CHARTS}
    used = slides.chart_names(slides.SOURCE.read_text(encoding="utf-8"))
    assert used and set(used) <= drawn, f"unknown charts: {set(used) - drawn}"


def test_the_deck_is_built_where_the_site_serves_it() -> None:
    assert slides.OUTPUT_HTML == REPO / "docs" / "slides" / "index.html"
    assert slides.OUTPUT_PDF.parent == slides.OUTPUT_HTML.parent  # published beside it


def test_the_deck_shows_the_charts_drawn_for_it() -> None:
    from inparallel.publish import charts

    assert slides.chart_path("nogil-scaling") == charts.deck_path("nogil-scaling")
    assert charts.deck_path("nogil-scaling").parent == paths.DECK_CHARTS_DIR


# --- the built deck in Chromium --------------------------------------------------------------


@pytest.fixture(scope="module")
def charts_ready() -> Path:
    """The site's charts, drawn by `invoke charts` when a fresh clone has none yet."""
    needed = slides.SOURCE.read_text(encoding="utf-8")
    if slides.missing_charts(needed, paths.DECK_CHARTS_DIR):
        done = invoke("charts", timeout=600)
        missing = slides.missing_charts(needed, paths.DECK_CHARTS_DIR)
        if missing:
            said = (done.stdout + done.stderr).strip()[-500:]
            pytest.fail(f"`invoke charts` (exit {done.returncode}) did not draw {missing}; "
                        f"a chart needs its demo's data in data/ (`invoke bench`): {said}")
    return paths.DECK_CHARTS_DIR


@pytest.fixture(scope="module")
def deck_url(tmp_path_factory: pytest.TempPathFactory, charts_ready: Path) -> Iterator[str]:
    """The deck, built into a temporary folder and served on a free port of 127.0.0.1."""
    folder = tmp_path_factory.mktemp("deck")
    slides.build(output=folder / "index.html", charts_dir=charts_ready, workdir=folder / "work")
    with serve_folder(folder) as url:
        yield url + "index.html"


@dataclass
class Browsed:
    """The deck open in a page, with what the page asked for and complained about."""

    page: Any
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def deck(deck_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browsed]:
    """The deck open in headless Chromium, with every request and console error recorded."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        # A persistent context on a fresh folder: a clean profile, and no second browser.
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, viewport=VIEWPORT)
        seen = Browsed(context.new_page())
        seen.page.on("request", lambda request: seen.requests.append(request.url))
        seen.page.on("requestfailed", lambda request: seen.problems.append(
            f"request failed: {request.url}"))
        seen.page.on("console", lambda message: message.type == "error" and seen.problems.append(
            f"console: {message.text}"))
        seen.page.on("pageerror", lambda error: seen.problems.append(f"page error: {error}"))
        seen.page.goto(deck_url, wait_until="load")
        yield seen
        context.close()


@pytest.mark.browser
def test_deck_loads_cleanly_with_every_slide_and_its_notes(deck: Browsed) -> None:
    expected = len(deck_slides())
    assert deck.page.locator(SECTIONS).count() == expected
    # Marp writes a presenter note only for a slide whose comment it read as a note.
    notes = deck.page.evaluate("""() => [...document.querySelectorAll('.bespoke-marp-note')]
        .map(note => [Number(note.dataset.index), note.textContent])""")
    assert [index for index, _ in notes] == list(range(expected))
    assert all(deck_source.TIMING_RE.search(text) for _, text in notes)
    # The presenter view shows the running time, and each note's paragraphs as one line.
    assert all(text.startswith("Running time ") for _, text in notes)
    assert deck.problems == []


@pytest.mark.browser
def test_arrow_keys_move_between_slides(deck: Browsed, deck_url: str) -> None:
    page = deck.page
    page.goto(deck_url + "#1")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash === '#2'")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash === '#3'")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("location.hash === '#2'")


@pytest.mark.browser
def test_every_image_on_every_slide_loads(deck: Browsed) -> None:
    images = deck.page.evaluate("""() => [...document.querySelectorAll('section img')]
        .map(img => ({chart: img.dataset.chart, ok: img.complete && img.naturalWidth > 0}))""")
    expected = [name for slide in deck_slides() for name in slides.chart_names(slide.body)]
    assert [image["chart"] for image in images] == expected
    assert [image["chart"] for image in images if not image["ok"]] == []


@pytest.mark.browser
def test_no_request_leaves_localhost(deck: Browsed, deck_url: str) -> None:
    origin = deck_url.rsplit("/", 1)[0] + "/"
    assert deck.requests, "no request was recorded at all"
    outside = [url for url in deck.requests
               if not url.startswith((origin, "data:", "blob:", "about:"))]
    assert outside == []


@pytest.mark.browser
def test_no_slide_content_overflows_its_frame(deck: Browsed) -> None:
    overflowing = deck.page.evaluate("""(selector) => {
        const found = [];
        document.querySelectorAll(selector).forEach((section, index) => {
            const title = (section.querySelector('h1, h2') || {}).textContent || '';
            // The frame, with its padding: content must end before the bottom margin too.
            if (section.scrollHeight > section.clientHeight
                || section.scrollWidth > section.clientWidth) {
              found.push(`slide ${index + 1} (${title}): ${section.scrollWidth}x`
                         + `${section.scrollHeight} in ${section.clientWidth}x`
                         + `${section.clientHeight}`);
            }
            // Code blocks and tables can overflow sideways inside themselves.
            section.querySelectorAll('pre, table').forEach(block => {
              if (block.scrollWidth > block.clientWidth + 1) {
                found.push(`slide ${index + 1} (${title}): a ${block.tagName} is too wide`);
              }
            });
          });
        return found;
    }""", SECTIONS)
    assert overflowing == []


@pytest.mark.browser
def test_pdf_export_has_one_page_per_slide(tmp_path: Path, charts_ready: Path) -> None:
    pdf = slides.build(pdf=True, output=tmp_path / "deck.pdf", charts_dir=charts_ready,
                       workdir=tmp_path / "work")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf_pages(pdf) == len(deck_slides())


def pdf_pages(pdf: Path) -> int:
    """The page count, from poppler's pdfinfo where installed, else from the page objects."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)[1])
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))
