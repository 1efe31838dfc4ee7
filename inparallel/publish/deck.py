"""The talk's deck as slides: one parser for the build (``slides``) and the rehearsal.

A Marp deck (``slides/talk.md``) is YAML front matter, then slides between ``---`` lines
outside fenced code. A slide's speaker notes are its HTML comments that are neither Marp
directives (``<!-- _class: demo -->``) nor includes (``<!-- include: PATH -->``); they carry
one ``[m:ss]`` timing, and a live-demo slide a line ``Live: `invoke demo NAME --stage```.
Charts are ``![alt](chart:NAME)``. ``slides/README.md`` describes the conventions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TIMING_RE = re.compile(r"\[(?P<minutes>\d+):(?P<seconds>[0-5]\d)\]")
LIVE_RE = re.compile(r"^\s*Live:\s*`(?P<command>[^`]+)`", re.MULTILINE)
CHART_RE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(chart:(?P<name>[A-Za-z0-9_.-]+)\)")
COMMENT_RE = re.compile(r"<!--(?P<body>.*?)-->", re.DOTALL)
FENCE_RE = re.compile(r"^[ \t]*(```|~~~)")
# ``PATH``, ``PATH#name`` (a Python definition), ``PATH rows=1-4`` (table rows) or
# ``PATH short`` (a finding's one-number form for the slide, its full sentence to the notes).
INCLUDE_RE = re.compile(
    r"^[ \t]*<!--\s*include:\s*(?P<path>\S+)"
    r"(?:\s+rows=(?P<first>\d+)-(?P<last>\d*)|\s+(?P<form>short))?\s*-->[ \t]*$",
    re.MULTILINE,
)
# Marp reads comments like ``<!-- _class: lead -->`` as directives, not as speaker notes.
DIRECTIVE_RE = re.compile(
    r"^\s*_?(theme|paginate|class|header|footer|size|style|headingDivider|lang|marp|math|title|"
    r"author|description|keywords|url|image|transition|color|backgroundColor|backgroundImage|"
    r"backgroundPosition|backgroundRepeat|backgroundSize)\s*:"
)
CLASS_RE = re.compile(r"<!--\s*_?class:\s*(?P<classes>[^>]*?)\s*-->")
HEADER_RE = re.compile(r"<!--\s*header:\s*\"(?P<header>[^\"]*)\"\s*-->")


def is_note(comment: re.Match[str]) -> bool:
    """Whether an HTML comment of a slide is a speaker note (not a directive or include)."""
    return not DIRECTIVE_RE.match(comment["body"]) and not INCLUDE_RE.match(comment[0])


@dataclass(frozen=True)
class Slide:
    """One slide of the source: its number (as the presenter view counts), its Markdown
    (notes included) and its speaker notes."""

    number: int
    markdown: str
    notes: tuple[str, ...]

    @property
    def body(self) -> str:
        """The slide without its speaker notes (directives and includes kept)."""
        return COMMENT_RE.sub(lambda m: "" if is_note(m) else m[0], self.markdown)

    @property
    def seconds(self) -> int | None:
        """The ``[m:ss]`` timing in the notes, or None when they give none (or several)."""
        found = [m for note in self.notes for m in TIMING_RE.finditer(note)]
        if len(found) != 1:
            return None
        return int(found[0]["minutes"]) * 60 + int(found[0]["seconds"])

    @property
    def title(self) -> str:
        """The first heading, as written (inline code marks kept)."""
        for line in self.body.splitlines():
            if line.lstrip().startswith("#"):
                return line.strip().lstrip("#").strip()
        return f"slide {self.number}"

    @property
    def command(self) -> str | None:
        """The notes' ``Live:`` command: the demo this slide runs on stage."""
        found = self.commands
        return found[0] if found else None

    @property
    def commands(self) -> list[str]:
        """Every ``Live:`` command of the notes (a slide may have one at most)."""
        return [m["command"].strip() for note in self.notes for m in LIVE_RE.finditer(note)]

    @property
    def charts(self) -> tuple[str, ...]:
        """The charts shown on the slide, in order."""
        return tuple(m["name"] for m in CHART_RE.finditer(self.body))

    @property
    def classes(self) -> set[str]:
        """The Marp classes the slide sets for itself (``_class``) or from here on."""
        return {name for m in CLASS_RE.finditer(self.markdown)
                for name in m["classes"].split()}

    @property
    def header(self) -> str | None:
        """The ``header`` directive this slide sets, if any ("" ends a section's header)."""
        found = HEADER_RE.search(self.markdown)
        return found["header"] if found else None


def strip_front_matter(markdown: str) -> str:
    """The deck without its leading YAML block (``marp: true``, theme, ...)."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[end + len("\n---\n"):]
    return markdown


def front_matter(markdown: str) -> str:
    """The leading YAML block with its ``---`` lines, or "" when there is none."""
    rest = strip_front_matter(markdown)
    return markdown[:len(markdown) - len(rest)]


def parse(markdown: str) -> list[Slide]:
    """Cut a Marp deck into slides at ``---`` lines, as Marp does (fenced code excepted)."""
    chunks: list[list[str]] = [[]]
    in_fence = False
    for line in strip_front_matter(markdown).splitlines():
        if FENCE_RE.match(line):
            in_fence = not in_fence
        if not in_fence and line.strip() == "---":
            chunks.append([])
        else:
            chunks[-1].append(line)
    slides = []
    for chunk in chunks:
        text = "\n".join(chunk)
        notes = tuple(m["body"].strip() for m in COMMENT_RE.finditer(text) if is_note(m))
        slides.append(Slide(len(slides) + 1, text, notes))
    return slides


def total_seconds(slides: list[Slide]) -> int:
    """What the notes' timings add up to."""
    return sum(slide.seconds or 0 for slide in slides)


def paragraphs(note: str) -> list[str]:
    """A note's paragraphs, each on one line: the source's line breaks inside a paragraph
    are joined (the presenter view shows every line break), blank lines separate them."""
    blocks = re.split(r"\n[ \t]*\n", note.strip())
    return [" ".join(line.strip() for line in block.splitlines() if line.strip())
            for block in blocks if block.strip()]


def running_time(slides: list[Slide]) -> list[tuple[int, int]]:
    """Where each slide starts and ends in the talk, in seconds, from the notes' timings."""
    out, elapsed = [], 0
    for slide in slides:
        out.append((elapsed, elapsed + (slide.seconds or 0)))
        elapsed += slide.seconds or 0
    return out


# A word on screen: letters or digits, with inner dots, dashes or apostrophes ("3.14t").
WORD_RE = re.compile(r"[^\W_]+(?:[.'\u2019-][^\W_]+)*")
_TAG_RE = re.compile(r"<[^>]+>")
_LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")


def has_code(markdown: str) -> bool:
    """Whether the slide shows a fenced code block (a code slide)."""
    return any(FENCE_RE.match(line) for line in markdown.splitlines())


def screen_words(markdown: str) -> int:
    """The words a slide shows: its text without notes, directives, tags and link targets
    (code included: the audience reads it too)."""
    text = COMMENT_RE.sub(" ", markdown)
    text = _TAG_RE.sub(" ", _LINK_TARGET_RE.sub("]", text))
    return len(WORD_RE.findall(text))
