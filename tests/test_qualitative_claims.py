"""Every comparative word in the prose rests on a finding or a cited figure, and says which.

A sentence on a page, in a shared include, in the README or on a slide (its text and its speaker
notes) that uses a comparative word (``COMPARATIVES``: faster, cheaper, scales, tail, best,
overhead ...) makes a claim about measurements. Such a sentence must do one of three things:

- come from a finding: include lines (``--8<-- "docs/generated/finding-<name>.md"``, the deck's
  ``<!-- include: ... -->``) are not prose and are skipped, as are code blocks and inline code;
- **name the finding it rests on**, with a link to that finding on the Claims page:
  ``[measured](claims.md#startup-order)`` (from the README: ``docs/claims.md#startup-order``;
  from the deck, any target ending in ``claims.md#<name>`` or ``claims/#<name>``). The name must
  be a finding in ``inparallel.analysis.findings.FINDINGS``, so a stale link fails too;
- **name the cited figure it quotes**, with a link to that figure's source exactly as
  ``inparallel/analysis/cited.toml`` gives it (``link = ...``);
- **name the CPython issue or pull request it reports**, with a link to it
  (``https://github.com/python/cpython/issues/N`` or ``.../pull/N``): what CPython's own
  tracker says about its behaviour, as the surprises page explains each effect.

A phrase where the word is no comparison (a chart axis, a definition) goes on ``ALLOWED`` with
the reason. Sentences are found per paragraph, list item and table cell, so that a marker
binds the sentence it stands in and no other.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from inparallel.analysis.findings import FINDINGS

REPO = Path(__file__).resolve().parent.parent

#: The comparative words, in one place: each makes a claim that a measurement must carry.
COMPARATIVES = (
    "faster", "fastest", "slower", "slowest", "quicker", "quickest",
    "cheaper", "cheapest", "cheaply", "costlier", "more expensive",
    "lighter", "lightest", "heavier", "heaviest", "cheap", "expensive", "costly",
    "lightweight", "efficient", "efficiently", "more memory", "less memory",
    "scale", "scales", "scaled", "scaling",
    "flat", "tail", "safest", "safer", "best", "overhead", "outperforms?",
)
WORDS = re.compile(r"\b(?:" + "|".join(w.replace(" ", r"\s+") for w in COMPARATIVES) + r")\b",
                   re.IGNORECASE)

#: Not claims: each entry is a phrase as it stands in the prose, and why it may stay.
ALLOWED: dict[str, str] = {
    "the ideal is a flat time": "defines the ideal of a fixed-work-per-thread demo",
    "perfect scaling is the dashed line": "names a line drawn on the chart, not a result",
    "the full scaling curves": "what more cores would show, not a measured result",
    "(log scale)": "a chart axis",
    "the log scale": "a chart axis",
    "the overhead demo": "the demo's name (demos/overhead.py)",
    "Scaling on 16 cores": "the quantity of a cited figure, quoted with it",
    "there are quicker ways": "installing a free-threaded build beside building one: no timing",
    '("free-threading scales, sub-interpreters are cheap processes")':
        "quotes the usual story that the surprises page sets against the data",
    "CPython's own scaling benchmark": "the name of Tools/ftscalingbench, not a result",
}

SKIP_LINE = re.compile(r"^\s*(--8<--|<!--\s*include:)")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FINDING_LINK = re.compile(r"(?:^|/)claims(?:\.md|/)?#([a-z0-9-]+)$")
CPYTHON_TRACKER = re.compile(r"^https://github\.com/python/cpython/(?:issues|pull)/\d+$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*\[(_`\"])")
BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+\.)\s|^\s*#|^\s*\|")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
HTML_BLOCK = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def cited_links() -> set[str]:
    """The source links of every cited figure."""
    table = tomllib.loads((REPO / "inparallel/analysis/cited.toml").read_text(encoding="utf-8"))
    return {entry["link"] for entry in table.values()}


def bound(sentence: str, findings: set[str], cited: set[str]) -> bool:
    """True when ``sentence`` links a finding on the Claims page, a cited figure's source or a
    CPython issue or pull request."""
    for target in LINK.findall(sentence):
        match = FINDING_LINK.search(target)
        if (match and match.group(1) in findings) or target in cited \
                or CPYTHON_TRACKER.match(target):
            return True
    return False


def blocks(text: str) -> list[tuple[int, str]]:
    """``(first line, text)`` of each paragraph, list item, heading and table cell of the prose
    in ``text``: code blocks, include lines, front matter and scripts left out."""
    text = FRONT_MATTER.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = HTML_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found: list[tuple[int, list[str]]] = []
    in_fence, open_block = False, False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_fence, open_block = not in_fence, False
            continue
        line = re.sub(r"<!--|-->", " ", line) if not SKIP_LINE.match(line) else ""
        if in_fence or not line.strip():  # an include, a blank line, a comment's bounds
            open_block = False
            continue
        if line.lstrip().startswith("|"):
            found += [(number, [cell]) for cell in line.split("|") if cell.strip()]
            open_block = False
        elif open_block and not BLOCK_START.match(line):
            found[-1][1].append(line.strip())
        else:
            found.append((number, [line.strip()]))
            open_block = not line.lstrip().startswith("#")
    return [(number, " ".join(parts)) for number, parts in found]


def unbound_claims(text: str, findings: set[str] | None = None,
                   cited: set[str] | None = None) -> list[tuple[int, str, str]]:
    """``(line, word, sentence)`` for each comparative sentence of ``text`` that names neither
    a finding nor a cited figure."""
    findings = {f.name for f in FINDINGS} if findings is None else findings
    cited = cited_links() if cited is None else cited
    offenders = []
    for number, block in blocks(text):
        for sentence in SENTENCE_END.split(block):
            prose = INLINE_CODE.sub(" ", sentence)
            for phrase in ALLOWED:
                prose = prose.replace(phrase, " ")
            prose = LINK.sub("]", prose)
            word = WORDS.search(prose)
            if word and not bound(sentence, findings, cited):
                offenders.append((number, word.group(0), sentence.strip()))
    return offenders


def site_pages() -> list[Path]:
    """The hand-written pages, the shared includes, and the README."""
    docs = REPO / "docs"
    return [*sorted(docs.glob("*.md")), *sorted((docs / "includes").rglob("*.md")),
            REPO / "README.md"]


def report(paths: list[Path]) -> list[str]:
    return [f"{path.relative_to(REPO)}:{line}: {word!r} in: {sentence}"
            for path in paths
            for line, word, sentence in unbound_claims(path.read_text(encoding="utf-8"))]


HINT = ("comparative sentences that name no finding or cited figure: link the finding "
        "([measured](claims.md#<finding>)) or the cited figure's source, rewrite, or remove:\n")


# --- the checker itself --------------------------------------------------------------------------

def test_the_checker_flags_an_unbound_comparison() -> None:
    text = ("Sub-interpreters start faster than processes.\n"
            "\n"
            "- Threads are the lightest workers, and asyncio scales.\n"
            "| cell | Objects copy cheaply |\n"
            "<!--\n[0:30] The tail latency of asyncio grows fastest.\n-->\n")
    assert [(line, word.lower()) for line, word, _ in unbound_claims(text, {"x"}, set())] == [
        (1, "faster"), (3, "lightest"), (4, "cheaply"), (6, "tail")]


def test_a_link_to_a_known_finding_or_cited_source_binds_its_sentence_only() -> None:
    text = ("A thread starts faster ([measured](claims.md#startup-order)). "
            "A process is slower.\n"
            "\n"
            "The build is slower on one thread ([the HOWTO](https://example.org/howto)).\n"
            "\n"
            "A stale link is no evidence: cheaper ([x](claims.md#no-such-finding)).\n"
            "\n"
            "After a semicolon: slower; [measured](claims.md#startup-order).\n"
            "\n"
            "A scaling bottleneck ([gh-1](https://github.com/python/cpython/issues/1)).\n"
            "\n"
            "Not CPython's tracker: faster ([x](https://github.com/example/cpython/issues/1)).\n")
    offenders = unbound_claims(text, {"startup-order"}, {"https://example.org/howto"})
    assert [(line, sentence) for line, _, sentence in offenders] == [
        (1, "A process is slower."),
        (5, "A stale link is no evidence: cheaper ([x](claims.md#no-such-finding))."),
        (11, "Not CPython's tracker: faster ([x](https://github.com/example/cpython/issues/1)).")]


def test_the_checker_skips_code_includes_front_matter_and_allowed_phrases() -> None:
    text = ("---\ntitle: faster\n---\n"
            "```python\nfaster = slower\n```\n"
            "Run `invoke demo cpu --best` now.\n"
            '--8<-- "docs/generated/finding-startup-order.md"\n'
            "<!-- include: docs/generated/finding-memory-per-worker.md -->\n"
            "Each thread does a fixed amount of work, so the ideal is a flat time.\n"
            "<script>\n// the fastest filter\n</script>\n")
    assert unbound_claims(text, set(), set()) == []


def test_every_cited_source_and_finding_name_is_a_marker() -> None:
    assert cited_links(), "cited.toml lists no links"
    names = {f.name for f in FINDINGS}
    for name in names:
        assert bound(f"[x](claims.md#{name})", names, set())
        assert bound(f"[x](docs/claims.md#{name})", names, set())


# --- the prose -----------------------------------------------------------------------------------

def test_every_comparison_on_the_site_and_in_the_readme_is_bound() -> None:
    offenders = report(site_pages())
    assert not offenders, HINT + "\n".join(offenders)


def test_every_comparison_in_the_deck_is_bound() -> None:
    offenders = report([REPO / "slides" / "talk.md"])
    assert not offenders, HINT + "\n".join(offenders)
