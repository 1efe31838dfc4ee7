"""The talk's slide deck: expand the shared includes, inline the charts, run Marp.

The deck's source is ``slides/talk.md`` (Marp Markdown, read by ``deck``). Nothing in it is
written twice:

* ``<!-- include: docs/includes/decision-guide.md -->`` on a line of its own is replaced by
  that file, the same guide the site shows; ``...finding-NAME.md short`` by the finding's
  one-number sentence (``deck_findings``), whose full sentence goes into the slide's notes;
* ``![alt text](chart:nogil-scaling)`` becomes the deck's version of the site's chart
  ``docs/assets/charts/deck/nogil-scaling-light.svg``, inlined as a ``data:`` URI so that the
  built deck is one HTML file that needs no network and no other file;
* each slide's notes become one comment of paragraphs that starts with the running time.

``build()`` writes the expanded Markdown to ``build/slides/`` and runs the pinned Marp CLI
(``node_modules/.bin/marp``, installed by ``npm ci``) with ``.marprc.yml`` to make
``docs/slides/index.html``, or its PDF beside it through Debian's Chromium.
"""

from __future__ import annotations

import ast
import base64
import html
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from inparallel import units
from inparallel.build import prerequisites
from inparallel.console import stage
from inparallel.errors import UserError
from inparallel.paths import DECK_CHARTS_DIR, DOCS, REPO, deck_chart
from inparallel.publish import claims, deck, deck_findings

SOURCE = REPO / "slides" / "talk.md"
CONFIG = REPO / ".marprc.yml"
# The site serves this folder as-is; the site engineer links it from the navigation.
OUTPUT_HTML = DOCS / "slides" / "index.html"
BUILD_DIR = REPO / "build" / "slides"
# The PDF is published beside the HTML deck (``invoke docs``); the site links both.
OUTPUT_PDF = OUTPUT_HTML.parent / "python-in-parallel.pdf"
MARP = REPO / "node_modules" / ".bin" / "marp"
CHROMIUM = Path("/usr/bin/chromium")


def _generate(root: Path) -> None:
    """Write docs/generated/ from data/ (as ``invoke charts`` does), for a deck on a fresh clone."""
    from inparallel.publish import mkdocs_hook  # matplotlib is slow to import: only when needed

    mkdocs_hook.generate(root / "data", root / "docs", root / "demos")


def short_findings(markdown: str) -> list[str]:
    """The findings a deck includes in short (``<!-- include: ...finding-NAME.md short -->``)."""
    return [m["path"].removeprefix("docs/generated/finding-").removesuffix(".md")
            for m in deck.INCLUDE_RE.finditer(markdown) if m["form"]]


def expand_includes(markdown: str, root: Path = REPO,
                    findings: Mapping[str, deck_findings.Forms] | None = None,
                    notes: list[str] | None = None) -> str:
    """Replace each ``<!-- include: PATH -->`` line with the file at ``root/PATH``.

    ``PATH#name`` on a ``.py`` file includes only the top-level function or class ``name``,
    as a Python code block: a demo's own code on a slide, never a copy that drifts.
    ``PATH rows=1-5`` (or ``rows=6-``, to the end) keeps the header and those body rows of a
    Markdown table, so that a long shared table can span two slides.
    ``docs/generated/finding-NAME.md short`` is the finding's one-number sentence
    (``deck_findings``, from ``findings`` or computed from ``root/data``); its full sentence
    is appended to ``notes``. ``docs/generated/cited-KEY.md`` is the cited figure, labelled
    as cited with what it measures.
    A missing file, name or row is an error, never an empty gap on a slide.
    """

    def include(match: re.Match[str]) -> str:
        relative, _, name = match["path"].partition("#")
        path = (root / relative).resolve()
        if not path.is_relative_to(root.resolve()):
            raise UserError(f"slides include {relative} from outside the repository")
        if match["form"]:
            return _short(relative, root, findings, notes)
        if relative.startswith("docs/generated/cited-"):
            return _cited(relative.removeprefix("docs/generated/cited-").removesuffix(".md"))
        if not path.is_file() and relative.startswith("docs/generated/"):
            _generate(root)  # a fresh clone: findings and cited figures come from data/
        if not path.is_file():
            raise UserError(f"slides include {relative}, which does not exist "
                            "(the site's shared files live under docs/includes/)")
        text = path.read_text(encoding="utf-8")
        if relative.startswith("docs/generated/finding-"):
            return finding_for_slide(text)
        if name:
            return "```python\n" + python_definition(text, name, relative) + "\n```"
        if match["first"]:
            last = int(match["last"]) if match["last"] else None
            return table_rows(text, int(match["first"]), last, relative)
        return text.strip("\n")

    return deck.INCLUDE_RE.sub(include, markdown)


def _short(relative: str, root: Path, findings: Mapping[str, deck_findings.Forms] | None,
           notes: list[str] | None) -> str:
    name = relative.removeprefix("docs/generated/finding-").removesuffix(".md")
    if not relative.startswith("docs/generated/finding-") or not relative.endswith(".md"):
        raise UserError(f"slides include {relative} short, but only a finding "
                        "(docs/generated/finding-NAME.md) has a short form")
    forms = findings if findings is not None and name in findings \
        else deck_findings.forms([name], root / "data")
    if notes is not None:
        notes.append(forms[name].full)
    return forms[name].short


