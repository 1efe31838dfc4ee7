"""Terminal output shared by the tasks: one rich console, stages with elapsed time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from inparallel import units

console = Console(highlight=False)


class Stage:
    """A running stage whose spinner line can show the latest detail (a log line, bytes)."""

    def __init__(self, title: str, status) -> None:
        self.title = title
        self.started = time.monotonic()
        self._status = status

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def update(self, detail: str) -> None:
        """Show ``detail`` beside the stage name and its elapsed time."""
        detail = detail.strip().replace("[", r"\[")[:90]
        self._status.update(
            f"{self.title} [dim]{units.elapsed(self.elapsed)}[/]  [dim]{detail}[/]")


@contextmanager
def stage(title: str) -> Iterator[Stage]:
    """Run a block as a named stage: a spinner while it runs, a tick and its time after."""
    with console.status(title) as status:
        current = Stage(title, status)
        try:
            yield current
        except BaseException:
            console.print(f"[red]✗[/] {title} [dim]({units.elapsed(current.elapsed)})[/]")
            raise
    console.print(f"[green]✓[/] {title} [dim]({units.elapsed(current.elapsed)})[/]")
