"""The packages demo, on a local fixture package, and the checks made before it runs.

The fixture is the repository's own test extension (demos/ext/tinyext.c) compiled with the
interpreter under test and zipped into wheels: one that declares free-threading and
sub-interpreter support, one that declares neither. pip installs them from a local folder
with the package index switched off, so none of this depends on the network.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from inparallel.build import catalog
from inparallel.build.discovery import locate
from inparallel.errors import UserError
from inparallel.measure import packages
from inparallel.paths import DEMOS

FIXTURE_LIST = """
[packages.tinyfix-declared]
version = "1.0"
module = "tinyfix_declared"
call = "tinyfix_declared.answer()"
expect = 42

[packages.tinyfix-undeclared]
version = "1.0"
module = "tinyfix_undeclared"
call = "tinyfix_undeclared.answer()"
expect = 42

[packages.tinyfix-absent]
version = "1.0"
module = "tinyfix_absent"
call = "0"
expect = 0
"""

# Everything pip would otherwise read from this machine's configuration (extra indexes,
# find-links folders) is switched off: only the fixture folder is offered.
def offline_pip_env(wheels: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def write_wheel(folder: Path, name: str, version: str, tag: str,
                files: dict[str, bytes]) -> Path:
    """A minimal valid wheel (METADATA, WHEEL, RECORD) holding ``files``."""
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    contents = dict(files)
    contents[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {name}\n"
                                    f"Version: {version}\n").encode()
    contents[f"{info}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: "
                                 f"false\nTag: {tag}\n").encode()
    record = []
    for path, data in contents.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    contents[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = folder / f"{dist}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in contents.items():
            archive.writestr(member, data)
    return path


_ABOUT = """
import json, sys, sysconfig
print(json.dumps({
    "cc": sysconfig.get_config_var("CC") or "cc",
    "suffix": sysconfig.get_config_var("EXT_SUFFIX"),
    "include": sysconfig.get_paths()["include"],
    "platinclude": sysconfig.get_paths()["platinclude"],
    "tag": "cp{0}{1}-cp{0}{1}{2}-{3}".format(sys.version_info[0], sys.version_info[1],
        "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "",
        sysconfig.get_platform().replace("-", "_").replace(".", "_")),
}))
"""


def fixture_wheels(python: Path, folder: Path) -> Path:
    """Compile tinyext.c for ``python`` twice (declared / undeclared) and wrap each in a wheel."""
    about = json.loads(subprocess.run([str(python), "-c", _ABOUT], capture_output=True,
                                      text=True, check=True).stdout)
    wheels = folder / "wheels"
    wheels.mkdir()
    for name, flags in (("tinyfix_declared", ["-DDECLARE_NOGIL", "-DDECLARE_SUBINTERP"]),
                        ("tinyfix_undeclared", [])):
        built = folder / (name + about["suffix"])
        subprocess.run([*shlex.split(about["cc"]), "-shared", "-fPIC", "-O1",
                        f"-I{about['include']}", f"-I{about['platinclude']}",
                        f"-DMODULE={name}", *flags, str(DEMOS / "ext" / "tinyext.c"),
                        "-o", str(built)], check=True, capture_output=True)
        write_wheel(wheels, name.replace("_", "-"), "1.0", about["tag"],
                    {built.name: built.read_bytes()})
    return wheels


# --- the checks before a run: no interpreter build needed --------------------------------------


@pytest.fixture
def fixture_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "packages.toml"
    path.write_text(FIXTURE_LIST, encoding="utf-8")
    monkeypatch.setenv(packages.LIST_ENV, str(path))
    return path


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A find-links folder with one pure wheel, and pip told to use nothing else."""
    wheels = tmp_path / "index"
    wheels.mkdir()
    write_wheel(wheels, "tinyfix-declared", "1.0", "py3-none-any",
                {"tinyfix_declared.py": b"def answer():\n    return 42\n"})
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    for key, value in offline_pip_env(wheels).items():
        if key.startswith("PIP_"):
            monkeypatch.setenv(key, value)
    return wheels


def one_package(name: str, version: str) -> list[packages.Package]:
    return [packages.Package(name, version, name.replace("-", "_"), "0", 0)]


