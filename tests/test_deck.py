"""The talk as the back row sees it: words on screen, the notes' time, the closing slide,
short findings under the charts with their full sentences in the notes, and the one deck
parser that the build and ``invoke rehearse`` share (issues 22 and 23).

The checks on the real deck expand it as the build does (findings computed from data/), once
per module; the others run on small decks and synthetic verdicts.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import REPO

from inparallel import units
from inparallel.analysis import findings as f
from inparallel.analysis import formatting as fmt
from inparallel.analysis.metrics import Estimate
from inparallel.analysis.verdict import Verdict
from inparallel.errors import UserError
from inparallel.publish import deck, deck_findings, rehearse, slides

# Issue 22: what the back row can read in 25 minutes.
WORDS_PER_SLIDE = 45
WORDS_IN_TOTAL = 1000
# Slides other than code slides that may carry more (the decision guide is one).
WORDY_SLIDES_ALLOWED = 2
# 25 minutes of talk, less the time it takes to switch to the terminal for three live demos.
NOTES_MAX_SECONDS = 23 * 60 + 30
# Below this, the talk has lost its measured half.
NOTES_MIN_SECONDS = 20 * 60
TIMES = "\N{MULTIPLICATION SIGN}"
# A measured number as a short finding states it: a ratio, a share, a time or a size.
MEASURED = re.compile(rf"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:{TIMES}| %| [mµ]?s\b| [KM]iB\b)")


@pytest.fixture(scope="module")
def expanded() -> list[deck.Slide]:
    """The deck as Marp gets it: includes expanded, short findings computed from data/."""
    return deck.parse(slides.expand(slides.SOURCE.read_text(encoding="utf-8")))


def source_slides() -> list[deck.Slide]:
    return deck.parse(slides.SOURCE.read_text(encoding="utf-8"))


def test_every_include_resolves_and_the_guide_is_the_sites(expanded: list[deck.Slide]) -> None:
    source = slides.SOURCE.read_text(encoding="utf-8")
    included = {m["path"].partition("#")[0] for m in deck.INCLUDE_RE.finditer(source)}
    assert "docs/includes/decision-guide.md" in included  # the one guide, as on the site
    assert not any(deck.INCLUDE_RE.search(slide.body) for slide in expanded)


# --- words on screen ------------------------------------------------------------------------


def wordy(slides_: list[deck.Slide]) -> list[str]:
    """The slides over the per-slide limit that are not code slides."""
    return [f"slide {s.number} ({s.title}): {deck.screen_words(s.body)} words"
            for s in slides_
            if deck.screen_words(s.body) > WORDS_PER_SLIDE and not deck.has_code(s.body)]


def test_each_slide_shows_at_most_45_words_code_and_two_others_excepted(
        expanded: list[deck.Slide]) -> None:
    over = wordy(expanded)
    assert len(over) <= WORDY_SLIDES_ALLOWED, f"too many wordy slides: {over}"


def test_the_deck_shows_at_most_1000_words_in_all(expanded: list[deck.Slide]) -> None:
    total = sum(deck.screen_words(s.body) for s in expanded)
    assert total <= WORDS_IN_TOTAL, f"{total} words on screen"


def test_words_on_screen_leave_out_notes_directives_tags_and_link_targets() -> None:
    slide = deck.parse(
        '<!-- _class: demo -->\n\n## Three ways, one 3.14t\n\n<span class="x">invoke demo '
        'nogil</span>\n\n![](chart:nogil-scaling)\n\nSee [the site](https://example.org/a/b).'
        '\n\n<!--\n[1:00] Many words that nobody sees on the screen.\n-->\n')[0]
    assert deck.screen_words(slide.body) == 10
    assert not deck.has_code(slide.body) and deck.has_code("```python\nx = 1\n```")


def test_the_word_rule_catches_a_wordy_slide() -> None:
    text = "## Title\n\n" + "word " * 50 + "\n\n<!--\n[0:30] n\n-->\n"
    assert len(wordy(deck.parse(text))) == 1
    assert wordy(deck.parse("## Code\n\n```python\n" + "x = 1\n" * 30 + "```\n")) == []


# --- time -----------------------------------------------------------------------------------


def test_the_notes_add_up_to_at_most_23_30() -> None:
    total = deck.total_seconds(source_slides())
    assert NOTES_MIN_SECONDS <= total <= NOTES_MAX_SECONDS, (
        f"the notes' timings add up to {units.clock(total)}: a 25-minute talk with three live "
        f"demos needs {units.clock(NOTES_MIN_SECONDS)} to {units.clock(NOTES_MAX_SECONDS)}")


def test_presenter_notes_flow_as_paragraphs_after_the_running_time() -> None:
    text = ("# A\n\n<!--\n[1:00] one\n-->\n\n---\n\n## B\n\n<!--\n[0:30] A sentence broken\n"
            "across lines.\n\nA second paragraph.\n\nLive: `invoke demo x --stage`\n-->\n")
    second = deck.parse(slides.expand(text))[1]
    assert second.notes == ("Running time 1:00 \N{RIGHTWARDS ARROW} 1:30 of 1:30\n\n"
                            "[0:30] A sentence broken across lines.\n\nA second paragraph.\n\n"
                            "Live: `invoke demo x --stage`",)
    assert second.seconds == 30 and second.command == "invoke demo x --stage"


def test_running_time_follows_the_timings() -> None:
    parsed = deck.parse("# A\n<!--\n[0:30] a\n-->\n---\n# B\n<!--\n[1:15] b\n-->\n")
    assert deck.running_time(parsed) == [(0, 30), (30, 105)]
    assert [units.clock(s) for s in (0, 105, 59.6)] == ["0:00", "1:45", "1:00"]


# --- the closing slide ----------------------------------------------------------------------


def test_the_talk_ends_on_a_takeaway_not_on_commands() -> None:
    last = source_slides()[-1]
    assert "takeaway" in last.classes, "the last slide must be the takeaway (class takeaway)"
    assert not deck.has_code(last.body) and "invoke " not in last.body
    assert last.title and last.seconds


# --- findings: short on the slide, in full in the notes -------------------------------------


def test_every_chart_slide_shows_one_short_finding_and_its_full_sentence_in_the_notes(
        expanded: list[deck.Slide]) -> None:
    for raw, built in zip(source_slides(), expanded, strict=True):
        shorts = [m for m in deck.INCLUDE_RE.finditer(raw.body) if m["form"]]
        if raw.charts and "measured" in raw.classes:
            assert len(shorts) == 1, f"slide {raw.number} ({raw.title}): one short finding"
        found = [p for note in built.notes for p in deck.paragraphs(note)
                 if p.startswith("Finding: ")]
        assert len(found) == len(shorts), f"slide {raw.number}: the notes lack the finding"
        # Both forms come from one verdict: every number on the slide is in the notes, where
        # the sentence also names the machine and the runs (the slide names neither).
        ours = [line for line in deck.COMMENT_RE.sub("", built.body).splitlines()
                if not line.startswith("*Cited,")]  # a cited figure is someone else's number
        shown = " ".join(" ".join(ours).split())
        notes = " ".join(found)
        assert all(number in notes for number in MEASURED.findall(shown)), (
            f"slide {raw.number}: a number on the slide is not in its notes' finding")
        assert ".json" not in built.body and "CPUs" not in shown


def test_a_short_form_uses_only_numbers_its_finding_computes() -> None:
    for name, template in deck_findings.SHORT.items():
        full = f.finding(name).template
        keys = set(re.findall(r"\{(\w+)", template))
        assert keys <= set(re.findall(r"\{(\w+)", full)), f"{name}: {keys}"


def _verdict(status: str = "holds") -> Verdict:
    speedup = fmt.ranged(Estimate(1.94, 1.91, 1.97))
    return Verdict(status, {"n": "2", "free": "3.14t", "gil": "3.14", "free_x": speedup,
                              "gil_x": fmt.ranged(Estimate(1.03, 1.01, 1.04))}, "cond")


def test_a_short_sentence_states_the_point_value_without_its_interval() -> None:
    finding = f.finding("nogil-threads-scale")
    short = deck_findings.short_sentence(finding, _verdict())
    assert f"1.94{TIMES}" in short and f"1.91{TIMES}" not in short and "3.14t" in short
    assert "not enough evidence" in deck_findings.short_sentence(finding,
                                                                 _verdict("no-evidence"))
    assert "contradicted" in deck_findings.short_sentence(finding, _verdict("fails"))


def test_a_finding_without_a_short_form_is_an_error_naming_the_module() -> None:
    with pytest.raises(UserError, match=r"deck_findings\.py has no SHORT form"):
        deck_findings.short_sentence(f.finding("python-gil-1-slower"), _verdict())
    with pytest.raises(UserError, match="unknown finding"):
        deck_findings.forms(["no-such-finding"], REPO / "data")


def test_notes_text_has_no_markup_and_counts_the_runs() -> None:
    full = ("It held 1.9&#215; on A&#42;. (AMD &amp; co; [2 runs](runs.md#runs-x-amd)) "
            "*Not enough evidence yet --> see*\n")
    assert deck_findings.plain(full) == (
        f"It held 1.9{TIMES} on A*. (AMD & co; 2 runs) Not enough evidence yet "
        "\N{RIGHTWARDS ARROW} see")


def test_a_cited_figure_is_labelled_as_cited_with_its_quantity_and_source() -> None:
    text = slides.expand_includes("<!-- include: docs/generated/cited-loremipsumpy-scaling.md -->")
    assert text.startswith("*Cited, Scaling on 16 cores")
    assert "](https://github.com/loremipsumpy/" in text


def test_the_deck_shows_published_many_core_figures_beside_ours() -> None:
    for slide in source_slides():
        cited = [m["path"] for m in deck.INCLUDE_RE.finditer(slide.body) if "/cited-" in m["path"]]
        if "loremipsumpy" in " ".join(cited):
            assert slide.charts, "the cited figure stands beside our own chart"
            return
    pytest.fail("no slide shows the cited many-core figures (cited-loremipsumpy-scaling)")


# --- one deck parser ------------------------------------------------------------------------


def test_rehearse_and_the_build_read_the_deck_with_one_parser() -> None:
    assert rehearse.parse is deck.parse and rehearse.Slide is deck.Slide
    assert not hasattr(slides, "split_slides") and not hasattr(slides, "Slide")


def test_the_parser_tells_notes_from_directives_and_includes() -> None:
    text = ("---\nmarp: true\n---\n\n<!-- _class: demo -->\n<!-- header: \"1 \u00b7 A\" -->\n\n"
            "## `code` title\n\n<!-- include: docs/x.md short -->\n\n```\n---\n```\n\n"
            "![](chart:a)\n\n<!--\n[1:05] Say it.\nLive: `invoke demo a --stage`\n-->\n")
    [slide] = deck.parse(text)
    assert slide.title == "`code` title" and slide.classes == {"demo"}
    assert slide.header == "1 \u00b7 A" and slide.charts == ("a",)
    assert slide.notes == ("[1:05] Say it.\nLive: `invoke demo a --stage`",)
    assert slide.seconds == 65 and slide.command == "invoke demo a --stage"
    assert "include: docs/x.md short" in slide.body and "Say it" not in slide.body


# --- invoke rehearse on a fresh clone -------------------------------------------------------


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks_under_test", REPO / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_rehearse_task_draws_the_charts_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    from invoke import Context

    tasks = _tasks()
    seen: dict[str, object] = {}
    monkeypatch.setattr(rehearse, "main", lambda deck_path, **kw: seen.update(kw))
    monkeypatch.setattr(tasks, "charts", lambda c, **kw: seen.setdefault("charts", c))
    tasks.rehearse(Context(), dry_run=True)
    draw = seen["draw_charts"]
    assert callable(draw) and "charts" not in seen
    draw()
    assert "charts" in seen


def _fresh_clone(tmp_path: Path) -> Path:
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides/talk.md").write_text(
        "## Demo\n\n![](chart:fast)\n\n<!--\n[1:00] Run it.\n"
        "Live: `invoke demo cpu --stage`\n-->\n")
    return tmp_path


def test_rehearse_on_a_fresh_clone_draws_the_missing_charts_first(tmp_path: Path) -> None:
    root = _fresh_clone(tmp_path)
    drawn: list[bool] = []
    with pytest.raises(UserError, match="rehearsal failed on slide 1"):
        # The fake drawer draws nothing, so the checks after it still fail: but it was asked.
        rehearse.main(Path("slides/talk.md"), dry_run=True, root=root,
                      draw_charts=lambda: drawn.append(True))
    assert drawn == [True]
    assert rehearse.stale_charts(deck.parse((root / "slides/talk.md").read_text()), root) == [
        "fast"]


def test_only_a_finding_has_a_short_form() -> None:
    with pytest.raises(UserError, match="only a finding"):
        slides.expand_includes("<!-- include: docs/includes/decision-guide.md short -->")


# --- the PDF, published with the site -------------------------------------------------------


def test_the_site_links_the_deck_and_its_pdf_once_built(tmp_path: Path) -> None:
    from inparallel.publish import mkdocs_hook

    docs = tmp_path / "docs"
    (docs / "generated").mkdir(parents=True)
    (tmp_path / "demos").symlink_to(REPO / "demos")

    class Config(dict):
        """What the hook reads of MkDocs' configuration: items, and no plugins."""

        plugins = MappingProxyType({})

    def nav() -> list[dict[str, str]]:
        config = Config(docs_dir=str(docs), config_file_path=str(tmp_path / "mkdocs.yml"), nav=[])
        return mkdocs_hook.on_config(config)["nav"]

    assert nav() == []  # a bare `mkdocs build`: no deck, no link to it
    (docs / "slides").mkdir()
    (docs / "slides/index.html").write_text("<html></html>")
    (docs / "slides/python-in-parallel.pdf").write_bytes(b"%PDF-1.4")
    assert nav() == [{"Slides": "slides/index.html"},
                     {"Slides (PDF)": "slides/python-in-parallel.pdf"}]
    assert slides.OUTPUT_PDF.relative_to(REPO) == Path("docs/slides/python-in-parallel.pdf")
