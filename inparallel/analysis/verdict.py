"""What a finding is: a named claim bound to the data that supports it, and what its check says.

A ``Finding`` is a name, a sentence template, the demo whose aggregated data it reads and a
predicate over that data (``check``: holds, fails or no-data, with the numbers it used); each
demo's findings live in its module of ``inparallel.analysis.demos``, and
``inparallel.analysis.findings`` lists them all. A sentence says what the data support. If a
check fails on committed data, the sentence is wrong, not the data: ``invoke docs`` stops and
names the finding, the machine and the numbers. Predicates use the medians across runs; the
ranges are shown beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m

Status = Literal["holds", "fails", "no-evidence", "no-data"]


@dataclass(frozen=True)
class Verdict:
    """What a check found on one machine's data: its status, the numbers for the sentence, and
    the condition it tested written out with those numbers (shown when it fails)."""

    status: Status
    numbers: Mapping[str, str] = field(default_factory=dict)
    condition: str = ""
    shortfall: tuple[str, ...] = ()  # with "no-evidence": the points that fell short

    @classmethod
    def no_data(cls, why: str) -> Verdict:
        """The data needed are not in this machine's files."""
        return cls("no-data", {}, why)

    @classmethod
    def of(cls, ok: bool, numbers: Mapping[str, str], condition: str) -> Verdict:
        """``holds`` when ``ok``, else ``fails``; ``no-evidence`` when a number the sentence
        states rests on a point that misses the precision rule (``stats.PRECISION``) or on
        runs that do not count (noisy, disturbed): a claim needs converged evidence."""
        shortfall = tuple(dict.fromkeys(
            name for number in numbers.values() if isinstance(number, fmt.Ranged)
            for name in number.estimate.shortfall))
        if shortfall:
            return cls("no-evidence", dict(numbers), condition, shortfall)
        return cls("holds" if ok else "fails", dict(numbers), condition)


@dataclass(frozen=True)
class Finding:
    """A named claim: its sentence, its demo, its predicate."""

    name: str
    demo: str
    template: str
    check: Callable[[m.ResultLike], Verdict]

    def sentence(self, verdict: Verdict) -> str:
        """The sentence with this machine's numbers filled in."""
        return self.template.format(**verdict.numbers)
