"""Findings: every measured claim is checked against the data, and a contradicted one stops the
docs build (naming finding, machine and numbers) or, in a preview, is marked on the page.

All data here are the fixture files under ``tests/fixtures/site/data`` (not measurements).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SITE_DATA

from inparallel.analysis import findings
from inparallel.analysis.verdict import Verdict
from inparallel.errors import UserError
from inparallel.publish import claims, mkdocs_hook

REPO = Path(__file__).resolve().parent.parent
FIXTURES = SITE_DATA  # the fixture runs (conftest), not data/
TWO_CPUS = "Fixture CPU (not a measurement), 2 CPUs"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private, editable copy of the fixture data."""
    return Path(shutil.copytree(FIXTURES, tmp_path / "data"))


def _set_median(file: Path, variant: str, strategy: str, workers: int, median: float) -> None:
    """Make one row of a fixture file say ``median`` precisely (six equal values: its range
    and interval follow), so that the claim is contradicted, not short of evidence."""
    doc = json.loads(file.read_text())
    for run in doc["runs"]:
        for row in run["results"]:
            if (run["variant"], row["strategy"], row["workers"]) == (variant, strategy, workers):
                row.update(median=median, values=[median] * 6, min=median, max=median)
    file.write_text(json.dumps(doc))


def _slow_free_threads(data: Path) -> None:
    """The 2-core 3.14t run takes twice as long on two threads: no speed-up at all."""
    _set_median(data / "nogil" / "20260101T000000Z_fixture-cpu_2cpu.json", "3.14t", "threads",
                2, 2.2)


def test_every_finding_holds_on_the_fixture_data() -> None:
    evaluations = claims.evaluate(FIXTURES)
    assert claims.failures(evaluations) == []
    assert {e.verdict.status for e in evaluations} == {"holds", "no-data"}


def test_a_contradicted_claim_names_finding_machine_and_numbers(data: Path) -> None:
    _slow_free_threads(data)
    evaluations = claims.evaluate(data)
    with pytest.raises(UserError) as raised:
        claims.require_all_hold(evaluations)
    message = str(raised.value)
    assert f"finding nogil-threads-scale fails on {TWO_CPUS}: 3.14t 1.00" in message
    assert "16 CPUs" not in message  # the 16-core machine still supports the claim
    assert "--preview" in message


def test_the_docs_check_fails_on_contradicted_data(data: Path, tmp_path: Path) -> None:
    """``invoke docs`` runs the charts task with ``--check``: it must fail, in one message."""
    _slow_free_threads(data)
    project = mkdocs_hook.copy_project(REPO, tmp_path / "project", data)
    result = subprocess.run([sys.executable, "-m", "invoke", "charts", "--check"], cwd=project,
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0
    assert f"finding nogil-threads-scale fails on {TWO_CPUS}" in result.stderr
    assert "Traceback" not in result.stderr


def test_preview_marks_the_contradicted_claim_on_the_page(data: Path, tmp_path: Path) -> None:
    _slow_free_threads(data)
    project = mkdocs_hook.copy_project(REPO, tmp_path / "project", data)
    lines = mkdocs_hook.main(project / "data", project / "docs", project / "demos")
    assert any("warning: finding nogil-threads-scale fails" in line for line in lines)
    include = (project / "docs" / "generated" / "finding-nogil-threads-scale.md").read_text()
    assert '\n!!! failure "Contradicted by the data' in include  # after the 16-core line
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("execute: true", "execute: false"))
    page = project / "docs" / "claims.md"  # the page that always shows every finding
    page.write_text(page.read_text() + '\n--8<-- "docs/generated/finding-nogil-threads-scale.md"\n')
    result = mkdocs_hook.build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    html = (project / "site" / "claims" / "index.html").read_text()
    assert 'class="admonition failure"' in html
    assert "Contradicted by the data (Fixture CPU (not a measurement), 2 CPUs)" in html
    assert "<strong>contradicted</strong>" in html  # the status column of the claims table