def _cited(key: str) -> str:
    """A cited figure on a slide: labelled as cited, with what it measures and its source."""
    entries = claims.cited()
    if key not in entries:
        raise UserError(f"slides include cited figure {key}, which "
                        "inparallel/analysis/cited.toml does not have")
    entry = entries[key]
    return (f"*Cited, {entry['quantity']}:* {entry['figure']} "
            f"([{entry['source']}]({entry['link']}))")


def presenter_notes(slide: deck.Slide, start: int, end: int, total: int,
                    findings: list[str]) -> str:
    """The slide's notes as the presenter view shows them: the running time first, then each
    note as paragraphs (the source's line breaks joined), then the full sentences of the
    findings the slide shows in short."""
    parts = [f"Running time {units.clock(start)} \N{RIGHTWARDS ARROW} {units.clock(end)} "
             f"of {units.clock(total)}"]
    parts += [paragraph for note in slide.notes for paragraph in deck.paragraphs(note)]
    parts += [f"Finding: {text}" for text in findings]
    body = "\n\n".join(part.replace("-->", "\N{RIGHTWARDS ARROW}") for part in parts)
    return f"<!--\n{body}\n-->"


def expand(markdown: str, root: Path = REPO) -> str:
    """The deck as Marp reads it: includes expanded, and each slide's notes rewritten as one
    comment of paragraphs that starts with the running time (charts are still references)."""
    slides = deck.parse(markdown)
    names = short_findings(markdown)
    found = deck_findings.forms(names, root / "data") if names else {}
    total = deck.total_seconds(slides)
    out = []
    for slide, (start, end) in zip(slides, deck.running_time(slides), strict=True):
        full: list[str] = []
        body = expand_includes(slide.body, root, found, full).strip("\n")
        out.append(f"{body}\n\n{presenter_notes(slide, start, end, total, full)}")
    return deck.front_matter(markdown) + "\n\n---\n\n".join(out) + "\n"


ADMONITION_RE = re.compile(r'^!!! \w+ "(?P<title>[^"]*)"\n\n(?P<body>(?:    .*\n?|\n)*)',
                           re.MULTILINE)


def finding_for_slide(text: str) -> str:
    """A finding's generated include, made to work in the deck (``docs/slides/index.html``):
    its links point one folder up, and a claim the data contradict (an admonition on the
    site, in a preview build) stays visibly marked, as a quote with its title in bold."""

    def quote(match: re.Match[str]) -> str:
        body = "\n".join(line.removeprefix("    ") for line in match["body"].splitlines())
        return "\n".join([f"> **{match['title']}**", ">",
                          *(f"> {line}".rstrip() for line in body.strip("\n").splitlines())])

    text = ADMONITION_RE.sub(quote, text).replace("](data/", "](../data/").strip("\n")
    # A finding links the table of its runs on the site's runs page (one folder up as well).
    text = text.replace("](runs.md#", "](../runs/#")
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    if len(bullets) > 1 and len(bullets) == len([ln for ln in text.splitlines() if ln.strip()]):
        # One sentence per machine: a slide shows the first machine's, the one its chart
        # shows (both follow the aggregate's order); the site lists them all.
        return bullets[0].removeprefix("- ")
    return text


def table_rows(table: str, first: int, last: int | None, where: str = "<table>") -> str:
    """The header of a Markdown table and its body rows ``first`` to ``last`` (from 1)."""
    lines = table.strip("\n").splitlines()
    if len(lines) < 3 or not all(line.lstrip().startswith("|") for line in lines) \
            or set(lines[1].replace("|", "").strip()) - set("-: "):
        raise UserError(f"slides include rows of {where}, which is not one Markdown table")
    body = lines[2:]
    end = len(body) if last is None else last
    if not 1 <= first <= end <= len(body):
        raise UserError(f"slides include rows {first}-{last or ''} of {where}, "
                        f"which has {len(body)} body rows")
    return "\n".join(lines[:2] + body[first - 1:end])


