"""The first harness's runs (schema 1), and when findings leave them out.

The first harness stored no machine fingerprint, no interference and no noise readings
(``records.load.migrate_v1`` fills the gaps with "unknown"). Its runs form a machine group of
their own (``Machine.key`` without a fingerprint) that reads like the machine measured since:
"AMD EPYC, 2 CPUs" beside "AMD EPYC, 2 CPUs, machine d5c7e4". Once a machine of the same CPU
model has been measured with fingerprints, a finding states what that machine's checked runs
say, and the first harness's group is left out of the findings (its charts stay on the results
page, under its own label).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _schema_and_machine(path: Path) -> tuple[Any, dict[str, Any]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None, {}  # the loader names a broken file; here it is simply no evidence
    machine = doc.get("machine") if isinstance(doc, dict) else None
    return doc.get("schema_version"), machine if isinstance(machine, dict) else {}


def only_first_harness(files: Iterable[Path]) -> bool:
    """True when every one of these data files was written by the first harness (schema 1)."""
    found = [_schema_and_machine(Path(p))[0] for p in files]
    return bool(found) and all(version == 1 for version in found)


def fingerprinted_models(data_dir: Path) -> set[str]:
    """The CPU models of ``data_dir`` measured at least once with a machine fingerprint."""
    models = set()
    for path in sorted(Path(data_dir).glob("*/*.json")):
        _, machine = _schema_and_machine(path)
        if machine.get("fingerprint") and isinstance(machine.get("cpu_model"), str):
            models.add(machine["cpu_model"])
    return models


def superseded(result: Any, models: set[str]) -> bool:
    """True for a machine group (``stats.MachineResult``) of first-harness runs only, whose CPU
    model a fingerprinted machine has measured since (``models``, from
    ``fingerprinted_models``): findings leave it out."""
    return (result.machine.fingerprint is None and result.machine.cpu_model in models
            and only_first_harness(result.files))
