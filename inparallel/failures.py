"""How a task ends on an expected failure: one line naming the fix, and an exit code.

Bad input, a missing extra, an unwritable folder or Ctrl-C are expected; a traceback is for
bugs only. ``INPARALLEL_DEBUG=1`` lets every exception through with its traceback.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from functools import wraps
from typing import Any

from invoke import Exit

from inparallel.errors import Terminated, UserError, sigterm_raises

# Modules of the optional extras in pyproject.toml: a missing one names the extra to install.
_EXTRAS = {"mkdocs": "docs", "material": "docs", "mkdocs_jupyter": "docs", "jupytext": "docs",
           "ipykernel": "docs", "playwright": "docs", "pytest": "test", "hypothesis": "test"}
DEBUG_ENV = "INPARALLEL_DEBUG"


def _one_line(error: BaseException) -> tuple[str, int] | None:
    """The one-line message and exit code of an expected failure; None for a bug."""
    if isinstance(error, UserError):
        return f"error: {error}", error.code
    if isinstance(error, Terminated):
        return "terminated; run the same command again to resume", 143
    if isinstance(error, KeyboardInterrupt):
        return "interrupted; run the same command again to resume", 130
    if isinstance(error, ModuleNotFoundError) and error.name:
        if error.name.startswith("inparallel"):
            return None  # a module of this package missing is a bug: keep its traceback
        extra = _EXTRAS.get(error.name.partition(".")[0])
        target = f".[{extra}]" if extra else "."
        what = f"the {extra} extra" if extra else "the project's dependencies"
        return (f"error: {error.name} is not installed; install {what}: "
                f".venv/bin/pip install -e '{target}'"), 1
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        fix = {errno.ENOSPC: "free some disk space", errno.EACCES: "fix its permissions",
               errno.EPERM: "fix its permissions", errno.EROFS: "use a writable folder"}
        return (f"error: cannot use{where}: {error.strerror or error} "
                f"({fix.get(error.errno, 'check the path')}, then run the same command again)"), 1
    return None


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """End an expected failure in one line and an exit code, without a traceback.

    SIGTERM ends it as Ctrl-C does: cleanup runs, then one line (exit 143).
    ``INPARALLEL_DEBUG=1`` lets the exception through, with its traceback, for a bug report.
    """

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with sigterm_raises():
                return func(*args, **kwargs)
        except (UserError, KeyboardInterrupt, ModuleNotFoundError, OSError) as error:
            message = _one_line(error)
            if message is None or os.environ.get(DEBUG_ENV) == "1":
                raise
            raise Exit(" ".join(message[0].split()), code=message[1]) from None

    return wrapper


