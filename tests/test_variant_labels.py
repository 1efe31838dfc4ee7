"""How sentences name variants: a release candidate and a 3.12 found on the system say what they
are (``catalog.display``, ``analysis.variant_labels``), and the first harness's runs of a
machine measured since are left out of the findings (``analysis.first_harness``)."""

from __future__ import annotations

import json

from record_samples import edited, put, record, run, v1

from inparallel.analysis import first_harness, variant_labels
from inparallel.build import catalog

TIMES = "\N{MULTIPLICATION SIGN}"


def test_a_release_candidate_and_a_found_interpreter_say_what_they_are() -> None:
    assert catalog.display("3.15t") == "3.15t (3.15.0rc2)"
    assert catalog.display("3.15", "3.15.0rc2", "built") == "3.15 (3.15.0rc2)"
    assert catalog.display("3.12", "3.12.1", "pyenv") == "3.12 (3.12.1 from pyenv)"
    assert catalog.display("3.12", "3.12.3", "path") == "3.12 (3.12.3 from PATH)"
    assert catalog.display("3.14t") == "3.14t"
    assert catalog.display("3.14", "3.14.7", "built") == "3.14"


def test_variant_names_are_replaced_but_not_numbers_with_units() -> None:
    labels = {"3.12": "3.12 (3.12.1 from pyenv)", "3.15t": "3.15t (3.15.0rc2)", "3.15": "x"}
    text = f"3.12 0.98{TIMES}, 3.15t +20 %; 3.15t PYTHON_GIL=1 +15 %; took 3.15 ms or 3.15{TIMES}"
    assert variant_labels.display_in(text, labels) == (
        f"3.12 (3.12.1 from pyenv) 0.98{TIMES}, 3.15t (3.15.0rc2) +20 %; "
        f"3.15t (3.15.0rc2) PYTHON_GIL=1 +15 %; took 3.15 ms or 3.15{TIMES}")


def test_the_labels_come_from_what_the_interpreters_reported(tmp_path) -> None:
    doc = record(runs=[run("3.12", version="3.12.1"), run("3.14t", version="3.14.7"),
                       run("3.15t", version="3.15.0rc2")])
    doc = edited(doc, ("runs", 0, "interpreter", "origin"), "pyenv")
    labels = variant_labels.measured([put(tmp_path, doc)])
    assert labels == {"3.12": "3.12 (3.12.1 from pyenv)", "3.15t": "3.15t (3.15.0rc2)"}


class _Result:
    def __init__(self, machine, files) -> None:
        self.machine, self.files = machine, files


def test_first_harness_runs_are_left_out_once_the_machine_kind_has_fingerprints(tmp_path) -> None:
    from inparallel.records.load import read

    old = put(tmp_path, v1(record()), "20261125T000000Z_fake-cpu_2cpu.json")
    result = _Result(read(old).machine, [old])
    assert first_harness.only_first_harness([old])
    assert not first_harness.superseded(result, first_harness.fingerprinted_models(tmp_path))
    new = edited(record(started="2026-12-05T05:00:00Z"), ("machine", "fingerprint"), "d5c7e4aa0b1c")
    put(tmp_path, new, "20261205T050000Z_fake-cpu_2cpu.json")
    models = first_harness.fingerprinted_models(tmp_path)
    assert models == {json.loads(old.read_text())["machine"]["cpu_model"]}
    assert first_harness.superseded(result, models)


def test_the_packages_matrix_names_its_columns_by_the_same_rule(tmp_path) -> None:
    from record_samples import row

    from inparallel.publish import packages_page

    install = row(workload="install", strategy="pip", unit="bool", values=[1.0],
                  params={"package": "alpha", "version": "1.0"})
    doc = record("packages", runs=[run("3.14", [install], version="3.14.7"),
                                   run("3.15t", [install], version="3.15.0rc2")])
    put(tmp_path, doc)
    header = next(line for line in packages_page.matrix(tmp_path).splitlines()
                  if line.startswith("| Package |"))
    assert header == "| Package | 3.14 | 3.15t (3.15.0rc2) |"