def python_definition(source: str, name: str, where: str = "<source>") -> str:
    """The source lines of the top-level ``def`` or ``class`` called ``name``, decorators too."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) \
                and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "\n".join(lines[first - 1:node.end_lineno])
    raise UserError(f"slides include {where}#{name}, but {where} defines no top-level {name}")


def chart_names(markdown: str) -> list[str]:
    """The charts a deck refers to with ``chart:NAME``, in order, once each."""
    return list(dict.fromkeys(m["name"] for m in deck.CHART_RE.finditer(markdown)))


def chart_path(name: str, charts_dir: Path = DECK_CHARTS_DIR) -> Path:
    """The SVG file the deck uses for chart ``name``."""
    return deck_chart(name, charts_dir)


def missing_charts(markdown: str, charts_dir: Path = DECK_CHARTS_DIR) -> list[str]:
    """The referenced charts that have not been drawn yet."""
    return [name for name in chart_names(markdown) if not chart_path(name, charts_dir).is_file()]


def inline_charts(markdown: str, charts_dir: Path = DECK_CHARTS_DIR) -> str:
    """Turn every ``![alt](chart:NAME)`` into an ``<img>`` holding the SVG as a data URI.

    An empty alt takes the chart's own description from ``inparallel.publish.charts``, as the
    site does.
    A raw ``<img>`` rather than Markdown: markdown-it refuses ``data:image/svg+xml`` links.
    """
    missing = missing_charts(markdown, charts_dir)
    if missing:
        raise UserError(_missing_charts_message(missing, charts_dir))

    def image(match: re.Match[str]) -> str:
        svg = chart_path(match["name"], charts_dir).read_bytes()
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        alt = html.escape(match["alt"] or chart_alt(match["name"]), quote=True)
        return f'<img class="chart" alt="{alt}" data-chart="{match["name"]}" src="{uri}">'

    return deck.CHART_RE.sub(image, markdown)


def chart_alt(name: str) -> str:
    """The description the site gives chart ``name`` (its alt text there too)."""
    from inparallel.publish import charts  # matplotlib is slow to import: only when a chart is used

    return next((chart.alt for chart in charts.CHARTS if chart.name == name), name)


def _missing_charts_message(names: list[str], charts_dir: Path) -> str:
    where = charts_dir.relative_to(REPO) if charts_dir.is_relative_to(REPO) else charts_dir
    return (f"the slides need chart(s) not drawn yet in {where}/: {', '.join(names)}; "
            "run `invoke charts` (it draws them from data/; a chart without data needs its "
            f"demo run first: {', '.join(_demo_commands(names))})")


def _demo_commands(names: list[str]) -> list[str]:
    """``invoke demo NAME`` for the demos whose data the charts ``names`` are drawn from."""
    from inparallel.publish import charts  # matplotlib is slow to import: only on this error path

    known = {chart.name: chart.demo for chart in charts.CHARTS}
    return list(dict.fromkeys(f"invoke demo {known.get(name, '?')}" for name in names))


def ensure_marp() -> Path:
    """The pinned Marp CLI; ``npm ci`` installs it first on a fresh clone or a newer lock."""
    prerequisites.install_node_modules()
    if not MARP.exists():
        raise UserError("node_modules/.bin/marp is missing: run `npm ci` in the repository root")
    return MARP


def chromium_path() -> Path:
    """The browser Marp prints PDFs with: ``$CHROME_PATH``, else Debian's ``/usr/bin/chromium``.

    Never a browser download: puppeteer-core, which Marp uses, only drives an installed one.
    """
    chosen = Path(os.environ.get("CHROME_PATH") or CHROMIUM)
    if not chosen.exists():
        raise UserError(f"PDF export needs Chromium at {chosen}: `apt-get install chromium`, "
                        "or set CHROME_PATH to another Chromium or Chrome")
    return chosen


def build(pdf: bool = False, output: Path | None = None, *,
          draw_charts: Callable[[list[str]], None] | None = None,
          source: Path = SOURCE, charts_dir: Path = DECK_CHARTS_DIR,
          workdir: Path = BUILD_DIR) -> Path:
    """Build the deck: ``docs/slides/index.html``, or with ``pdf`` a PDF; return its path.

    ``draw_charts`` is called with the names of missing charts (the task runs
    ``invoke charts``) before the build gives up on them. The expanded Markdown goes to
    ``workdir``, never beside the output: MkDocs would publish a ``.md`` under ``docs/``.
    """
    text = expand(source.read_text(encoding="utf-8"))
    missing = missing_charts(text, charts_dir)
    if missing and draw_charts is not None:
        draw_charts(missing)
    text = inline_charts(text, charts_dir)

    marp = ensure_marp()
    workdir.mkdir(parents=True, exist_ok=True)
    expanded = workdir / source.name
    expanded.write_text(text, encoding="utf-8")
    target = (output or (OUTPUT_PDF if pdf else OUTPUT_HTML)).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)

    command = [str(marp), "--config-file", str(CONFIG), str(expanded), "-o", str(target)]
    env = dict(os.environ)
    if pdf:
        env["CHROME_PATH"] = str(chromium_path())
        command[1:1] = ["--pdf", "--allow-local-files"]
    with stage(f"marp → {_shown(target)}"):
        _run(command, "marp", env=env)
    if not pdf:
        _add_favicon(target)
    return target


def _add_favicon(page: Path) -> None:
    """Give the page an empty inline icon, so browsers do not request /favicon.ico (a 404)."""
    text = page.read_text(encoding="utf-8")
    if 'rel="icon"' not in text:
        text = text.replace("</head>", '<link rel="icon" href="data:,"></head>', 1)
        page.write_text(text, encoding="utf-8")


def _run(command: list[str], what: str, env: dict[str, str] | None = None) -> None:
    """Run a build tool from the repository root; on failure, raise its last lines."""
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise UserError(f"{what} failed (exit {done.returncode}): {tail}")


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