def test_the_pinned_list_is_well_formed_and_long_enough():
    found = packages.load(packages.LIST)
    assert len(found) >= 25
    assert len({p.name for p in found}) == len(found)
    for package in found:
        assert package.version[0].isdigit() and "*" not in package.version, package
        compile(package.call, package.name, "eval")  # a typo fails here, not in the run
        if package.setup:
            compile(package.setup, package.name, "exec")


def test_the_index_check_passes_for_a_version_the_index_has(local_index):
    packages.check_index(one_package("tinyfix-declared", "1.0"))


def test_an_unknown_package_is_one_line_naming_it(local_index):
    with pytest.raises(UserError) as caught:
        packages.check_index(one_package("tinyfix-no-such-package", "1.0"))
    message = str(caught.value)
    assert "no package 'tinyfix-no-such-package'" in message and "\n" not in message


def test_a_version_that_does_not_exist_is_one_line_naming_it(local_index):
    with pytest.raises(UserError) as caught:
        packages.check_index(one_package("tinyfix-declared", "9.9"))
    message = str(caught.value)
    assert "has no version 9.9" in message and "newest: 1.0" in message
    assert "\n" not in message


def test_an_unreachable_index_is_one_line_and_stores_nothing(monkeypatch, data_dir):
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    # Port 9 (discard) on this machine: nothing listens, the connection is refused at once.
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    from inparallel.measure import demo_options, demo_runs

    with pytest.raises(UserError) as caught:
        demo_runs.run(demo_options.parse("packages", quick=True))
    message = str(caught.value)
    assert message.startswith("cannot reach the package index") and "\n" not in message
    assert not list(data_dir.rglob("*.json"))


def test_a_malformed_list_names_the_entry(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[packages.numpy]\nversion = "2.*"\nmodule = "numpy"\ncall = "1"\n'
                    "expect = 1\n")
    with pytest.raises(UserError, match=r"\[packages.numpy\] version '2.\*' is not an exact"):
        packages.load(path)
    path.write_text('[packages.numpy]\nversion = "2.0"\n')
    with pytest.raises(UserError, match=r"lacks module, call, expect"):
        packages.load(path)


# --- the measurement, on the fixture: needs built interpreters ---------------------------------


def _interpreter(name: str) -> Path:
    found = locate(catalog.load()[name])
    if found.status == "missing" or found.executable is None:
        pytest.skip(f"{name} is not built here (invoke build {name})")
    return found.executable


