"""Durations and byte counts as every layer writes them: the live rows, the sentences, the
charts, the progress lines and the deck's timings.

Below the layers (measure, records, analysis, publish all use it), so that no layer reaches up
to another for a formatter; ``inparallel.analysis.formatting`` adds the rules for derived
numbers (speedups, changes, ranges).
"""

from __future__ import annotations


def seconds(value: float) -> str:
    """A duration in the unit that keeps it between 1 and 1000: ``4.46 ms``."""
    for unit, scale in (("s", 1.0), ("ms", 1e3), ("µs", 1e6)):
        if value * scale >= 1:
            return f"{value * scale:.3g} {unit}"
    return f"{value * 1e9:.3g} ns"


def elapsed(value: float) -> str:
    """A wall time as a progress line shows it: ``42.1s`` or ``3m05s``."""
    if value < 60:
        return f"{value:.1f}s"
    minutes, secs = divmod(int(value), 60)
    return f"{minutes}m{secs:02d}s"


def clock(value: float | None) -> str:
    """A talk's timing as the speaker notes write it: ``90`` as ``1:30``; an em dash for none."""
    if value is None:
        return "\N{EM DASH}"
    minutes, secs = divmod(round(value), 60)
    return f"{minutes}:{secs:02d}"


def size(value: float) -> str:
    """A byte count in ``64 MiB`` style (binary multiples, as the demos measure them)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
