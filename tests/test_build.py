"""Builds: bad input, and an interrupted build that leaves nothing counted as built.

The interruption test really compiles CPython 3.14 into a private cache (a few minutes on
two cores): an honest check needs a real configure and make to interrupt.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, invoke

from inparallel import paths
from inparallel.build import catalog


def test_unknown_variant_exits_2_with_one_line_listing_known_ones():
    done = invoke("build", "3.99")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown variant '3.99'" in lines[0]
    assert "3.14t" in lines[0] and "nogil" in lines[0]


def test_build_with_an_empty_list_names_the_fix():
    done = invoke("build", ",")
    assert done.returncode == 2
    assert "'all'" in done.stderr


def test_unreachable_sources_name_source_and_build_nothing(tmp_path):
    # An empty apt configuration and an unroutable python.org leave no way to download.
    env = {"INPARALLEL_CACHE": str(tmp_path), "INPARALLEL_PYTHON_ORG": "http://127.0.0.1:9",
           "INPARALLEL_APT_SOURCES": str(tmp_path / "no-apt")}
    done = invoke("build", "3.13t", env=env)
    assert done.returncode == 1
    assert "127.0.0.1:9" in done.stderr and "--source" in done.stderr
    assert not (tmp_path / "builds" / "3.13t").exists()


def test_mismatching_source_is_rejected(tmp_path):
    fake = tmp_path / "Python-3.14.7.tar.xz"
    fake.write_bytes(b"not a tarball")
    done = invoke("build", "3.14", "--source", str(fake),
                  env={"INPARALLEL_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 1
    assert "checksum mismatch" in done.stderr
    assert not (tmp_path / "cache" / "builds" / "3.14").exists()


def _tarball() -> list[str]:
    """Reuse the verified tarball of the shared cache when there is one."""
    cached = paths.downloads_dir() / catalog.load()["3.14"].tarball
    return ["--source", str(cached)] if cached.exists() else []


def _as_from_a_shell() -> None:
    """Start the build with Ctrl-C's default action, as a terminal does: a child inherits an
    ignored or blocked SIGINT, and earlier tests in this process may have left it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@pytest.mark.build
def test_interrupted_build_counts_as_missing_and_resumes(tmp_path):
    env = {**os.environ, "INPARALLEL_CACHE": str(tmp_path)}
    log = tmp_path / "logs" / "build-3.14.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "invoke", "build", "3.14", *_tarball()],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True, preexec_fn=_as_from_a_shell,
    )
    deadline = time.monotonic() + 600
    # Interrupt once the compiler has produced a good number of object files.
    while time.monotonic() < deadline and first.poll() is None:
        if log.exists() and log.read_text(errors="replace").count("-o Objects/") > 40:
            break
        time.sleep(1)
    assert first.poll() is None, "the build ended before it could be interrupted"
    os.killpg(first.pid, signal.SIGINT)  # what Ctrl-C sends
    # A hang guard, not a timing: on a loaded 2-core machine make can take a while to stop.
    output, _ = first.communicate(timeout=600)
    assert first.returncode != 0
    assert "run the same command again" in output

    located = subprocess.run(
        [sys.executable, "-m", "invoke", "variants"], cwd=REPO, env=env,
        capture_output=True, text=True, check=True,
    ).stdout
    row = next(line for line in located.splitlines() if line.startswith("│ 3.14 "))
    assert "built" not in row
    assert not (tmp_path / "builds" / "3.14").exists()

    second = subprocess.run(
        [sys.executable, "-m", "invoke", "build", "3.14", *_tarball()], cwd=REPO, env=env,
        capture_output=True, text=True, timeout=1500,
    )
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert "resuming" in second.stdout
    python = Path(tmp_path, "builds", "3.14", "bin", "python3")
    version = subprocess.run([python, "-c", "import sys; print(sys.version)"],
                             capture_output=True, text=True, check=True).stdout
    assert version.startswith("3.14.7")
    again = invoke("build", "3.14", env={"INPARALLEL_CACHE": str(tmp_path)}, timeout=60)
    assert "already built" in again.stdout


def test_a_missing_header_is_reported_with_its_debian_package(monkeypatch, tmp_path):
    from inparallel.build import builder
    from inparallel.errors import UserError

    monkeypatch.setenv("INPARALLEL_CACHE", str(tmp_path))
    monkeypatch.setattr(builder.prerequisites, "install_packages", lambda packages: None)
    monkeypatch.setitem(builder.REQUIRED_HEADERS, "no/such_header_for_test.h", "libnosuch-dev")
    required, _ = builder.missing_dependencies()
    assert required == ["libnosuch-dev"]
    with pytest.raises(UserError, match="apt-get install libnosuch-dev"):
        builder.build(catalog.load()["3.13t"])
    assert not (tmp_path / "builds" / "3.13t").exists()


def test_build_dependencies_are_installed_before_configure_looks_for_headers(monkeypatch,
                                                                                  tmp_path):
    """The README's first command builds before `invoke test` installs anything: the build
    itself must install the -dev packages first, or configure leaves modules out for good."""
    from inparallel.build import builder, prerequisites
    from inparallel.errors import UserError

    monkeypatch.setenv("INPARALLEL_CACHE", str(tmp_path))
    calls = []
    monkeypatch.setattr(prerequisites, "install_packages",
                        lambda packages: calls.append(("install", tuple(packages))))

    def headers(variant=None):
        calls.append(("headers", variant.name))
        raise UserError("stop here")

    monkeypatch.setattr(builder, "missing_dependencies", headers)
    with pytest.raises(UserError, match="stop here"):
        builder.build(catalog.load()["3.14t"])
    assert calls == [("install", prerequisites.BUILD_PACKAGES), ("headers", "3.14t")]
    assert "libzstd-dev" in prerequisites.BUILD_PACKAGES


def test_zstd_headers_are_required_from_3_14_on(monkeypatch):
    from inparallel.build import builder

    monkeypatch.setitem(builder.SERIES_MODULES, "_zstd", ("3.14", "no/such_zstd_for_test.h"))
    monkeypatch.setitem(builder.OPTIONAL_HEADERS, "no/such_zstd_for_test.h", "libzstd-dev")
    assert "libzstd-dev" in builder.missing_dependencies(catalog.load()["3.14"])[0]
    assert "libzstd-dev" in builder.missing_dependencies(catalog.load()["3.13"])[1]


def test_a_cached_build_without_a_required_module_is_rebuilt(monkeypatch, tmp_path):
    """A build made before libzstd-dev was installed lacks _zstd: it is removed and redone."""
    from inparallel import paths
    from inparallel.build import builder
    from inparallel.errors import UserError

    monkeypatch.setenv("INPARALLEL_CACHE", str(tmp_path))
    variant = catalog.load()["3.14"]
    prefix = paths.prefix_for(variant.name)
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "python3").write_text("")
    # Written by an older build: no "checked_modules" entry.
    (prefix / builder.BUILD_INFO).write_text('{"variant": "3.14"}')

    def lacks_zstd(python, v):
        raise UserError(f"{python} lacks a required module (No module named '_zstd')")

    monkeypatch.setattr(builder, "check", lacks_zstd)
    monkeypatch.setattr(builder, "_build_locked", lambda *a: "rebuilt")
    assert builder.build(variant) == "rebuilt"
    assert not prefix.exists()
