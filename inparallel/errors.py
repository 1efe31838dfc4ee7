"""The exceptions that tasks turn into a one-line error and an exit code, and SIGTERM as one."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class UserError(Exception):
    """Bad input or an unmet requirement: printed as one line that names the fix.

    `code` is the process exit status; 2 follows the convention for usage errors.
    """

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Terminated(KeyboardInterrupt):
    """SIGTERM received: raised like Ctrl-C, so that every ``finally`` and ``with`` cleans up
    (a stopped demo's cgroup, a half-built site) instead of the process dying on the spot."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into ``Terminated`` inside the block (main thread only: Python delivers
    signals there, and only there may a handler be set); the previous handler comes back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        # None: a handler set outside Python, which cannot be put back; the default is closest.
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
