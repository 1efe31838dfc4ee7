"""The error every reader of ``data/`` raises for a file it refuses."""

from __future__ import annotations

from pathlib import Path

from inparallel.errors import UserError

# What a reader can do about a refused file, whatever its problem.
DEFAULT_FIX = "move it out of data/, or measure again with the command that made it"


def one_line(text: str, limit: int = 240) -> str:
    """``text`` on one line, shortened: messages quote file contents, which can be anything."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class InvalidRecord(UserError):
    """A file in ``data/`` that is not a valid record: ``<path>: <problem> (<fix>)``, one line.

    Nothing is drawn or published from such a file; the exit code is 1.
    """

    def __init__(self, path: Path | str, problem: str, fix: str = DEFAULT_FIX) -> None:
        self.path = Path(path)
        self.problem = one_line(problem)
        self.fix = one_line(fix)
        super().__init__(f"{self.path}: {self.problem} ({self.fix})")
