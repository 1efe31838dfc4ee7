"""No measured number is typed by hand: the prose of the site and the deck carries none.

Numbers with units (times, sizes, percentages, speedups) belong in generated includes (the
findings, computed from ``data/``) or in the cited table (``inparallel/analysis/cited.toml``).
This test reads every page under ``docs/`` (generated files and notebooks aside) and
``slides/talk.md``, skips code blocks, inline code, include lines and link targets, and fails on
any such number that is not on the short allow-list of things that are not measurements.
"""

from __future__ import annotations

import re
from pathlib import Path

TIMES = "\N{MULTIPLICATION SIGN}"  # spelled out: ruff flags the literal sign as ambiguous

REPO = Path(__file__).resolve().parent.parent

#: A number (maybe a range such as ``5-10``) followed by a unit of time, size, share or speedup.
MEASURE = re.compile(
    r"(?<![\w.])(?:about |roughly |~)?\d+(?:[.,]\d+)?(?:\s?(?:-|\u2013|to)\s?\d+(?:[.,]\d+)?)?"
    r"\s?(?:ms|µs|us|ns|s|sec|seconds?|minutes?|KB|KiB|kB|MB|MiB|GB|GiB|%|per ?cent|x|\u00d7)"
    r"(?![\w])",
    re.IGNORECASE,
)

#: Not measurements: each entry is a phrase as it stands in the prose, and why it may stay.
ALLOWED: dict[str, str] = {
    f"speedup at 2{TIMES}": "the ideal speedup on two cores: arithmetic, not a measurement",
    "25 minutes, then questions": "the talk's length, not a measurement",
    "the 95% confidence interval": "the confidence level the harness asks for: a setting",
    "within +-2% of the median": "the harness's precision target: a setting",
}

SKIP_LINE = re.compile(r"^\s*(--8<--|<!--\s*include:)")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
TIMING_MARK = re.compile(r"\[\d+:\d{2}\]")  # a slide's speaking time in its notes
DECADE = re.compile(r"\b(1[89]|20)\d0s\b")  # "the 1990s" is not 1990 seconds


def pages() -> list[Path]:
    """The hand-written prose: pages and shared includes, and the deck."""
    docs = REPO / "docs"
    found = [p for p in sorted(docs.rglob("*.md"))
             if not {"generated", "notebooks", "slides"} & set(p.relative_to(docs).parts)]
    return [*found, REPO / "slides" / "talk.md"]


def typed_numbers(text: str) -> list[tuple[int, str]]:
    """``(line number, match)`` for each number with a unit in the prose of ``text``."""
    found = []
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or SKIP_LINE.match(line):
            continue
        prose = TIMING_MARK.sub(" ", LINK_TARGET.sub("]", INLINE_CODE.sub(" ", line)))
        prose = DECADE.sub(" ", prose)
        for phrase in ALLOWED:
            prose = prose.replace(phrase, " ")
        found += [(number, match.group(0)) for match in MEASURE.finditer(prose)]
    return found


def test_the_scanner_finds_typed_measurements() -> None:
    text = ("Threads took 4.5 ms, sub-interpreters 11.8 ms.\n"
            f"It costs +46 % here, 5-10% there, and 1.62x or 1.9{TIMES} at best.\n"
            "Memory: 39 MB each.\n")
    assert [m for _, m in typed_numbers(text)] == ["4.5 ms", "11.8 ms", "46 %", "5-10%",
                                                   "1.62x", f"1.9{TIMES}", "39 MB"]


def test_the_scanner_skips_code_includes_links_and_allowed_phrases() -> None:
    text = ("```bash\ninvoke demo nogil --workers 1,2 --time-cap 5s\n```\n"
            "Run `invoke demo cpu --repeats 3` (about 2 min).\n"
            '--8<-- "docs/generated/finding-startup-order.md"\n'
            "<!-- include: docs/generated/finding-memory-per-worker.md -->\n"
            "[see](results.md#x-2s) Python 3.14t and PEP 703, 2 cores, [1:45] notes.\n"
            f"Two cores cap every speedup at 2{TIMES}, as in the 1990s.\n")
    assert typed_numbers(text) == []


def test_no_page_or_slide_types_a_measured_number() -> None:
    offenders = [f"{path.relative_to(REPO)}:{line}: {match}"
                 for path in pages()
                 for line, match in typed_numbers(path.read_text(encoding="utf-8"))]
    assert not offenders, ("numbers typed by hand; include a finding "
                           "(docs/generated/finding-<name>.md) or a cited figure "
                           "(docs/generated/cited-<key>.md) instead:\n" + "\n".join(offenders))
