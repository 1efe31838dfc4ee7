"""Variant names as sentences show them: the release candidate and the 3.12 found on the system
say what they are (``catalog.display`` is the rule; this reads what the data files report).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from inparallel.build import catalog

#: A variant name as a word (``3.15t``), not a number with a unit (``3.15 ms``, ``3.15x``).
VARIANT = re.compile(r"(?<![\w.])(\d+\.\d+t?)(?![\w.])(?!\s?(?:[%\u00d7]|(?:ms|µs|ns|s|B|KiB"
                     r"|MiB|GiB)\b))")


@cache
def _interpreters(path: Path) -> tuple[tuple[str, str, str], ...]:
    from inparallel.records.load import read  # records are read here only, when labelling

    return tuple((run.variant, run.interpreter.version, run.interpreter.origin)
                 for run in read(path).runs)


def measured(files: Iterable[Path]) -> dict[str, str]:
    """Each variant of these data files whose display differs from its name, mapped to its
    display (``{"3.15t": "3.15t (3.15.0rc2)", "3.12": "3.12 (3.12.1 from pyenv)"}``)."""
    labels: dict[str, str] = {}
    for path in files:
        for variant, version, origin in _interpreters(Path(path)):
            shown = catalog.display(variant, version, origin)
            if shown != variant:
                labels[variant] = shown
    return labels


def display_in(text: str, labels: Mapping[str, str]) -> str:
    """``text`` with every variant name in ``labels`` replaced by its display."""
    return VARIANT.sub(lambda m: labels.get(m.group(1), m.group(1)), text)
