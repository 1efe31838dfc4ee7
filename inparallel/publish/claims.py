"""Evaluate every finding on every machine and write what pages and slides include.

- ``generated/finding-<name>.md``: the finding's sentence with each machine's numbers and a link
  to the table of the runs it was computed from. A claim the data contradict is written inside a
  visible "contradicted" admonition (the preview build shows it; ``invoke docs`` refuses).
- ``generated/claims-table.md``: every finding's claim, its verdict per machine, and its
  evidence folded (numbers, test, runs, where it is used); the Claims page includes it.
- ``generated/cited.md`` and ``generated/cited-<key>.md``: the figures quoted from elsewhere,
  from ``inparallel/analysis/cited.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from inparallel.analysis import findings as f
from inparallel.analysis import first_harness, variant_labels
from inparallel.analysis.results import machine_results
from inparallel.analysis.verdict import Finding, Verdict
from inparallel.errors import UserError
from inparallel.publish import escape, runs_page

CITED = Path(__file__).resolve().parent.parent / "analysis" / "cited.toml"


@dataclass(frozen=True)
class Evaluation:
    """One finding on one machine's aggregated data (``result`` None: no data for its demo)."""

    finding: Finding
    result: Any
    verdict: Verdict

    @property
    def machine(self) -> str:
        """The machine's label, or "no machine" when the demo has no data at all."""
        return self.result.machine.label if self.result is not None else "no machine"

    @property
    def files(self) -> list[Path]:
        """The data files the numbers came from."""
        return list(self.result.files) if self.result is not None else []


class ContradictedClaims(UserError):
    """Committed data contradict one or more findings' sentences."""


def evaluate(data_dir: Path, only: Iterable[Finding] = f.FINDINGS) -> list[Evaluation]:
    """Every finding checked on every machine that measured its demo (the first harness's runs
    of a machine kind measured since with fingerprints left out: ``first_harness``)."""
    cache: dict[str, list[Any]] = {}
    models = first_harness.fingerprinted_models(data_dir)
    out = []
    for finding in only:
        if finding.demo not in cache:
            cache[finding.demo] = [r for r in machine_results(data_dir, finding.demo)
                                   if not first_harness.superseded(r, models)]
        results = cache[finding.demo]
        if not results:
            out.append(Evaluation(finding, None, Verdict.no_data("no committed data")))
        for result in results:
            out.append(Evaluation(finding, result, finding.check(result)))
    return out


def failures(evaluations: Iterable[Evaluation]) -> list[str]:
    """One line per contradicted claim: finding, machine, the condition with its numbers."""
    return [f"finding {e.finding.name} fails on {e.machine}: {e.verdict.condition}"
            for e in evaluations if e.verdict.status == "fails"]


def shortfalls(evaluations: Iterable[Evaluation]) -> list[str]:
    """One line per claim without enough evidence: finding, machine, the points that fell
    short of the precision rule (or came only from runs that do not count)."""
    return [f"finding {e.finding.name} has not enough evidence on {e.machine}: "
            f"{', '.join(e.verdict.shortfall)} miss +-3% (or come from noisy runs)"
            for e in evaluations if e.verdict.status == "no-evidence"]


def require_all_hold(evaluations: Iterable[Evaluation]) -> None:
    """Raise ``ContradictedClaims`` naming every failing finding (for ``invoke docs``)."""
    lines = failures(evaluations)
    if lines:
        raise ContradictedClaims(
            "the data contradict these claims; correct each sentence in "
            "its demo's module, inparallel/analysis/demos/<demo>.py (or preview with "
            "`invoke docs --preview`):\n  "
            + "\n  ".join(lines))


def _evidence(e: Evaluation) -> str:
    """The runs the numbers came from, as one link to their rows on the runs page."""
    return runs_page.runs_link(e.finding.demo, e.result) if e.result is not None else "no runs"


def _sentence(e: Evaluation) -> str:
    """The finding's sentence with this machine's numbers, each escaped: variant and package
    names come from the data files, which anyone can contribute."""
    labels = variant_labels.measured(e.files)  # the release candidate and the found 3.12
    numbers = {key: escape.text(variant_labels.display_in(value, labels))
               for key, value in e.verdict.numbers.items()}
    return e.finding.sentence(replace(e.verdict, numbers=numbers))


def _stated(e: Evaluation) -> str:
    text = f"{_sentence(e)} ({escape.text(e.machine)}; {_evidence(e)})"
    if e.verdict.status == "no-evidence":
        return (f"{text} *Not enough evidence yet: these numbers rest on points that miss "
                "the precision rule; the Claims page names them.*")
    return text


def _marked(text: str, e: Evaluation) -> str:
    """The visible preview mark of a claim the data contradict."""
    body = f"{text}\n\nChecked: {escape.text(e.verdict.condition)}."
    indented = "\n".join(f"    {line}" if line else "" for line in body.splitlines())
    return (f'!!! failure "Contradicted by the data ({escape.text(e.machine)}): finding '
            f'{e.finding.name}"\n\n{indented}\n')


#: Measurements that have their own task instead of ``invoke demo NAME``.
COMMANDS = {"pyperformance": "invoke suite"}


def missing(demo: str) -> str:
    """The sentence shown instead of a number when a demo has no committed measurement."""
    return (f"No measurement of the `{demo}` demo is committed yet; "
            f"`{COMMANDS.get(demo, f'invoke demo {demo}')}` produces one.")