def run_fixture(variant: str, tmp_path: Path, fixture_list: Path) -> list[dict]:
    python = _interpreter(variant)
    wheels = fixture_wheels(python, tmp_path)
    env = offline_pip_env(wheels)
    env.update(PYTHONPATH=str(DEMOS), **{packages.LIST_ENV: str(fixture_list)})
    done = subprocess.run([str(python), str(DEMOS / "packages.py"), "--json", "--quick",
                           "--workers", "1,2", "--build-cap", "20"],
                          capture_output=True, text=True, env=env, cwd=DEMOS, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    return [line for line in lines if line.get("type") == "row"]


def rows_of(rows: list[dict], package: str, workload: str) -> list[dict]:
    return [r for r in rows if r["params"].get("package") == package
            and r["workload"] == workload]


@pytest.mark.build
def test_free_threaded_build_tells_the_declared_from_the_undeclared(tmp_path, fixture_list):
    rows = run_fixture("3.14t", tmp_path, fixture_list)
    for name in ("tinyfix-declared", "tinyfix-undeclared"):
        [install] = rows_of(rows, name, "install")
        assert install["strategy"] == "wheel" and install["values"] == [1], install
        assert install["params"]["file"].endswith("cp314-cp314t-linux_x86_64.whl")
        [imported] = rows_of(rows, name, "import")
        assert imported["values"] == [1] and imported["correct"] is True, imported
    [gil] = rows_of(rows, "tinyfix-declared", "gil-after-import")
    assert gil["values"] == [0] and gil["correct"] is True and gil["params"]["warning"] is None
    [gil] = rows_of(rows, "tinyfix-undeclared", "gil-after-import")
    assert gil["values"] == [1] and gil["correct"] is True
    assert "GIL" in gil["params"]["warning"] and "tinyfix_undeclared" in gil["params"]["warning"]
    [sub] = rows_of(rows, "tinyfix-declared", "subinterpreter-import")
    assert sub["values"] == [1] and sub["params"]["message"] is None
    [sub] = rows_of(rows, "tinyfix-undeclared", "subinterpreter-import")
    assert sub["values"] == [0]
    assert sub["params"]["message"] == ("ImportError: module tinyfix_undeclared does not "
                                        "support loading in subinterpreters")
    for name in ("tinyfix-declared", "tinyfix-undeclared"):
        calls = rows_of(rows, name, "call")
        assert [r["workers"] for r in calls] == [1, 2]
        assert all(r["correct"] is True and r["values"] and r["error"] is None for r in calls)
    # The GIL came back for the undeclared one only, and the call rows say so.
    assert {r["params"]["gil_after"] for r in rows_of(rows, "tinyfix-declared", "call")} == {False}
    assert {r["params"]["gil_after"] for r in rows_of(rows, "tinyfix-undeclared", "call")} == {True}


@pytest.mark.build
def test_a_package_without_a_wheel_or_source_fails_with_its_reason(tmp_path, fixture_list):
    rows = run_fixture("3.14", tmp_path, fixture_list)
    [install] = rows_of(rows, "tinyfix-absent", "install")
    assert install["strategy"] == "failed" and install["values"] == [0]
    assert "tinyfix-absent==1.0" in install["params"]["reason"]
    for workload in ("import", "gil-after-import", "subinterpreter-import"):
        [row] = rows_of(rows, "tinyfix-absent", workload)
        assert row["available"] is False and row["reason"].startswith("not installed:"), row
    # A GIL build: no GIL question and no thread timings, but the sub-interpreter verdicts.
    [gil] = rows_of(rows, "tinyfix-declared", "gil-after-import")
    assert gil["available"] is False and gil["reason"].startswith("not applicable")
    assert not rows_of(rows, "tinyfix-declared", "call")
    assert rows_of(rows, "tinyfix-declared", "subinterpreter-import")[0]["values"] == [1]
    assert rows_of(rows, "tinyfix-undeclared", "subinterpreter-import")[0]["values"] == [0]


# --- the page and the findings, on a synthetic record (made-up values, not measurements) --------


def synthetic_packages(folder: Path, warned: bool = True) -> Path:
    """A packages record: 'alpha' declares everything; 'beta' brings the GIL back and refuses
    sub-interpreters; 'gamma' does not install."""
    from record_samples import put, record, row, run

    def check(workload: str, strategy: str, name: str, value: int, **params: Any) -> dict:
        return row(workload, strategy, 1, [value], unit="bool", correct=None,
                   params={"package": name, "version": "1.0", **params})

    def common(name: str, sub_message: str | None) -> list[dict]:
        return [check("install", "wheel", name, 1, file=f"{name}-1.0.whl", reason=None),
                check("import", "fresh-process", name, 1, error=None, warning=None),
                check("subinterpreter-import", "subinterpreters", name,
                      0 if sub_message else 1, message=sub_message)]

    refusal = "ImportError: module beta does not support loading in subinterpreters"
    absent = [check("install", "failed", "gamma", 0, file=None, reason="needs Rust")]
    gil_rows = [check("gil-after-import", "wheel", "alpha", 0, warning=None),
                check("gil-after-import", "wheel", "beta", 1,
                      warning="RuntimeWarning: The global interpreter lock (GIL) has been "
                              "enabled to load module 'beta'" if warned else None)]
    calls = [row("call", "threads", n, [1.0, 1.0, 1.0], params={"package": "alpha",
             "work_per_thread": 8}) for n in (1, 2)]
    doc = record("packages", runs=[
        run("3.14", common("alpha", None) + common("beta", refusal) + absent),
        run("3.14t", common("alpha", None) + common("beta", refusal) + absent + gil_rows
            + calls)])
    return put(folder, doc)


def test_the_matrix_marks_each_check_and_links_its_row(data_dir):
    from inparallel.analysis.formatting import times
    from inparallel.publish import packages_page

    path = synthetic_packages(data_dir)
    text = packages_page.matrix(data_dir)
    link = f"data/packages/{path.name}#/runs/1/results/"
    beta = next(line for line in text.splitlines() if line.startswith("| **beta**"))
    # The warning is the link's title, escaped like every string from data/ (quotes too).
    assert f"[GIL on]({link}" in beta
    assert "has been enabled to load module &#39;beta&#39;" in beta
    assert "[sub ✗](data/packages/" in beta and "does not support loading" in beta
    alpha = next(line for line in text.splitlines() if line.startswith("| **alpha**"))
    assert "[GIL off]" in alpha and "[sub ✓]" in alpha and f"[2 threads {times(2)}]" in alpha
    gamma = next(line for line in text.splitlines() if line.startswith("| **gamma**"))
    assert "✗ no install" in gamma and '"needs Rust"' in gamma and "GIL" not in gamma
    assert '<div class="package-matrix" markdown>' in text


def test_the_findings_count_packages_and_hold_only_with_the_evidence(data_dir):
    from inparallel.analysis.demos import packages as packages_findings
    from inparallel.analysis.results import machine_results

    synthetic_packages(data_dir)
    [result] = machine_results(data_dir, "packages")
    gil = packages_findings.packages_gil_stays_off(result)
    assert gil.status == "holds"
    assert dict(gil.numbers) == {"free": "3.14t", "k": "1", "n": "2",
                                 "back": "it came back, with a warning, for: beta"}
    sub = packages_findings.packages_subinterpreters(result)
    assert sub.status == "holds"
    assert dict(sub.numbers) == {"gil": "3.14", "k": "1", "n": "2", "refused": "beta"}


def test_a_gil_that_came_back_without_a_warning_contradicts_the_finding(tmp_path):
    from inparallel.analysis.demos import packages as packages_findings
    from inparallel.analysis.results import machine_results

    synthetic_packages(tmp_path, warned=False)
    [result] = machine_results(tmp_path, "packages")
    assert packages_findings.packages_gil_stays_off(result).status == "fails"


def test_without_data_the_page_and_findings_say_so(data_dir):
    from inparallel.analysis.demos import packages as packages_findings
    from inparallel.publish import packages_page

    assert "No measurement of the `packages` demo" in packages_page.matrix(data_dir)
    empty = type("Empty", (), {"points": (), "select": lambda self, **_: []})()
    assert packages_findings.packages_gil_stays_off(empty).status == "no-data"
    assert packages_findings.packages_subinterpreters(empty).status == "no-data"


def demo_module():
    """demos/packages.py as a module (it imports demos/harness.py by its plain name)."""
    import importlib.util
    import sys

    sys.path.insert(0, str(DEMOS))
    spec = importlib.util.spec_from_file_location("packages_demo", DEMOS / "packages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("output", "reason"), [
    # pip's own summary comes last but says nothing; the build backend's refusal says why.
    ("  \N{MULTIPLICATION SIGN} Getting requirements to build wheel did not run successfully.\n"
     "      RuntimeError: CFFI does not support the free-threaded build of CPython 3.13.\n"
     "  note: This error originates from a subprocess\n"
     "ERROR: Failed to build 'cffi' when getting requirements to build wheel\n",
     "RuntimeError: CFFI does not support the free-threaded build of CPython 3.13."),
    # The first compiler error, not the "command failed" line after it.
    ("      src/a.cpp:232:9: error: '_PyCriticalSection_SuspendAll' was not declared\n"
     "      src/a.cpp:355:9: error: '_PyCriticalSection_Resume' was not declared\n"
     "      error: Command '['g++', '-c', 'src/a.cpp']' returned non-zero exit status 1.\n"
     "ERROR: Failed to build one or more wheels\n",
     "src/a.cpp:232:9: error: '_PyCriticalSection_SuspendAll' was not declared"),
    ("  error: subprocess-exited-with-error\n"
     "  Cargo, the Rust package manager, is not installed or is not on PATH.\n"
     "ERROR: Failed to build 'x'\n",
     "Cargo, the Rust package manager, is not installed or is not on PATH."),
    ("ERROR: No matching distribution found for x==1.0\n",
     "ERROR: No matching distribution found for x==1.0"),
    # pip's temporary build folder differs on every run: the reason must not.
    (f"error: failed to run custom build command for `orjson v3.13.0 "
     f"({tempfile.gettempdir()}/pip-wheel-mb73hgi2/orjson_dbe3)`\n",
     "error: failed to run custom build command for `orjson v3.13.0 (<tmp>)`"),
])
def test_a_failed_build_keeps_the_line_that_says_why(output, reason):
    assert demo_module().reason_of(output) == reason
