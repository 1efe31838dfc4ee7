"""Everything the site generates from ``data/`` and ``demos/``, and its MkDocs hook.

``generate()`` (run by ``invoke charts``) writes, under the docs folder:

- ``assets/charts/*.svg`` and ``assets/diagrams/*.svg``: the charts and diagrams, light and dark;
- ``generated/figure-<chart>.md``: a chart for the main pages, with its caption, or a plain
  "no measurement yet" note with the command that produces one;
- ``generated/results-<chart>.md``: the same chart for every machine measured, side by side;
- ``generated/finding-<name>.md``, ``generated/claims-table.md``, ``generated/cited*.md``: the
  findings (claims bound to data) and the cited figures, see ``inparallel.publish.claims``;
- ``generated/charts.json``: which data files (and their SHA-256) each chart was drawn from;
- ``generated/code-<page>.md``: a strategy page's minimal example, included from the section
  its demo marks with ``# --8<-- [start:<page>]``/``[end:...]`` comments (so the page always
  shows the code as it is), and a link to the whole demo;
- ``generated/runs.md``: every run, per demo and machine (``inparallel.publish.runs_page``).

Pages pull these in with ``pymdownx.snippets``. The module is also listed under ``hooks:`` in
``mkdocs.yml``: the hook publishes the data files and the demos with the site, so that pages
can link to them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from inparallel.analysis.results import evidence_path
from inparallel.paths import CHARTS_DIR, CHARTS_MANIFEST, DIAGRAMS_DIR, DOCS, GENERATED_DIR
from inparallel.publish import charts, claims, diagrams, escape, packages_page, runs_page
from inparallel.records.load import load_demo

if TYPE_CHECKING:  # MkDocs is a docs extra; the charts task must run without it
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = logging.getLogger("mkdocs.hooks.inparallel")

GENERATED = GENERATED_DIR.name

# Where each strategy page's minimal example lives (keyed by the page, docs/<page>.md): the
# demo and its section, marked in the demo itself by ``# --8<-- [start:<page>]`` and
# ``# --8<-- [end:<page>]`` comments (the snippets extension includes the lines between
# them). The example is the one on its slide.
STRATEGY_PAGE_CODE: dict[str, str] = {
    "free-threading": "nogil.py",
    "subinterpreters": "strategies.py",
    "multiprocessing": "strategies.py",
    "asyncio": "io_demo.py",
}
#: Where the site publishes the demos, so that a page links the whole file.
DEMOS = "demos"


def _write(path: Path, text: str) -> None:
    """Write only when the content changes, so ``mkdocs serve`` does not rebuild in a loop."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _no_data(chart: charts.Chart) -> str:
    return (
        f'!!! info "No measurement committed yet"\n\n'
        f"    {claims.missing(chart.demo)} This chart ({chart.alt.lower()}) is then drawn "
        f"from it by `invoke charts`.\n"
    )


# Every value is escaped (``escape.templates``): a CPU model or a command is a contributor's text.
# The runs are counted and linked, never listed: their table (files, noise, what was left out
# and why, commands) is on the runs page, where the link lands.
FIGURE = escape.templates.from_string("""\
<figure markdown>
![{{ alt }}]({{ folder }}/{{ stem }}-light.svg#only-light)
![{{ alt }}]({{ folder }}/{{ stem }}-dark.svg#only-dark)
<figcaption markdown>{{ machine }}. Median of {{ runs }}\
{%- if excluded %} ({{ excluded }} left out){% endif %}; error bars: the lowest and highest \
run, or one run's 95% interval of its median. Reproduce: {{ command }}.</figcaption>
</figure>
""")


def _figure(drawn: charts.Drawn, short_name: bool) -> str:
    """A light and a dark image (Material shows the one matching the palette) with a caption:
    the machine, how many runs were aggregated (linked to their table), and the command."""
    data = drawn.data
    return FIGURE.render(
        folder=CHARTS_DIR.relative_to(DOCS).as_posix(),
        alt=drawn.chart.alt, stem=escape.href(drawn.chart.name if short_name else drawn.stem),
        machine=data.machine.label, runs=runs_page.runs_link(drawn.chart.demo, data),
        excluded=len(data.excluded), command=escape.code(data.command))