def test_the_predicate_follows_the_data(data: Path) -> None:
    """Fork starting slower than a sub-interpreter contradicts the start-up finding."""
    file = data / "startup" / "20260101T000000Z_fixture-cpu_2cpu.json"
    before = [e for e in claims.evaluate(data, [findings.finding("startup-order")])]
    assert [e.verdict.status for e in before] == ["holds"]
    doc = json.loads(file.read_text())
    for run in doc["runs"]:
        for row in run["results"]:
            if (run["variant"], row["workload"], row["strategy"]) == (
                    "3.14", "start", "processes-fork"):
                row.update(median=0.5, values=[0.5], min=0.5, max=0.5)
    file.write_text(json.dumps(doc))
    (after,) = claims.evaluate(data, [findings.finding("startup-order")])
    assert after.verdict.status == "fails"
    assert "processes-fork 500 ms" in after.verdict.condition


def test_a_demo_without_data_is_no_data_and_says_how_to_measure(tmp_path: Path) -> None:
    evaluations = claims.evaluate(tmp_path)
    assert {e.verdict.status for e in evaluations} == {"no-data"}
    text = claims.render(findings.finding("memory-per-worker"), evaluations)
    assert "`invoke demo memory` produces one" in text


def test_runs_that_lack_what_a_finding_needs_are_not_called_missing() -> None:
    finding = findings.finding("cpu-parallel-strategies")
    [result] = [e.result for e in claims.evaluate(FIXTURES, [finding]) if e.result is not None]
    lacking = claims.Evaluation(finding, result, Verdict.no_data("needs fork rows"))
    text = claims.render(finding, [lacking])
    assert "do not hold what this claim needs yet (needs fork rows)" in text
    assert "committed yet" not in text


def test_every_finding_is_named_once_and_renders_its_numbers() -> None:
    names = [f.name for f in findings.FINDINGS]
    assert len(names) == len(set(names))
    for evaluation in claims.evaluate(FIXTURES):
        if evaluation.verdict.status == "holds":
            sentence = evaluation.finding.sentence(evaluation.verdict)
            assert "{" not in sentence, evaluation.finding.name


def test_each_finding_is_checked_by_the_function_named_after_it_in_its_demos_module() -> None:
    for finding in findings.FINDINGS:
        assert finding.check.__name__ == finding.name.replace("-", "_"), finding.name
        assert finding.check.__module__ == f"inparallel.analysis.demos.{finding.demo}"


def test_cited_figures_have_a_source_and_a_link(tmp_path: Path) -> None:
    entries = claims.cited()
    assert "whatsnew-314-overhead" in entries and "howto-314-overhead" in entries
    table = claims.cited_table(entries)
    assert table.count("](https://") == len(entries)
    broken = tmp_path / "cited.toml"
    broken.write_text('[x]\nquantity = "q"\nfigure = "f"\n')
    with pytest.raises(UserError, match="entry x lacks link, source"):
        claims.cited(broken)


def test_the_deck_shows_a_finding_with_working_links_and_its_mark() -> None:
    from inparallel.publish.slides import finding_for_slide

    text = ('- holds ([`a.json`](data/nogil/a.json))\n\n'
            '!!! failure "Contradicted by the data (M): finding x"\n\n'
            '    Sentence ([`b.json`](data/nogil/b.json))\n\n    Checked: cond.\n')
    slide = finding_for_slide(text)
    assert "](../data/nogil/a.json)" in slide  # the deck lives one folder below the site
    assert "> **Contradicted by the data (M): finding x**" in slide
    assert "> Checked: cond." in slide
    assert "!!!" not in slide


def test_the_deck_links_a_findings_runs_on_the_site_one_folder_up() -> None:
    from inparallel.publish.slides import finding_for_slide

    slide = finding_for_slide("- It holds. (M; [3 runs](runs.md#runs-nogil-m))\n")
    assert slide == "- It holds. (M; [3 runs](../runs/#runs-nogil-m))"


def test_where_a_finding_is_used_is_read_from_the_pages(tmp_path: Path) -> None:
    (tmp_path / "docs" / "generated").mkdir(parents=True)
    (tmp_path / "slides").mkdir()
    (tmp_path / "docs" / "page.md").write_text(
        '--8<-- "docs/generated/finding-startup-order.md"\n')
    (tmp_path / "docs" / "generated" / "claims-table.md").write_text("finding-io-waits-overlap.md")
    (tmp_path / "slides" / "talk.md").write_text(
        "<!-- include: docs/generated/finding-startup-order.md -->\n")
    assert claims.includes(tmp_path) == {"startup-order": ["docs/page.md", "slides/talk.md"]}
