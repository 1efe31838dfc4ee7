"""`invoke rehearse` on a tiny deck in a temporary repository, with a fake demo runner.

The runner is replaced by one that reports a fixed duration: these tests check the slot
arithmetic, the chart checks and the run sheet, never real timings.
"""

import hashlib
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from inparallel.errors import UserError
from inparallel.publish import rehearse
from inparallel.publish.rehearse import Outcome

DECK = """\
---
marp: true
---

# Title slide

<!--
[0:30] Welcome.
-->

---

## Fast demo

![](chart:fast)

<!--
[1:00] Run it.
Live: `invoke demo cpu --stage`
-->

---

## Code with a rule inside a fence

```text
---
```

<!--
[0:45] Not a demo.
-->

---

## Slow demo

![](chart:slow)

<!--
[0:45] Run it too.
Live: `invoke demo transfer --stage`
-->
"""

# What each fake run reports, by demo: cpu fits its 60 s slot, transfer overruns its 45 s.
DURATIONS = {"cpu": 31.0, "transfer": 52.0}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the deck, both fallback charts, their data and a matching manifest."""
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides/talk.md").write_text(DECK)
    charts = tmp_path / "docs/assets/charts/deck"
    charts.mkdir(parents=True)
    manifest = {}
    for stem, demo in (("fast", "cpu"), ("slow", "transfer")):
        (charts / f"{stem}-light.svg").write_text("<svg/>")
        data = tmp_path / "data" / demo / "20261127T000000Z_m_2cpu.json"
        data.parent.mkdir(parents=True)
        data.write_text(json.dumps({"demo": demo}))
        name = str(data.relative_to(tmp_path))
        manifest[stem] = {"demo": demo, "files": [name], "seen": [name],
                          "sha256": {name: hashlib.sha256(data.read_bytes()).hexdigest()}}
    (tmp_path / "docs/generated").mkdir()
    (tmp_path / "docs/generated/charts.json").write_text(json.dumps(manifest))
    return tmp_path


class FakeRunner:
    """Records the commands run and reports each demo's fixed duration."""

    def __init__(self, errors: dict[str, str] | None = None) -> None:
        self.ran: list[list[str]] = []
        self.errors = errors or {}

    def __call__(self, argv: list[str]) -> Outcome:
        self.ran.append(argv)
        return Outcome(DURATIONS[argv[2]], self.errors.get(argv[2]))


def test_the_deck_is_split_into_slides_with_their_slots_commands_and_charts():
    slides = rehearse.parse(DECK)
    assert [s.title for s in slides] == [
        "Title slide", "Fast demo", "Code with a rule inside a fence", "Slow demo"]
    assert [s.seconds for s in slides] == [30, 60, 45, 45]
    assert [s.command for s in slides] == [
        None, "invoke demo cpu --stage", None, "invoke demo transfer --stage"]
    assert slides[1].charts == ("fast",)


def test_demos_run_in_slide_order_and_an_overrun_fails_the_rehearsal(repo):
    runner = FakeRunner()
    with pytest.raises(UserError, match="rehearsal failed on slide 4"):
        rehearse.main(Path("slides/talk.md"), runner=runner, root=repo)
    assert runner.ran == [["invoke", "demo", "cpu", "--stage"],
                          ["invoke", "demo", "transfer", "--stage"]]


def test_the_sheet_marks_the_demo_that_fits_ok_and_the_one_that_overruns(repo):
    slides = rehearse.parse(DECK)
    sheet = rehearse.rehearse(slides, repo, FakeRunner())
    assert [(row.slide.number, row.status) for row in sheet] == [(2, "ok"), (4, "OVERRUN")]
    assert not sheet[0].failed and sheet[1].failed
    assert sheet[0].duration_s == 31.0
    assert "overran its slot" in sheet[1].problems[0]


