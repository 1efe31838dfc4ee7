"""Building one CPython variant from source: fetch, verify, configure, compile, install, check.

The install goes to a temporary prefix that is renamed into place only after the new
interpreter passed its checks, so a variant either is fully built or does not exist.
Configure and compile happen in a work tree that survives an interruption, so the next
build resumes where the last one stopped instead of starting over.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from inparallel import paths, units
from inparallel.build import manifest, prerequisites, sources
from inparallel.build.catalog import Variant
from inparallel.build.interpreters import InterpreterInfo, probe
from inparallel.console import Stage, console, stage
from inparallel.errors import UserError

BUILD_INFO = "build-info.json"
LOG_TAIL_LINES = 25

# Header -> Debian package. The first group is needed for a usable interpreter; without the
# second, configure still succeeds but silently leaves modules out.
REQUIRED_HEADERS = {"zlib.h": "zlib1g-dev", "ffi.h": "libffi-dev", "openssl/ssl.h": "libssl-dev"}
OPTIONAL_HEADERS = {
    "bzlib.h": "libbz2-dev",
    "lzma.h": "liblzma-dev",
    "sqlite3.h": "libsqlite3-dev",
    "readline/readline.h": "libreadline-dev",
    "uuid/uuid.h": "uuid-dev",
    "ncurses.h": "libncurses-dev",
    "zstd.h": "libzstd-dev",
}
# Modules whose absence means the build is broken for the demos or the talk.
CHECKED_MODULES = ("_decimal", "zlib", "_ssl", "ctypes", "_interpreters")
# Modules a series must have on top of those, with the header that configure needs for them:
# compression.zstd is new in 3.14, and the compat demo and its tests count on it.
SERIES_MODULES = {"_zstd": ("3.14", "zstd.h")}


def required_modules(variant: Variant) -> list[str]:
    """The modules a finished build of ``variant`` must import (3.12 names one differently)."""
    series = tuple(int(part) for part in variant.series.split("."))
    modules = [
        "_xxsubinterpreters" if m == "_interpreters" and variant.series == "3.12" else m
        for m in CHECKED_MODULES
    ]
    modules += [
        module for module, (since, _) in SERIES_MODULES.items()
        if series >= tuple(int(part) for part in since.split("."))
    ]
    return modules


@dataclass(frozen=True)
class BuildPaths:
    """Every path one variant's build touches."""

    prefix: Path
    staging: Path
    work: Path
    log: Path
    lock: Path

    @classmethod
    def for_variant(cls, variant: Variant) -> BuildPaths:
        prefix = paths.prefix_for(variant.name)
        return cls(
            prefix=prefix,
            staging=prefix.with_name(f".{variant.name}.staging"),
            work=paths.cache_root() / "work" / variant.name,
            log=paths.logs_dir() / f"build-{variant.name}.log",
            lock=paths.cache_root() / "locks" / f"{variant.name}.lock",
        )


def python_in(prefix: Path) -> Path:
    """The interpreter inside an install prefix."""
    return prefix / "bin" / "python3"


def built_info(variant: Variant) -> dict | None:
    """The recorded build of ``variant``, or None if it is not (completely) built, or was
    damaged since (a file of it deleted or changed: ``manifest.damage``)."""
    prefix = paths.prefix_for(variant.name)
    info = prefix / BUILD_INFO
    if not info.is_file() or manifest.damage(prefix, python_in(prefix)) is not None:
        return None
    return json.loads(info.read_text())


def _remove_damaged(variant: Variant, where: BuildPaths) -> None:
    """Delete a cached build that ``built_info`` refuses, saying why, so it is made again
    (only checked builds are ever renamed into the prefix: whatever is there is ours)."""
    if not where.prefix.exists():
        return
    why = manifest.damage(where.prefix, python_in(where.prefix)) or f"{BUILD_INFO} is missing"
    console.print(f"[yellow]rebuilding {variant.name}:[/] the cached build in {where.prefix} "
                  f"is damaged ({why})")
    shutil.rmtree(where.prefix)


