"""The interval of a median: the one rule for every layer, kept in demos/intervals.py.

Records migrate old files with it, the pyperformance task summarises with it, and the analysis
aggregates with it; the demos store each point's interval with the very same function, which
the package loads from that file (``inparallel.demo_code``) rather than copying.
"""

from __future__ import annotations

from collections.abc import Callable

from inparallel.demo_code import load

_INTERVALS = load("intervals")

#: Below this many values an interval of the median says nothing useful.
MIN_VALUES_FOR_INTERVAL: int = _INTERVALS.MIN_VALUES_FOR_INTERVAL
#: ``median_ci(values, confidence=0.95)``: the order-statistic interval of the median of
#: ``values``, ``(low, high)``, or None below ``MIN_VALUES_FOR_INTERVAL`` values.
median_ci: Callable[..., tuple[float, float] | None] = _INTERVALS.median_ci
