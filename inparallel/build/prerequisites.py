"""System packages the tasks need, installed on request (Debian and derivatives only)."""

from __future__ import annotations

import os
import shutil
import subprocess

from inparallel.console import console
from inparallel.errors import UserError
from inparallel.paths import REPO

# Building CPython with every module the demos import, and the browser-driven tests
# (Debian's Chromium: a test tool's own browser download cannot work offline).
BUILD_PACKAGES = (
    "build-essential", "pkg-config", "zlib1g-dev", "libffi-dev", "libssl-dev", "libbz2-dev",
    "liblzma-dev", "libsqlite3-dev", "libreadline-dev", "uuid-dev", "libncurses-dev",
    "libzstd-dev", "libgdbm-dev", "tk-dev",
)
TEST_PACKAGES = ("chromium", "fonts-noto-color-emoji", "poppler-utils", "nodejs")
# The service demo's load generator (an external program the demo drives; its tests need it).
SERVICE_PACKAGES = ("wrk",)
TEST_PACKAGES += SERVICE_PACKAGES


def missing_packages(packages: tuple[str, ...]) -> list[str]:
    """The Debian packages of ``packages`` that are not installed."""
    if shutil.which("dpkg-query") is None:
        return []
    missing = []
    for package in packages:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        )
        if "install ok installed" not in done.stdout:
            missing.append(package)
    return missing


def install_packages(packages: tuple[str, ...]) -> None:
    """apt-get install whatever of ``packages`` is missing (as root, or through sudo)."""
    missing = missing_packages(packages)
    if not missing:
        return
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    if prefix and shutil.which("sudo") is None:
        raise UserError(f"install these packages as root: apt-get install {' '.join(missing)}")
    console.print(f"installing Debian packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    # Only what is named: Chromium's recommended packages alone took minutes and the tests
    # need none of them (the emoji font they need is named in TEST_PACKAGES).
    subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                    *missing], check=True, env=env)


def install_node_modules() -> None:
    """``npm ci`` when the lock file is newer than node_modules (Marp for the slides)."""
    lock = REPO / "package-lock.json"
    marker = REPO / "node_modules" / ".package-lock.json"
    if not lock.exists():
        return
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    if shutil.which("npm") is None:
        raise UserError("npm is missing; install Node.js 20 (Debian package nodejs)")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO, check=True)
