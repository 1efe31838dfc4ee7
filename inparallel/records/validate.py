"""Whether a record document is valid: ``schema.json`` first, then the checks it cannot express.

JSON Schema says which fields exist and their types and ranges; it cannot say that a number is
finite, that the stored median is the median of the stored values, or that an interval contains
its median. ``problem`` checks both and names the first thing wrong, in one line.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from inparallel.records.model import MEASURED_UNITS, SCHEMA_VERSION, TIMING_UNITS

SCHEMA_FILE = "schema.json"
# Integers beyond a float's range cannot be compared as measurements (float() overflows).
_LARGEST = 2**1000
# What a timed value can physically be: no Python-level operation that a demo times takes
# less than a nanosecond (a few CPU cycles), and no demo's value takes a day.
SHORTEST_S = 1e-9
LONGEST_S = 86_400.0


@cache
def schema() -> dict:
    """The schema, read once from the package (``inparallel/records/schema.json``)."""
    text = files("inparallel.records").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema())


def _where(path: Any) -> str:
    """``runs[0].results[3].median`` from a jsonschema path."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "the record"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _describe(error: ValidationError) -> str:
    """One short line for a schema violation; the instance can be huge, so it is not quoted."""
    where = _where(error.absolute_path)
    kind, expected, found = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [repr(k) for k in expected if isinstance(found, dict) and k not in found]
        if len(missing) > 3:
            missing[3:] = [f"{len(missing) - 3} more"]
        return f"{where} lacks {', '.join(missing)}" if missing else f"{where}: {error.message}"
    if kind == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{where} is {_json_type(found)}, expected {wanted}"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"{where} is {found!r}, below the allowed minimum {expected!r}"
    if kind == "minItems":
        return f"{where} is empty"
    if kind == "const":
        return f"{where} is {found!r}, expected {expected!r}"
    if kind in ("oneOf", "anyOf"):
        inner = best_match(error.context) if error.context else None
        return _describe(inner) if inner is not None else f"{where} has the wrong shape"
    return f"{where}: {error.message}"


def _finite(value: Any, where: str) -> str | None:
    """A problem when ``value`` is a non-finite number (Python's json reads NaN and Infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{where} is {value!r}, not a finite number"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST:
        return f"{where} is a number too large to be a measurement"
    if isinstance(value, dict):
        for key, item in value.items():
            if (found := _finite(item, f"{where}.{key}")) is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            if (found := _finite(item, f"{where}[{i}]")) is not None:
                return found
    return None


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _row_problem(row: dict, where: str) -> str | None:
    """Checks within one result row: the summary agrees with the raw values."""
    values = row["values"]
    summary = {k: row[k] for k in ("median", "min", "max")}
    if not values:
        present = [k for k, v in summary.items() if v is not None]
        if present:
            return f"{where} has no values but a {present[0]}"
        if row["ci_low"] is not None or row["ci_high"] is not None:
            return f"{where} has no values but an interval"
        return None
    absent = [k for k, v in summary.items() if v is None]
    if absent:
        return f"{where} has values but no {absent[0]}"
    if row["unit"] in TIMING_UNITS and not all(SHORTEST_S <= v <= LONGEST_S for v in values):
        bad = next(v for v in values if not SHORTEST_S <= v <= LONGEST_S)
        return (f"{where} holds a time of {bad!r} s, outside what a measurement can take "
                f"({SHORTEST_S:g} s to {LONGEST_S:g} s)")
    ratios = row.get("paired_ratios") or []
    if ratios and len(ratios) > len(values):
        return f"{where} has more paired_ratios than values"
    if not _close(summary["min"], min(values)) or not _close(summary["max"], max(values)):
        return f"{where} min/max {summary['min']!r}/{summary['max']!r} do not match its values"
    if not _close(summary["median"], statistics.median(values)):
        return f"{where} median {summary['median']!r} is not the median of its values"
    faults = row.get("page_faults")
    if faults is not None and len(faults) != len(values):
        return f"{where} has {len(faults)} page_faults for {len(values)} values"
    raw, factors = row.get("raw_values"), row.get("speed_factors")
    if (raw is None) != (factors is None):
        return f"{where} has raw_values or speed_factors without the other"
    if raw is not None and not (len(raw) == len(factors) == len(values) and all(
            math.isclose(v, r * f, rel_tol=1e-6)
            for v, r, f in zip(values, raw, factors, strict=True))):
        return f"{where} values are not raw_values * speed_factors"
    low, high = row["ci_low"], row["ci_high"]
    if (low is None) != (high is None):
        return f"{where} has only one end of its interval"
    if low is not None:
        if len(values) < 3 or row["unit"] not in MEASURED_UNITS:
            return (f"{where} has an interval, but intervals are for times and rates of 3 or "
                    "more values")
        if not low <= summary["median"] <= high:
            return f"{where} interval {low!r}..{high!r} does not contain its median"
    return None


def _record_problem(doc: dict) -> str | None:
    """Checks across fields: dates in order, CPU counts that fit, rows consistent."""
    try:
        start, end = (datetime.fromisoformat(doc[k].replace("Z", "+00:00"))
                      for k in ("started_at", "finished_at"))
    except ValueError as error:
        return f"a timestamp is not a real date: {error}"
    if end < start:
        return "finished_at is before started_at"
    machine = doc["machine"]
    if machine["usable_cpus"] > machine["cpu_count"]:
        return (f"machine.usable_cpus {machine['usable_cpus']} exceeds "
                f"machine.cpu_count {machine['cpu_count']}")
    for i, run in enumerate(doc["runs"]):
        for j, row in enumerate(run["results"]):
            if (found := _row_problem(row, f"runs[{i}].results[{j}]")) is not None:
                return found
    return None


def name_problem(doc: dict, file_name: str) -> str | None:
    """Whether the file's name agrees with its content: ``<stamp>_<machine id>_<N>cpu``
    names the CPUs the run could use, and a reader trusts the name in listings."""
    match = re.search(r"_(\d+)cpu(?:_quick)?\.json$", file_name)
    usable = doc["machine"]["usable_cpus"]
    if match and int(match.group(1)) != usable:
        return (f"its name says {match.group(1)} CPUs but its machine.usable_cpus is "
                f"{usable}")
    return None


def problem(doc: Any) -> str | None:
    """The first thing that makes ``doc`` an invalid v2 record, in one line; None if valid."""
    if not isinstance(doc, dict):
        return f"the file holds {_json_type(doc)}, not a record object"
    version = doc.get("schema_version")
    if "schema_version" in doc and (version != SCHEMA_VERSION or isinstance(version, bool)):
        return f"schema_version is {version!r}, expected {SCHEMA_VERSION}"
    if (found := _finite(doc, "record")) is not None:
        return found.removeprefix("record.")
    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        return _describe(error)
    return _record_problem(doc)