def missing_dependencies(variant: Variant | None = None) -> tuple[list[str], list[str]]:
    """Debian packages to install: (required, optional) ones, found by compiling a header.

    A header is required for ``variant`` when a module it must have (``required_modules``)
    is built from it: configure would otherwise leave that module out without failing.
    """
    required = [tool for tool in ("gcc", "make") if shutil.which(tool) is None]
    if required:
        return ["build-essential"], []

    def lacks(header: str) -> bool:
        probe_src = f"#include <{header}>\n"
        done = subprocess.run(
            ["gcc", "-E", "-x", "c", "-", "-o", os.devnull],
            input=probe_src,
            capture_output=True,
            text=True,
        )
        return done.returncode != 0

    must = set(REQUIRED_HEADERS)
    if variant is not None:
        wanted = set(required_modules(variant))
        must |= {header for module, (_, header) in SERIES_MODULES.items() if module in wanted}
    headers = {**REQUIRED_HEADERS, **OPTIONAL_HEADERS}
    need = [pkg for header, pkg in headers.items() if header in must and lacks(header)]
    want = [pkg for header, pkg in headers.items() if header not in must and lacks(header)]
    return need, want


def _run_logged(cmd: list[str], cwd: Path, log: Path, current: Stage, env=None) -> None:
    """Run a build command, appending to the log and showing its latest line live."""
    tail: deque[str] = deque(maxlen=LOG_TAIL_LINES)
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        process = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env=env,
            start_new_session=False,
        )
        assert process.stdout is not None
        for line in process.stdout:
            out.write(line)
            tail.append(line.rstrip())
            current.update(line)
        code = process.wait()
    if code != 0:
        console.print(f"[red]last lines of {log}:[/]")
        for line in tail:
            console.print(f"  [dim]{line}[/]", markup=True, soft_wrap=True)
        raise UserError(f"{current.title} failed (exit {code}); full log: {log}")


def check(python: Path, variant: Variant) -> InterpreterInfo:
    """Verify that a freshly installed interpreter is the variant the catalog describes."""
    info = probe(python)
    if info is None:
        raise UserError(f"the new interpreter {python} does not run")
    if info.version != variant.version:
        raise UserError(f"{python} reports {info.version}, expected {variant.version}")
    if info.gil_enabled == variant.free_threaded:
        state = "on" if info.gil_enabled else "off"
        raise UserError(f"{python} has its GIL {state}, which is wrong for {variant.name}")
    imports = "; ".join(f"import {m}" for m in required_modules(variant))
    done = subprocess.run([str(python), "-I", "-c", imports], capture_output=True, text=True)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "unknown error"
        raise UserError(f"{python} lacks a required module ({last}); see the build log")
    return info