def render(finding: Finding, evaluations: list[Evaluation]) -> str:
    """The include of one finding: its sentence per machine that has its data."""
    mine = [e for e in evaluations if e.finding is finding and e.verdict.status != "no-data"]
    measured = [e for e in evaluations if e.finding is finding and e.result is not None]
    if not mine and measured:
        # Runs exist, but not what the finding needs (a disturbed run's timings are left out).
        condition = escape.text(measured[0].verdict.condition)
        return (f"The committed runs of the `{finding.demo}` demo do not hold what this claim "
                f"needs yet ({condition}); the Claims page lists them.\n")
    if not mine:
        return missing(finding.demo) + "\n"
    if len(mine) == 1:
        e = mine[0]
        text = _stated(e)
        return (_marked(text, e) if e.verdict.status == "fails" else text + "\n")
    parts = []
    for e in mine:
        text = _stated(e)
        parts.append(_marked(text, e) if e.verdict.status == "fails" else f"- {text}\n")
    return "\n".join(parts)


_STATUS = {"holds": "holds", "fails": "**contradicted**", "no-evidence": "not enough evidence",
           "no-data": "no data"}


def includes(root: Path) -> dict[str, list[str]]:
    """Which pages and slides include each finding: ``{name: [repo-relative paths]}``, read
    from ``docs/**/*.md`` (generated files aside) and ``slides/talk.md`` under ``root``."""
    sources = [p for p in sorted((root / "docs").rglob("*.md"))
               if "generated" not in p.relative_to(root / "docs").parts]
    sources += [p for p in [root / "slides" / "talk.md"] if p.is_file()]
    found: dict[str, list[str]] = {}
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for finding in f.FINDINGS:
            if f"generated/finding-{finding.name}.md" in text:
                found.setdefault(finding.name, []).append(str(path.relative_to(root)))
    return found


def claim(finding: Finding) -> str:
    """The claim in one sentence, as its check states it (the first paragraph of its
    docstring), without the numbers of any machine."""
    text = (finding.check.__doc__ or finding.name).strip().split("\n\n")[0]
    return " ".join(text.split())


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def _evidence_block(finding: Finding, mine: list[Evaluation], used: list[str]) -> str:
    """What a reader opens to check a claim: per machine, the sentence with its numbers, the
    test with those numbers, the points short of the precision rule and the runs (linked to
    their rows); then where the claim is used."""
    parts = []
    for e in mine:
        lines = [f"**{escape.text(e.machine)}**: {_STATUS[e.verdict.status]}."]
        if e.verdict.status != "no-data":
            lines.append(f"{_sentence(e)}")
        lines.append(f"Test: {escape.text(e.verdict.condition)}.")
        if e.verdict.shortfall:
            lines.append(f"Short of +-3%: {escape.text(', '.join(e.verdict.shortfall))}.")
        lines.append(f"Runs: {_evidence(e)}." if e.result is not None
                     else missing(finding.demo))
        parts.append("\n".join(f"- {line}" if i == 0 else f"  {line}"
                                for i, line in enumerate(lines)))
    where = ", ".join(f"`{u}`" for u in used) or "this page only"
    module = finding.check.__module__.replace(".", "/")
    body = "\n".join(parts) + (f"\n\nChecked by `{finding.check.__name__}` in "
                               f"`{module}.py`; used in {where}.")
    return f'??? quote "Evidence: numbers, test and runs"\n\n{_indent(body)}\n'


def claims_table(evaluations: list[Evaluation], used: dict[str, list[str]] | None = None) -> str:
    """The Claims page's body: per finding, the claim first (a heading whose anchor is the
    finding's name), its verdict on each machine, and the evidence folded."""
    sections = []
    for finding in f.FINDINGS:
        mine = [e for e in evaluations if e.finding is finding]
        verdicts = "\n".join(f"- {escape.text(e.machine)}: {_STATUS[e.verdict.status]}"
                              for e in mine)
        sections.append(
            f"### {escape.text(claim(finding))} {{#{finding.name}}}\n\n{verdicts}\n\n"
            + _evidence_block(finding, mine, (used or {}).get(finding.name, [])))
    return "\n".join(sections)


# --- cited figures -------------------------------------------------------------------------------


def cited(path: Path = CITED) -> dict[str, dict[str, str]]:
    """The figures quoted from elsewhere: key -> {quantity, figure, source, link}."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle)
    for key, entry in entries.items():
        missing_keys = {"quantity", "figure", "source", "link"} - set(entry)
        if missing_keys:
            raise UserError(f"{path}: entry {key} lacks {', '.join(sorted(missing_keys))} "
                            "(every cited figure needs quantity, figure, source and link)")
    return entries


def cited_table(entries: dict[str, dict[str, str]]) -> str:
    """The one table of figures measured or stated by others, with their sources."""
    lines = ["| Quantity | Figure | Source |", "|---|---|---|"]
    for entry in entries.values():
        lines.append(f"| {entry['quantity']} | {entry['figure']} | "
                     f"[{entry['source']}]({entry['link']}) |")
    return "\n".join(lines) + "\n"


def cited_sentence(entry: dict[str, str]) -> str:
    """One cited figure as an inline quote: ``about 40 % (CPython 3.13 HOWTO)`` with its link."""
    return f"{entry['figure']} ([{entry['source']}]({entry['link']}))"


def snippets(data_dir: Path) -> tuple[dict[str, str], list[Evaluation]]:
    """Every generated snippet of this module, by name, and the evaluations behind them."""
    evaluations = evaluate(data_dir)
    out = {f"finding-{finding.name}": render(finding, evaluations) for finding in f.FINDINGS}
    out["claims-table"] = claims_table(evaluations, includes(data_dir.parent))
    entries = cited()
    out["cited"] = cited_table(entries)
    out.update({f"cited-{key}": cited_sentence(entry) for key, entry in entries.items()})
    return out, evaluations
