"""The "Will my libraries work?" matrix: packages by variant, from the packages demo's data.

``matrix(data_dir)`` writes the Markdown that ``docs/packages.md`` includes
(``docs/generated/packages-matrix.md``): one table per machine, a row per package and a
column per variant, each mark a link to the row of the data file that it comes from
(``data/packages/<file>.json#/runs/<i>/results/<j>``, a JSON Pointer into the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis import variant_labels
from inparallel.analysis.demos.packages import package_speedups
from inparallel.analysis.results import evidence_path, machine_results
from inparallel.publish import claims, escape, runs_page
from inparallel.records.load import read

DEMO = "packages"
INSTALL = {"wheel": "wheel", "source": "built from source", "failed": "✗ no install"}


def _title(text: Any) -> str:
    """A link title: the last line of ``text``, shortened (``escape.link`` makes it inert)."""
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    # A long multi-line error (numpy's) ends with the line that says what went wrong.
    return lines[-1][:200] if lines else ""


def _rows_of(path: Path) -> dict[tuple, str]:
    """(variant, workload, package, workers) -> its evidence link, for plain runs of a file."""
    record = read(path)
    links = {}
    for i, run in enumerate(record.runs):
        if run.env:
            continue
        for j, row in enumerate(run.results):
            key = (run.variant, row.workload, row.params.get("package"), row.workers)
            links[key] = f"{evidence_path(path)}#/runs/{i}/results/{j}"
    return links


def _cell(result: Any, links: dict[tuple, str], package: str, variant: str,
          speedups: dict[str, tuple[int, m.Estimate]]) -> str:
    """The marks of one package on one variant, each linked to its row."""
    def point(workload: str) -> Any:
        found = [p for p in result.select(variant=variant, workload=workload)
                 if not p.env and p.params.get("package") == package]
        return found[0] if found else None

    def mark(text: str, workload: str, title: Any = "", workers: int = 1) -> str:
        link = links.get((variant, workload, package, workers))
        if link is None:
            return escape.text(text)
        return escape.link(text, link, _title(title))

    install = point("install")
    if install is None:
        return "not measured"
    if not install.ok or not install.median:
        return mark(INSTALL["failed"], "install", install.params.get("reason"))
    marks = [mark(INSTALL.get(install.strategy, install.strategy), "install",
                  install.params.get("file"))]
    imported = point("import")
    if imported is None or not imported.ok or not imported.median:
        error = (imported.error or imported.params.get("error")) if imported else "no row"
        marks.append(mark("✗ import", "import", error))
        return " · ".join(marks)
    if imported.correct is False:
        marks.append(mark("✗ wrong answer", "import", imported.params.get("answer")))
    gil = point("gil-after-import")
    if gil is not None and gil.ok:
        marks.append(mark("GIL on" if gil.median else "GIL off", "gil-after-import",
                          gil.params.get("warning")))
    sub = point("subinterpreter-import")
    if sub is not None and sub.ok:
        marks.append(mark("sub ✓" if sub.median else "sub ✗", "subinterpreter-import",
                          sub.params.get("message")))
    if package in speedups:
        workers, speedup = speedups[package]
        marks.append(mark(f"{workers} threads {fmt.times(speedup.value)}", "call",
                          "throughput of the call against one thread", workers))
    return " · ".join(marks)


def _table(result: Any) -> str:
    label = escape.text(result.machine.label)
    if not result.files:  # every run of this machine was left out (a disturbed machine)
        runs = f"{runs_page.PAGE}#{runs_page.anchor(DEMO, result.machine.key)}"
        left_out = escape.link(f"{len(result.excluded)} left out", runs)
        return f"**{label}**: no run used ({left_out}; the runs page says why).\n"
    newest = result.files[-1]
    links = _rows_of(newest)
    variants = sorted({p.variant for p in result.points if not p.env}, key=m.version_key)
    packages = list(dict.fromkeys(p.params["package"] for p in result.points
                                  if p.workload == "install" and "package" in p.params))
    speedups = {v: package_speedups(result, v) for v in variants}
    shown = variant_labels.measured(result.files)  # the release candidate, the found 3.12
    lines = ["| Package | " + " | ".join(escape.text(variant_labels.display_in(v, shown))
                                         for v in variants) + " |",
             "|---|" + "---|" * len(variants)]
    for package in packages:
        version = next(p.params.get("version", "") for p in result.points
                       if p.params.get("package") == package)
        cells = [_cell(result, links, package, v, speedups[v]) for v in variants]
        lines.append(f"| **{escape.text(package)}** {escape.text(version)} | "
                     + " | ".join(cells) + " |")
    return (f"**{label}** ({runs_page.runs_link(DEMO, result)}; {escape.code(result.command)})\n\n"
            '<div class="package-matrix" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n")


def matrix(data_dir: Path) -> str:
    """The whole include: a table per machine, or the note that nothing is measured yet."""
    results = machine_results(data_dir, DEMO)
    if not results:
        return f'!!! info "No measurement committed yet"\n\n    {claims.missing(DEMO)}\n'
    return "\n".join(_table(result) for result in results)
