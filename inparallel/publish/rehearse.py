"""`invoke rehearse`: run the deck's live demos in slide order, each timed against its slot.

The deck (slides/talk.md) is read as slides/README.md describes it: a slide is the text
between ``---`` lines; its speaker notes (HTML comments) carry one ``[m:ss]`` timing; a
live-demo slide has a notes line ``Live: `invoke demo NAME --stage``` and shows its fallback
chart with ``![](chart:NAME)``. For each such slide the rehearsal runs the command, checks that
the fallback chart exists and was drawn from the data now in data/ (through the chart
manifest docs/generated/charts.json), and prints a run sheet.

Only ``--stage`` commands are run, and stage runs are stored under build/stage-data/ (see
``measure.demo_runs``), so rehearsing never adds to data/.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inparallel.analysis.results import evidence_path
from inparallel.console import console
from inparallel.errors import UserError
from inparallel.measure import demo_options
from inparallel.paths import CHARTS_MANIFEST, DECK_CHARTS_DIR, GENERATED_DIR, REPO
from inparallel.publish.deck import Slide, parse, total_seconds
from inparallel.publish.slides import chart_path
from inparallel.records import load
from inparallel.units import clock

MANIFEST = (GENERATED_DIR / CHARTS_MANIFEST).relative_to(REPO)
# A stage run is sized to leave this much of its slot for talking over it.
MARGIN_S = 15


@dataclass(frozen=True)
class Outcome:
    """What running one command gave: its wall time and an error line, if it failed."""

    duration_s: float
    error: str | None = None


@dataclass(frozen=True)
class SheetRow:
    """One line of the run sheet, and the problems behind a failed status."""

    slide: Slide
    duration_s: float | None
    status: str  # "ok", "tight", "OVERRUN", "FAILED", "not run"
    problems: tuple[str, ...]

    @property
    def failed(self) -> bool:
        """Whether this slide makes the rehearsal fail."""
        return self.status in ("OVERRUN", "FAILED")


Runner = Callable[[list[str]], Outcome]


def stage_options(command: str) -> demo_options.DemoOptions:
    """The demo options of a ``Live:`` line; it must be ``invoke demo NAME ... --stage``."""
    words = shlex.split(command)
    if words[:2] != ["invoke", "demo"] or len(words) < 3:
        raise UserError(f"`{command}` is not an `invoke demo NAME --stage` command")
    options: dict[str, str | bool] = {"workers": "", "repeats": "", "quick": False, "stage": False}
    rest = iter(words[3:])
    for word in rest:
        key, _, value = word.removeprefix("--").partition("=")
        if key in ("quick", "stage") and not value:
            options[key] = True
        elif key in ("workers", "repeats"):
            options[key] = value or next(rest, "")
        else:
            raise UserError(f"`{command}`: unknown option {word!r}")
    if not options["stage"]:
        raise UserError(f"`{command}` lacks --stage: a full run does not fit a slot")
    return demo_options.parse(words[2], str(options["workers"]), str(options["repeats"]),
                              quick=bool(options["quick"]), stage=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def chart_problems(stem: str, root: Path) -> list[str]:
    """Why the fallback chart ``stem`` cannot be trusted on stage (empty when it can).

    It must exist, be listed in the chart manifest, and every data file it was drawn from
    must still be in the repository with the same SHA-256.
    """
    light = chart_path(stem, root / DECK_CHARTS_DIR.relative_to(REPO))
    if not light.exists():
        return [f"chart {stem}: {light.relative_to(root)} is missing (run: invoke charts)"]
    manifest = root / MANIFEST
    if not manifest.exists():
        return [f"chart {stem}: no manifest {MANIFEST}, so it cannot be checked against data/ "
                "(run: invoke charts)"]
    try:
        entry = json.loads(manifest.read_text()).get(stem)
    except (OSError, ValueError, AttributeError) as error:
        return [f"chart {stem}: {MANIFEST} is unreadable ({error}); run: invoke charts"]
    if not isinstance(entry, dict) or not entry.get("files"):
        return [f"chart {stem}: not in {MANIFEST} (run: invoke charts)"]
    problems = []
    seen = set(entry.get("seen", entry["files"]))
    for path in load.data_files(root / "data", str(entry.get("demo"))):
        name = evidence_path(path)
        if name not in seen:
            problems.append(f"chart {stem}: {name} was added after it was drawn "
                            "(run: invoke charts)")
    for name in entry["files"]:
        path = root / name
        if not path.exists():
            problems.append(f"chart {stem}: drawn from {name}, which is gone (run: invoke charts)")
        elif _sha256(path) != entry.get("sha256", {}).get(name):
            problems.append(f"chart {stem}: {name} changed since it was drawn (run: invoke charts)")
    return problems


def run_command(argv: list[str]) -> Outcome:
    """Run ``invoke ...`` as the speaker would, its output on this terminal; time it."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", *argv], cwd=REPO, check=False)
    duration = time.monotonic() - started
    error = f"exited with code {done.returncode}" if done.returncode else None
    return Outcome(duration, error)


