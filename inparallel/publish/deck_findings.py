"""A finding in two forms for the deck: one short sentence with one number under its chart,
and the full generated sentence (interval, machine, evidence) in the slide's notes.

The slide writes ``<!-- include: docs/generated/finding-NAME.md short -->``. Both forms come
from the same ``Verdict`` of the same machine (the first that measured it, as the site lists
them and the chart shows): the short one from a template of ``SHORT`` with the numbers'
point values, the full one as ``claims.render`` writes it for the site. Nothing is typed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from inparallel.analysis import findings as f
from inparallel.analysis import formatting as fmt
from inparallel.analysis.verdict import Finding, Verdict
from inparallel.errors import UserError
from inparallel.publish import claims, escape

#: The slide form of each finding the deck shows in short: one measured number, no interval.
SHORT: dict[str, str] = {
    "nogil-threads-scale": "Threads without the GIL ({free}) did {free_x} the work of one "
                           "thread.",
    "cpu-parallel-strategies": "Threads with the GIL ({gil}) stayed at {threads_x} "
                               "sequential's throughput.",
    "cpu-threads-scale-both": "Free-threaded threads on object-heavy work: {objects_x} "
                              "sequential's throughput.",
    "startup-order": "Starting one sub-interpreter on {gil} took {sub}.",
    "transfer-cost-grows": "Sending {large} to a process and back took {pickle_large}.",
    "memory-per-worker": "Each idle spawned process added {spawn} on {gil}.",
    "ft-single-thread-cost": "One thread on {free} took {mean} time against {gil} "
                             "(pyperformance, geometric mean).",
    "ft-cost-fell": "The free-threaded build's single-thread cost fell on {k} of {n} workloads "
                    "from 3.13t to 3.14t.",
    "contention-shared-slower": "One shared counter took {ratio} as long as per-thread "
                                "counters on {free}.",
    "service-multicore-scales": "The busiest server strategy kept {best_cores} cores busy with "
                                "Python work.",
    "packages-gil-stays-off": "On {free}, {k} of {n} packages kept the GIL off.",
    "packages-subinterpreters": "On {gil}, {k} of {n} packages loaded in a sub-interpreter.",
    "surprise-pool-constant": "Compiled from source, the pool ran at {counted_compiled} "
                              "sequential's throughput; from bytecode, at {counted_bytecode}.",
    "surprise-subinterp-calls": "One entry per call: {free_calls} per call free-threaded, "
                                "{dearer} the GIL build's.",
}

_MARKS = {"no-evidence": " *(not enough evidence yet)*",
          "fails": " **(contradicted by the data: see the notes)**"}
_LINK_RE = re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Forms:
    """What the deck shows of one finding: on the slide, and in the notes."""

    short: str
    full: str


def point(number: str) -> str:
    """A number as the slide says it: ``1.94x`` of ``1.94x (1.91x to 1.97x)``."""
    return number.partition(" (")[0] if isinstance(number, fmt.Ranged) else number


def short_sentence(finding: Finding, verdict: Verdict) -> str:
    """The slide form of ``finding`` with this verdict's numbers (escaped, point values)."""
    template = SHORT.get(finding.name)
    if template is None:
        raise UserError(f"the deck shows finding {finding.name} in short, but "
                        f"inparallel/publish/deck_findings.py has no SHORT form for it")
    numbers: Mapping[str, str] = {k: escape.text(point(v)) for k, v in verdict.numbers.items()}
    return template.format(**numbers) + _MARKS.get(verdict.status, "")


def plain(markdown: str) -> str:
    """Generated Markdown as notes text (the presenter view shows notes as plain text):
    links as their text (a finding's runs: ``2 runs``), references to characters as
    characters, one line."""
    text = _LINK_RE.sub(lambda m: m["text"], markdown)
    # Emphasis marks go; an asterisk from data/ is still ``&#42;`` here and stays.
    text = text.replace("!!! failure ", "").replace("*", "")
    text = html.unescape(" ".join(text.replace("`", "").split()))
    return text.replace("-->", "\N{RIGHTWARDS ARROW}")  # a note is an HTML comment


def forms(names: Iterable[str], data_dir: Path) -> dict[str, Forms]:
    """The two forms of each finding called in ``names``, from the data in ``data_dir``."""
    known = {finding.name: finding for finding in f.FINDINGS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UserError(f"the deck includes unknown finding(s): {', '.join(unknown)}")
    wanted = [known[name] for name in dict.fromkeys(names)]
    evaluations = claims.evaluate(data_dir, wanted)
    out = {}
    for finding in wanted:
        mine = [e for e in evaluations if e.finding is finding and e.verdict.status != "no-data"]
        if not mine:
            text = claims.render(finding, evaluations)
            out[finding.name] = Forms(text.strip(), plain(text))
            continue
        first = mine[0]
        short = short_sentence(finding, first.verdict)
        out[finding.name] = Forms(short, plain(claims.render(finding, [first])))
    return out
