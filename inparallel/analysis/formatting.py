"""How derived numbers are written in sentences and on charts: one rule per kind of number."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from inparallel.analysis.metrics import Estimate

TIMES = "\N{MULTIPLICATION SIGN}"  # spelled out: ruff flags the literal sign as ambiguous


def times(value: float) -> str:
    """``1.93`` and a multiplication sign: one decimal above 10, two below, as said aloud."""
    return f"{value:.1f}{TIMES}" if value >= 10 else f"{value:.2f}{TIMES}"


def percent(fraction: float) -> str:
    """A signed change: ``+20 %`` (slower), ``-3 %`` (faster)."""
    text = f"{fraction * 100:+.0f} %"
    return "+0 %" if text == "-0 %" else text  # a rounded zero has no direction


class Ranged(str):
    """A number as a sentence shows it, remembering the estimate it was written from, so that
    a finding can tell whether the numbers it states rest on precise points."""

    estimate: Estimate

    def __new__(cls, text: str, est: Estimate) -> Ranged:
        made = super().__new__(cls, text)
        made.estimate = est
        return made


def ranged(est: Estimate, fmt=times) -> Ranged:
    """``1.88x (1.80x to 1.95x)``, with the sign: the range only where it reads differently."""
    value, low, high = fmt(est.value), fmt(est.low), fmt(est.high)
    return Ranged(value if low == high else f"{value} ({low} to {high})", est)


def listed(parts: Iterable[tuple[str, Estimate]], show: Callable[[float], str] = times) -> Ranged:
    """``3.13t: 0.52x, 3.14t: 0.47x``, remembering every estimate's shortfall: a sentence that
    lists them has "not enough evidence" when any one of them falls short."""
    parts = list(parts)
    shortfall = tuple(dict.fromkeys(s for _, e in parts for s in e.shortfall))
    text = ", ".join(f"{label}: {show(e.value)}" for label, e in parts) or "none"
    return Ranged(text, Estimate(0.0, 0.0, 0.0, shortfall))