def test_a_demo_that_fits_but_leaves_no_margin_is_tight_not_failed(repo):
    DURATIONS["cpu"] = 50.0  # within 60 s, but less than 15 s left to talk
    try:
        sheet = rehearse.rehearse(rehearse.parse(DECK), repo, FakeRunner())
    finally:
        DURATIONS["cpu"] = 31.0
    assert sheet[0].status == "tight" and not sheet[0].failed


def test_a_failing_demo_fails_the_rehearsal(repo):
    sheet = rehearse.rehearse(rehearse.parse(DECK), repo,
                              FakeRunner(errors={"cpu": "exited with code 1"}))
    assert sheet[0].status == "FAILED"
    assert "exited with code 1" in sheet[0].problems[0]


def test_a_chart_whose_data_changed_is_stale(repo):
    (repo / "data/cpu/20261127T000000Z_m_2cpu.json").write_text("{}")
    sheet = rehearse.rehearse(rehearse.parse(DECK), repo, FakeRunner())
    assert sheet[0].status == "FAILED"
    assert sheet[0].problems == (
        "chart fast: data/cpu/20261127T000000Z_m_2cpu.json changed since it was drawn "
        "(run: invoke charts)",)


def test_a_chart_drawn_before_a_new_run_of_its_demo_is_stale(repo):
    (repo / "data/cpu/20261128T000000Z_m_2cpu.json").write_text("{}")
    (repo / "data/cpu/20261129T000000Z_m_2cpu_quick.json").write_text("{}")  # never charted
    sheet = rehearse.rehearse(rehearse.parse(DECK), repo, FakeRunner())
    assert sheet[0].status == "FAILED"
    assert sheet[0].problems == (
        "chart fast: data/cpu/20261128T000000Z_m_2cpu.json was added after it was drawn "
        "(run: invoke charts)",)


def test_a_missing_chart_and_a_missing_manifest_are_failed_checks(repo):
    (repo / "docs/assets/charts/deck/slow-light.svg").unlink()
    (repo / "docs/generated/charts.json").unlink()
    assert rehearse.chart_problems("slow", repo) == [
        "chart slow: docs/assets/charts/deck/slow-light.svg is missing (run: invoke charts)"]
    assert rehearse.chart_problems("fast", repo) == [
        "chart fast: no manifest docs/generated/charts.json, so it cannot be checked against "
        "data/ (run: invoke charts)"]


def test_a_live_line_that_is_not_a_stage_run_is_refused_without_running(repo):
    deck = DECK.replace("invoke demo cpu --stage", "invoke demo cpu")
    runner = FakeRunner()
    sheet = rehearse.rehearse(rehearse.parse(deck), repo, runner)
    assert sheet[0].status == "FAILED" and "lacks --stage" in sheet[0].problems[0]
    assert runner.ran == [["invoke", "demo", "transfer", "--stage"]]


def test_a_dry_run_checks_everything_and_runs_nothing(repo):
    runner = FakeRunner()
    sheet = rehearse.main(Path("slides/talk.md"), dry_run=True, runner=runner, root=repo)
    assert runner.ran == []
    assert [row.status for row in sheet] == ["not run", "not run"]


def test_the_run_sheet_fits_80_columns_when_piped(repo):
    slides = rehearse.parse(DECK.replace("Fast demo", "A very long slide title " * 3))
    sheet = rehearse.rehearse(slides, repo, FakeRunner())
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=False)
    for line in rehearse.sheet_lines(sheet, slides)[:-1]:
        console.print(line, soft_wrap=True, markup=False)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["#", "slide", "slot", "time", "status", "command"]
    assert lines[1] == (" 2  A very long slide t…   1:00   0:31  ok       "
                        "invoke demo cpu --stage")
    assert all(len(line) <= 80 for line in lines[:3])
    assert lines[2].split()[:6] == ["4", "Slow", "demo", "0:45", "0:52", "OVERRUN"]
    assert lines[3] == "2 live demos; the notes' timings add up to 3:00"
