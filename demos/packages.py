"""Will my libraries work? Popular compiled packages on this interpreter, measured.

For each package of the pinned list (inparallel/measure/packages.toml), in a throwaway
virtual environment of this interpreter:

1. install: a binary wheel for this interpreter's ABI, else a source build within a time
   cap (the failure's reason is kept: a missing Rust toolchain, a missing C library);
2. import in a fresh process; on a free-threaded build, whether the GIL is still off
   afterwards (an extension that does not declare Py_MOD_GIL_NOT_USED turns it back on,
   with a RuntimeWarning);
3. import in an isolated sub-interpreter (its own GIL): yes, or the exact error;
4. the package's representative call, checked against its known answer; on a
   free-threaded build in 1, 2 ... N threads with the same calls per thread.

Downloads go through pip's cache ($PIP_CACHE_DIR: `invoke demo packages` puts it in the
build cache), so each wheel is fetched once per ABI, whatever the number of runs.

    python3.14t demos/packages.py --quick
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import failures
import harness

HERE = Path(__file__).resolve().parent
LIST_ENV = "INPARALLEL_PACKAGES"
DEFAULT_LIST = HERE.parent / "inparallel" / "measure" / "packages.toml"
# --quick and --stage: the first packages of the list only.
SIZES = {"full": None, "stage": 3, "quick": 3}
INSTALL_CAP_S = 300.0


def package_list(path=None):
    """The pinned packages, in order: dicts with package, version, module, call, expect."""
    path = Path(path or os.environ.get(LIST_ENV) or DEFAULT_LIST)
    with path.open("rb") as file:
        table = tomllib.load(file)
    return [{"package": name, **entry} for name, entry in table["packages"].items()]


def run_capped(command, cap_s, cwd=None):
    """Run ``command`` for at most ``cap_s`` seconds: (exit code or None on timeout, output).

    A source build starts compilers in its own children: the whole session is killed.
    """
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, cwd=cwd, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=cap_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, output
    return process.returncode, output


NO_WHEEL = re.compile(r"No matching distribution found|Could not find a version")


# Where a failed build says why, most telling first: a missing Rust toolchain, a build
# backend's own refusal (CFFI's "does not support the free-threaded build of 3.13"), the first
# compiler error, then pip's last summary line (which says only that something failed).
REASONS = (
    (r"(?i)(cargo|rustc).*(not found|not installed|too old)|Rust toolchain|can't find Rust", -1),
    (r"^(\w+\.)*\w+(Error|Exception): .+", -1),
    (r"^\S+:\d+(:\d+)?: (fatal )?error(\[E\d+\])?: .+", 0),
    (r"^error(\[E\d+\])?: (?!subprocess-exited).+", 0),
    (r"^ERROR: .+", -1),
)


def reason_of(output):
    """The line of pip's output that says why it failed (at most 300 characters)."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    reason = lines[-1] if lines else "no output"
    for pattern, which in REASONS:
        found = [line for line in lines if re.search(pattern, line)]
        if found:
            reason = found[which]
            break
    # pip builds in a fresh temporary folder each time: its name would differ from run to run.
    return re.sub(re.escape(tempfile.gettempdir()) + r"/[^\s'\"`)]+", "<tmp>", reason)[:300]


def _outcome(how, code, output, folder, cap_s):
    """(how, wheel file, failure reason) of one pip command's result."""
    if code is None:
        return "failed", None, f"source build did not finish within {cap_s:g} s"
    if code != 0:
        return "failed", None, reason_of(output)
    found = sorted(os.listdir(folder))
    return how, (found[0] if found else None), None


def download(pip, item, wheels):
    """The published wheel of ``item`` for this interpreter's ABI, into its own folder:
    (how, file, reason), or None when the index has no wheel for this ABI."""
    folder = os.path.join(wheels, item["package"])  # its own folder: fetches run in parallel
    os.makedirs(folder, exist_ok=True)
    code, output = run_capped([*pip, "download", "--no-deps", "--only-binary=:all:", "--dest",
                               folder, f"{item['package']}=={item['version']}"], INSTALL_CAP_S)
    if code is not None and code != 0 and NO_WHEEL.search(output):
        return None
    return _outcome("wheel", code, output, folder, INSTALL_CAP_S)


def build(pip, item, wheels, cap_s):
    """A wheel of ``item`` built here from its source distribution within ``cap_s`` seconds:
    (how, file, reason). Only the package itself: its dependencies come at install time."""
    folder = os.path.join(wheels, item["package"])
    code, output = run_capped([*pip, "wheel", "--no-deps", f"--no-binary={item['package']}",
                               "--wheel-dir", folder, f"{item['package']}=={item['version']}"],
                              cap_s)
    return _outcome("source", code, output, folder, cap_s)


def fetch_all(pip, items, wheels, cap_s):
    """Every package's wheel: downloads four at a time (they wait on the network), then
    source builds for the rest two at a time (a build mostly keeps one core busy, and each
    has its own time cap, which a crowded machine would eat into)."""
    with ThreadPoolExecutor(4) as pool:
        fetched = list(pool.map(lambda item: download(pip, item, wheels), items))
    missing = [i for i, got in enumerate(fetched) if got is None]
    with ThreadPoolExecutor(2) as pool:
        built = pool.map(lambda i: build(pip, items[i], wheels, cap_s), missing)
        for i, got in zip(missing, built, strict=True):
            fetched[i] = got
    return fetched