def _extract(tarball: Path, work: Path) -> Path:
    """Unpack into ``work`` (replacing a half-unpacked tree) and return the source root."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(work, filter="data")
    (work / ".extracted").write_text(tarball.name)
    return work / tarball.name.removesuffix(".tar.xz")


def build(variant: Variant, source: Path | None = None, jobs: int | None = None) -> Path:
    """Build ``variant`` unless it is built already; return its interpreter.

    Safe to interrupt and to run twice at once: a file lock serializes builds of one variant,
    and only a checked install is ever renamed to the final prefix.
    """
    where = BuildPaths.for_variant(variant)
    if built_info(variant) and _complete(variant, where):
        console.print(f"[green]✓[/] {variant.label} already built in {where.prefix}")
        return python_in(where.prefix)
    where.lock.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(where.lock)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        console.print(f"another build of {variant.name} is running; waiting for it to finish")
        lock.acquire()
    try:
        if built_info(variant) and _complete(variant, where):  # the other build finished it
            return python_in(where.prefix)
        _remove_damaged(variant, where)
        return _build_locked(variant, where, source, jobs or os.cpu_count() or 1)
    finally:
        lock.release()


def _complete(variant: Variant, where: BuildPaths) -> bool:
    """Whether a finished build has every module this version of the code requires.

    A build made before a -dev package was installed lacks that module for good (configure
    skipped it): such a build is removed here, with the reason, so that it is made again.
    """
    info = built_info(variant) or {}
    if set(required_modules(variant)) <= set(info.get("checked_modules", [])):
        return True
    try:
        check(python_in(where.prefix), variant)
    except UserError as error:
        console.print(f"[yellow]rebuilding {variant.name}:[/] the cached build is incomplete "
                      f"({error})")
        shutil.rmtree(where.prefix)
        return False
    return True


def _build_locked(variant: Variant, where: BuildPaths, source: Path | None, jobs: int) -> Path:
    started = time.monotonic()
    console.rule(f"building {variant.label}")
    # Install the -dev packages first, whatever command got here: configure silently leaves
    # out a module whose header is missing, and the build would stay incomplete for good.
    prerequisites.install_packages(prerequisites.BUILD_PACKAGES)
    required, optional = missing_dependencies(variant)
    if required:
        raise UserError(
            f"missing build dependencies; install them with: apt-get install {' '.join(required)}"
        )
    if optional:
        console.print(
            f"[yellow]note:[/] optional modules will be missing; for a complete build run "
            f"apt-get install {' '.join(optional)}"
        )
    where.log.parent.mkdir(parents=True, exist_ok=True)
    console.print(f"full log: {where.log}")

    with stage("download") as current:
        tarball = sources.fetch(
            variant,
            paths.downloads_dir(),
            source=source,
            progress=lambda done, total: current.update(
                f"{done / 1e6:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total else "")
            ),
            log=current.update,
        )
    with stage("verify sha256"):
        sources.verify(tarball, variant.sha256, str(tarball))

    flags = [f"--prefix={where.prefix}", *variant.configure]
    stamp = where.work / ".configured"
    src = where.work / tarball.name.removesuffix(".tar.xz")
    resumable = (
        (where.work / ".extracted").exists()
        and stamp.exists()
        and stamp.read_text() == json.dumps(flags)
    )
    if resumable:
        console.print("[green]✓[/] resuming an interrupted build: sources configured already")
    else:
        where.log.write_text(f"build of {variant.label}\n")
        with stage("extract"):
            src = _extract(tarball, where.work)
        with stage("configure") as current:
            _run_logged(["./configure", *flags], src, where.log, current)
        stamp.write_text(json.dumps(flags))
    with stage(f"compile (make -j{jobs})") as current:
        # make deletes a half-written target when interrupted, but not when killed: a marker
        # left behind by a killed build means object files may be truncated, so start clean.
        marker = where.work / ".compiling"
        if marker.exists():
            _run_logged(["make", "clean"], src, where.log, current)
        marker.touch()
        try:
            _run_logged(["make", f"-j{jobs}"], src, where.log, current)
        finally:
            marker.unlink()

    if where.staging.exists():
        shutil.rmtree(where.staging)
    with stage("install") as current:
        # DESTDIR keeps the configured prefix baked into the interpreter while the files
        # land in a staging folder that only a successful check promotes.
        _run_logged(
            ["make", "install", f"DESTDIR={where.staging}"], src, where.log, current
        )
    staged_prefix = where.staging / where.prefix.relative_to("/")
    with stage("check"):
        info = check(python_in(staged_prefix), variant)
    record = {
        "variant": variant.name,
        "version": variant.version,
        "sha256": variant.sha256,
        "configure": flags,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.monotonic() - started, 1),
        "interpreter": info.to_dict() | {"executable": str(python_in(where.prefix))},
        "checked_modules": required_modules(variant),
    }
    (staged_prefix / BUILD_INFO).write_text(json.dumps(record, indent=2) + "\n")
    manifest.write(staged_prefix)  # last: it lists the files as they were checked
    where.prefix.parent.mkdir(parents=True, exist_ok=True)
    staged_prefix.rename(where.prefix)
    shutil.rmtree(where.staging, ignore_errors=True)
    shutil.rmtree(where.work, ignore_errors=True)
    console.print(
        f"[green bold]built {variant.label}[/] in {units.elapsed(time.monotonic() - started)}: "
        f"{python_in(where.prefix)}"
    )
    return python_in(where.prefix)


def build_all(source: Path | None = None, jobs: int | None = None) -> None:
    """Build every catalog variant, going on past those that cannot be built here.

    3.12's source is not on every mirror, for instance; the failures are listed at the end
    and make the whole command fail, but do not stop the variants after them.
    """
    from inparallel.build.catalog import load

    failed = []
    for variant in load().values():
        try:
            build(variant, source=source, jobs=jobs)
        except UserError as error:
            console.print(f"[red]✗ {variant.name}:[/] {error}")
            failed.append(variant.name)
    if failed:
        raise UserError(f"not built: {', '.join(failed)} (see the errors above)")


def build_named(names: list[str], source: Path | None = None, jobs: int | None = None) -> None:
    """Build the variants ``invoke build`` names (``all``: every catalog variant); the names
    are checked before anything is built, an unknown one or a ``--source`` for two releases
    being a usage error."""
    from inparallel.build import catalog

    if names == ["all"]:
        build_all(source=source, jobs=jobs)
        return
    chosen = catalog.resolve_all(names)
    if not chosen:
        raise UserError("name a variant, or 'all'; known: " + ", ".join(catalog.known_names()),
                        code=2)
    if source and len({v.version for v in chosen}) > 1:
        raise UserError("--source is one tarball; use it with variants of one release", code=2)
    for each in chosen:
        build(each, source=source, jobs=jobs)