def _status(slot_s: int | None, outcome: Outcome) -> str:
    if outcome.error:
        return "FAILED"
    if slot_s is not None and outcome.duration_s > slot_s:
        return "OVERRUN"
    if slot_s is not None and outcome.duration_s > slot_s - MARGIN_S:
        return "tight"
    return "ok"


def rehearse(slides: list[Slide], root: Path = REPO, runner: Runner = run_command,
             dry_run: bool = False) -> list[SheetRow]:
    """Check and (unless ``dry_run``) run every live-demo slide in order; one row each."""
    sheet = []
    for slide in slides:
        if slide.command is None:
            continue
        problems: list[str] = []
        if slide.seconds is None:
            problems.append("no [m:ss] timing in the notes")
        if not slide.charts:
            problems.append("no fallback ![](chart:NAME) on the slide")
        for stem in slide.charts:
            problems += chart_problems(stem, root)
        try:
            stage_options(slide.command)
        except UserError as error:  # never run a command that is not a stage run
            problems.append(str(error))
            sheet.append(SheetRow(slide, None, "FAILED", tuple(problems)))
            continue
        if dry_run:
            sheet.append(SheetRow(slide, None, "FAILED" if problems else "not run",
                                  tuple(problems)))
            continue
        console.rule(f"slide {slide.number}: {slide.command}")
        outcome = runner(shlex.split(slide.command))
        status = _status(slide.seconds, outcome)
        if outcome.error:
            problems.append(f"`{slide.command}` {outcome.error}")
        elif status == "OVERRUN":
            problems.append(f"`{slide.command}` overran its slot: shrink its stage size "
                            "or give the slide more time")
        if problems:
            status = "OVERRUN" if status == "OVERRUN" else "FAILED"
        sheet.append(SheetRow(slide, outcome.duration_s, status, tuple(problems)))
    return sheet


def sheet_lines(sheet: list[SheetRow], slides: list[Slide]) -> list[str]:
    """The run sheet as lines of at most 80 columns (problem lines may run longer)."""
    lines = [f"{'#':>2}  {'slide':<20}  {'slot':>5}  {'time':>5}  {'status':<7}  command"]
    for row in sheet:
        shown = row.slide.title.replace("`", "")
        title = shown if len(shown) <= 20 else shown[:19] + "…"
        lines.append(f"{row.slide.number:>2}  {title:<20}  {clock(row.slide.seconds):>5}  "
                     f"{clock(row.duration_s):>5}  {row.status:<7}  {row.slide.command}")
    total = total_seconds(slides)
    lines.append(f"{len(sheet)} live demos; the notes' timings add up to {clock(total)}")
    for row in sheet:
        lines += [f"slide {row.slide.number}: {problem}" for problem in row.problems]
    return lines


def stale_charts(deck: list[Slide], root: Path = REPO) -> list[str]:
    """The fallback charts of the live-demo slides that are missing or older than data/."""
    stems = dict.fromkeys(stem for slide in deck if slide.command for stem in slide.charts)
    return [stem for stem in stems if chart_problems(stem, root)]


def main(deck: Path, dry_run: bool = False, runner: Runner = run_command,
         root: Path = REPO, draw_charts: Callable[[], None] | None = None) -> list[SheetRow]:
    """Rehearse ``deck``: print the run sheet; raise a one-line UserError if a slide failed.

    ``draw_charts`` (the task passes ``invoke charts``) is called first when a fallback chart
    is missing or was drawn from other data, as on a fresh clone; the checks then run on
    what it drew.
    """
    path = deck if deck.is_absolute() else root / deck
    if not path.exists():
        raise UserError(f"no deck at {deck}; pass --deck PATH (default: slides/talk.md)", code=2)
    slides = parse(path.read_text(encoding="utf-8"))
    if draw_charts is not None and stale_charts(slides, root):
        draw_charts()
    sheet = rehearse(slides, root, runner, dry_run)
    if not sheet:
        raise UserError(f"{deck} has no live-demo slide (a notes line `Live: `invoke demo NAME "
                        "--stage``)")
    for line in sheet_lines(sheet, slides):
        console.print(line, soft_wrap=True, markup=False)
    failed = [row for row in sheet if row.failed]
    if failed:
        numbers = ", ".join(str(row.slide.number) for row in failed)
        raise UserError(f"rehearsal failed on slide {numbers}: see the run sheet above")
    return sheet