def install(pip, item, wheels):
    """Install the fetched wheel with its dependencies (binary only): None, or the reason.

    Every fetched wheel is offered, so a dependency built here from source (numpy for
    pandas) is found too.
    """
    links = [arg for name in sorted(os.listdir(wheels))
             for arg in ("--find-links", os.path.join(wheels, name))]
    code, output = run_capped([*pip, "install", "--only-binary=:all:", *links,
                               f"{item['package']}=={item['version']}"], INSTALL_CAP_S)
    if code is None:
        return f"install did not finish within {INSTALL_CAP_S:g} s"
    return None if code == 0 else reason_of(output)


def probe(python, mode, item, *extra, timeout_s=120):
    """Run one check of demos/package_probe.py in a fresh process: (answer, crash)."""
    return failures.answer_of([python, str(HERE / "package_probe.py"), mode, json.dumps(item),
                              *extra], timeout_s, cwd=HERE)


def make_venv(folder):
    """A throwaway venv of this interpreter (pip from ensurepip, so it works offline)."""
    subprocess.run([sys.executable, "-m", "venv", folder], check=True, capture_output=True)
    return str(Path(folder) / "bin" / "python")


def scrubbed(row, folder):
    """``row`` with the throwaway folder's path replaced in its texts: an error message names
    the venv, and params that change from run to run would split a point in two."""
    def clean(value):
        if isinstance(value, str):
            return value.replace(folder, "<tmp>")
        if isinstance(value, dict):
            return {key: clean(each) for key, each in value.items()}
        return value
    return clean(row)


class Scrubbing:
    """An Output that scrubs the throwaway folder out of every row it emits."""

    def __init__(self, out, folder):
        self.out, self.folder = out, folder

    def emit(self, row):
        self.out.emit(scrubbed(row, self.folder))


def emit_package(out, args, python, item, fetched, install_error):
    """The rows of one package: install, import, GIL after import, sub-interpreter, call."""
    how, file, reason = fetched
    params = {"package": item["package"], "version": item["version"], "module": item["module"]}
    failed = reason or install_error
    # No install time in params: params tell points apart across runs, so they stay stable.
    out.emit(harness.row("install", how if not reason else "failed", 1, [0 if failed else 1],
                         unit="bool", params={**params, "file": file, "reason": failed}))
    free = harness.free_threaded_build()
    if failed:
        why = f"not installed: {failed}"
        for workload, strategy in (("import", "fresh-process"), ("gil-after-import", how),
                                   ("subinterpreter-import", "subinterpreters")):
            out.emit(harness.unavailable(workload, strategy, 1, why, params, unit="bool"))
        return
    answer, crashed = probe(python, "import", item)
    if answer is None:
        out.emit(harness.row("import", "fresh-process", 1, [], unit="bool", params=params,
                             error=crashed))
        return
    warning = " | ".join(answer["warnings"]) or None
    out.emit(harness.row("import", "fresh-process", 1, [0 if answer["error"] else 1],
                         unit="bool", correct=answer["correct"],
                         params={**params, "error": answer["error"], "warning": warning,
                                 "answer": answer["answer"], "expect": item["expect"]}))
    if not free:
        out.emit(harness.unavailable("gil-after-import", how, 1,
                                     "not applicable: a GIL build always runs with the GIL",
                                     params, unit="bool"))
    else:
        # 1 when the GIL was on after the import: valid only if it was off before.
        out.emit(harness.row("gil-after-import", how, 1, [int(answer["gil_after"])],
                             unit="bool", correct=answer["gil_before"] is False,
                             params={**params, "warning": warning}))
    sub, crashed = probe(python, "subinterp", item)
    if sub is None:
        out.emit(harness.row("subinterpreter-import", "subinterpreters", 1, [], unit="bool",
                             params=params, error=crashed))
    else:
        out.emit(harness.row("subinterpreter-import", "subinterpreters", 1,
                             [0 if sub["error"] else 1], unit="bool",
                             params={**params, "message": sub["error"]}))
    if free and not answer["error"]:
        counts = ",".join(map(str, args.workers))
        result, crashed = probe(python, "threads", item, counts, str(args.time_cap),
                                str(args.repeats), str(0.1 if args.mode == "full" else 0.01),
                                timeout_s=600)
        if result is None:
            out.emit(harness.row("call", "threads", 1, [], params=params, error=crashed))
        else:
            for row in result["rows"]:
                row["params"].update(params)
                out.emit(row)


def main(argv=None):
    # time_cap: 1 s per thread count and package keeps a full run of the list short; the
    # speedup is a check that the call runs in parallel, not a benchmark of the package.
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, time_cap=1.0, extra=[
        (("--build-cap",), {"type": harness.bounded(1, 7200, float), "default": 60.0,
                            "help": "seconds a source build may take (default 60)"}),
        (("--list",), {"default": None, "help": f"the package list (default ${LIST_ENV} "
                                                 "or inparallel/measure/packages.toml)"})])
    items = package_list(args.list)[:args.size]
    out = harness.Output(args.json)
    with tempfile.TemporaryDirectory(prefix="packages-") as folder:
        python = make_venv(str(Path(folder) / "venv"))
        pip = [python, "-m", "pip", "--disable-pip-version-check", "--no-input"]
        wheels = str(Path(folder) / "wheels")
        os.mkdir(wheels)
        # Installing is one at a time: the packages share the venv's site-packages.
        fetched = fetch_all(pip, items, wheels, args.build_cap)
        for item, got in zip(items, fetched, strict=True):
            error = None if got[2] else install(pip, item, wheels)
            emit_package(Scrubbing(out, folder), args, python, item, got, error)
    out.finish()


if __name__ == "__main__":
    main()
