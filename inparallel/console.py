"""Terminal output shared by the tasks: one rich console, stages with elapsed time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

console = Console(highlight=False)


def fmt_duration(seconds: float) -> str:
    """``42.1s`` or ``3m05s``: short enough for a progress line."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


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
        self._status.update(f"{self.title} [dim]{fmt_duration(self.elapsed)}[/]  [dim]{detail}[/]")


@contextmanager
def stage(title: str) -> Iterator[Stage]:
    """Run a block as a named stage: a spinner while it runs, a tick and its time after."""
    with console.status(title) as status:
        current = Stage(title, status)
        try:
            yield current
        except BaseException:
            console.print(f"[red]✗[/] {title} [dim]({fmt_duration(current.elapsed)})[/]")
            raise
    console.print(f"[green]✓[/] {title} [dim]({fmt_duration(current.elapsed)})[/]")