def _figures(drawn: list[charts.Drawn]) -> dict[str, str]:
    """The ``figure-`` and ``results-`` snippets of every chart, drawn or not."""
    out: dict[str, str] = {}
    for chart in charts.CHARTS:
        mine = [d for d in drawn if d.chart.name == chart.name]
        if not mine:
            out[f"figure-{chart.name}"] = out[f"results-{chart.name}"] = _no_data(chart)
            continue
        out[f"figure-{chart.name}"] = _figure(mine[0], short_name=True)
        if len(mine) == 1:
            out[f"results-{chart.name}"] = _figure(mine[0], short_name=False)
        else:
            # Side by side: a 2-core curve is capped at 2x, the bigger machine shows the rest.
            cells = "".join(_figure(d, short_name=False) for d in mine)
            out[f"results-{chart.name}"] = f'<div class="grid" markdown>\n{cells}</div>\n'
    return out


def _has_section(path: Path, name: str) -> bool:
    """Whether ``path`` marks both ends of section ``name`` (as the snippets extension reads
    them: a ``--8<-- [start:name]`` and a ``--8<-- [end:name]`` line)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return all(f"--8<-- [{end}:{name}]" in text for end in ("start", "end"))


def code_snippet(demos_dir: Path, page: str) -> str:
    """A strategy page's minimal example, included from the marked section of its demo, and a
    link to the whole demo; a note instead while the demo has no such section."""
    name = STRATEGY_PAGE_CODE[page]
    rel = f"{DEMOS}/{name}"
    if not _has_section(demos_dir / name, page):
        return ('!!! info "Demo code not marked yet"\n\n    The example of this strategy is the '
                f"part of `{rel}` between `# --8<-- [start:{page}]` and "
                f"`# --8<-- [end:{page}]` comments, which it does not have yet.\n")
    return (f'```python title="{rel}"\n--8<-- "{rel}:{page}"\n```\n\n'
            f"The whole demo, with its command line and its checks: [`{rel}`]({rel}).\n")


def write_code_snippets(demos_dir: Path, docs_dir: Path) -> dict[str, str]:
    """Write the ``code-<page>`` snippets; cheap, so the hook redoes it on every build."""
    snippets = {f"code-{page}": code_snippet(demos_dir, page) for page in STRATEGY_PAGE_CODE}
    for name, text in snippets.items():
        _write(docs_dir / GENERATED / f"{name}.md", text.rstrip("\n") + "\n")
    return snippets


def generate(data_dir: Path, docs_dir: Path, demos_dir: Path | None = None
             ) -> tuple[list[charts.Drawn], list[claims.Evaluation]]:
    """Draw every chart and diagram and write every generated snippet. Deterministic.

    Returns what was drawn and every finding's evaluation; a claim the data contradict is
    written with its visible mark (``invoke docs`` then refuses to build, see ``main``).
    """
    drawn = charts.draw_all(data_dir, docs_dir / CHARTS_DIR.relative_to(DOCS))
    diagrams.draw_all(docs_dir / DIAGRAMS_DIR.relative_to(DOCS))
    out_dir = docs_dir / GENERATED
    snippets = _figures(drawn)
    found, evaluations = claims.snippets(data_dir)
    snippets.update(found)
    demos = demos_dir if demos_dir is not None else data_dir.parent / "demos"
    snippets.update(write_code_snippets(demos, docs_dir))
    snippets["runs"] = runs_page.table(data_dir)
    snippets["packages-matrix"] = packages_page.matrix(data_dir)
    for name, text in snippets.items():
        _write(out_dir / f"{name}.md", text.rstrip("\n") + "\n")
    manifest = charts.manifest(drawn, data_dir)
    _write(out_dir / CHARTS_MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    # Snippets of charts that no longer exist would go stale silently; remove them.
    for old in out_dir.glob("*.md"):
        if old.stem not in snippets:
            old.unlink()
    return drawn, evaluations


def build(project: Path, site_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` in ``project`` (never ``-v``: it disables the anchor checks)."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    if site_dir is not None:
        command += ["--site-dir", str(site_dir)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                          check=False)


def copy_project(repo: Path, target: Path, data_dir: Path) -> Path:
    """A buildable copy of the site sources with ``data_dir`` as its data, for tests.

    Generated files are left behind, so the copy starts as a fresh clone would.
    """
    target.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "tasks.py"):
        shutil.copy2(repo / name, target / name)
    # Generated folders are left behind in docs/ only: the package has a charts folder too.
    generated = shutil.ignore_patterns(GENERATED, "charts", "diagrams", "__pycache__", "slides")
    for folder in ("docs", "demos", "inparallel"):
        if (repo / folder).is_dir():
            ignore = generated if folder == "docs" else shutil.ignore_patterns("__pycache__")
            shutil.copytree(repo / folder, target / folder, ignore=ignore)
    shutil.copytree(data_dir, target / "data")
    return target


# --- MkDocs hook ---------------------------------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Generate everything on a fresh clone, so that a bare ``mkdocs build`` works too.

    The demo snippets are written again on every build: a demo may have gained or lost its markers.
    """
    docs_dir = Path(config["docs_dir"])
    project = Path(config["config_file_path"]).parent
    notebooks = config.plugins.get("mkdocs-jupyter")
    if notebooks is not None and "mathjax_version" in notebooks.config:
        # mkdocs-jupyter 0.27 (Python 3.12+) injects a MathJax 4 loader that fetches from a CDN
        # on notebook pages, and logs a console error offline. Version 2 mode only adds a plain
        # <script> with the (no-op, local) custom_mathjax_url. 0.26 has no such option or loader.
        notebooks.config["mathjax_version"] = 2
    if (docs_dir / "slides" / "index.html").exists() and config["nav"] is not None:
        # The deck is built by `invoke slides` (which `invoke docs` runs first); a bare
        # `mkdocs build` without it must still pass --strict, so the link is added only then.
        config["nav"].append({"Slides": "slides/index.html"})
    if (docs_dir / "slides" / "python-in-parallel.pdf").exists() and config["nav"] is not None:
        config["nav"].append({"Slides (PDF)": "slides/python-in-parallel.pdf"})
    if not (docs_dir / GENERATED).is_dir():
        log.info("docs/%s is missing: drawing charts from data/ first", GENERATED)
        generate(project / "data", docs_dir, project / "demos")  # marks contradicted claims
    else:
        write_code_snippets(project / "demos", docs_dir)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Publish every data file at ``data/<demo>/<file>.json`` so that the runs page links to
    it, and every demo at ``demos/<file>.py`` so that a strategy's page links its demo."""
    from mkdocs.structure.files import File

    project = Path(config["config_file_path"]).parent
    for demo in sorted((project / DEMOS).glob("*.py")):
        uri = f"{DEMOS}/{demo.name}"
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(demo)))
    data_dir = project / "data"
    for demo_dir in sorted(p for p in data_dir.glob("*") if p.is_dir()):
        for record in load_demo(data_dir, demo_dir.name):
            uri = evidence_path(record.path)
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(record.path)))
    return files


def main(data_dir: Path, docs_dir: Path, demos_dir: Path, check: bool = False) -> list[str]:
    """Generate everything and return one line per chart drawn and per contradicted claim.

    With ``check``, a finding the data contradict raises ``claims.ContradictedClaims`` naming
    the finding, the machine and the numbers (after everything was written, so that the
    preview shows the marks).
    """
    drawn, evaluations = generate(data_dir, docs_dir, demos_dir)
    lines = [f"{d.stem}: {d.data.machine.label}" for d in drawn]
    skipped = sorted({c.demo for c in charts.CHARTS} - {d.chart.demo for d in drawn})
    if skipped:
        lines.append("no data yet (page says so): " + ", ".join(skipped))
    if check:
        claims.require_all_hold(evaluations)
    lines += [f"warning: {line}" for line in claims.failures(evaluations)]
    lines += [f"warning: {line}" for line in claims.shortfalls(evaluations)]
    return lines
