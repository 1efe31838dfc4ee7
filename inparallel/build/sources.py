"""Finding and verifying CPython source tarballs: python.org, the Debian pool, or a local file."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlparse

from inparallel.build.catalog import Variant
from inparallel.errors import UserError

PYTHON_ORG = "https://www.python.org/ftp/python"
APT_SOURCE_FILES = (Path("/etc/apt/sources.list"), Path("/etc/apt/sources.list.d"))
# Overrides, for a local mirror or for tests that must not reach the network.
PYTHON_ORG_ENV = "INPARALLEL_PYTHON_ORG"
APT_SOURCES_ENV = "INPARALLEL_APT_SOURCES"
TIMEOUT_S = 30

Progress = Callable[[int, int | None], None]


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks so a 35 MB tarball costs no memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _apt_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".list", ".sources"))
        elif path.is_file():
            files.append(path)
    return files


def _uris_in(text: str, deb822: bool) -> list[str]:
    if deb822:
        return [u for m in re.finditer(r"^URIs:\s*(.+)$", text, re.M) for u in m.group(1).split()]
    uris = []
    for line in text.splitlines():
        words = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
        if len(words) >= 2 and words[0] == "deb":
            uris.append(words[1])
    return uris


def debian_mirrors(paths: Iterable[Path] = APT_SOURCE_FILES) -> list[str]:
    """Debian archive mirrors named in apt's source files, in the order apt lists them.

    Only archives whose path ends in ``/debian`` have the ``pool/main/p/python3.X`` layout;
    security and third-party repositories (Node.js, cloud SDKs) are skipped.
    """
    mirrors: list[str] = []
    for file in _apt_files(paths):
        for uri in _uris_in(file.read_text(errors="replace"), deb822=file.suffix == ".sources"):
            uri = uri.rstrip("/")
            if urlparse(uri).path.endswith("/debian") and uri not in mirrors:
                mirrors.append(uri)
    return mirrors


def candidate_urls(
    variant: Variant,
    python_org: str | None = None,
    apt_paths: Iterable[Path] | None = None,
) -> list[str]:
    """Where the tarball may be fetched from, best first: python.org, then Debian pools."""
    python_org = python_org or os.environ.get(PYTHON_ORG_ENV, PYTHON_ORG)
    if apt_paths is None:
        override = os.environ.get(APT_SOURCES_ENV)
        apt_paths = [Path(override)] if override else APT_SOURCE_FILES
    release_dir = re.sub(r"(a|b|rc)\d+$", "", variant.version)
    urls = [f"{python_org}/{release_dir}/{variant.tarball}"]
    package = f"python{variant.series}"
    urls += [
        f"{mirror}/pool/main/p/{package}/{package}_{variant.debian_version}.orig.tar.xz"
        for mirror in debian_mirrors(apt_paths)
    ]
    return urls


def _download(url: str, dest: Path, progress: Progress | None) -> None:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, dest.open("wb") as out:
        length = response.headers.get("Content-Length")
        total = int(length) if length else None
        done = 0
        while chunk := response.read(1 << 16):
            out.write(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)


def verify(path: Path, expected: str, origin: str) -> None:
    """Raise, deleting the file, unless its SHA-256 is the pinned one."""
    actual = sha256_of(path)
    if actual != expected:
        path.unlink(missing_ok=True)
        raise UserError(
            f"checksum mismatch for {origin}: expected sha256 {expected}, got {actual}; "
            "the file was deleted; fetch it again, or run: invoke build VARIANT --source PATH"
            " with a genuine tarball"
        )


def fetch(
    variant: Variant,
    downloads: Path,
    source: Path | None = None,
    urls: list[str] | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> Path:
    """Return a verified tarball for ``variant`` in ``downloads``.

    A local ``source`` is verified and copied in; otherwise a verified cached copy is reused,
    and failing that each URL is tried in turn. A file is only ever renamed into place after
    its checksum matched, so an interrupted download leaves nothing that looks valid.
    """
    downloads.mkdir(parents=True, exist_ok=True)
    final = downloads / variant.tarball
    partial = final.with_name(final.name + ".part")
    if source is not None:
        if not source.is_file():
            raise UserError(f"--source {source} does not exist; give the path of {variant.tarball}")
        shutil.copyfile(source, partial)
        verify(partial, variant.sha256, str(source))
        partial.replace(final)
        return final
    if final.exists():
        if sha256_of(final) == variant.sha256:
            log(f"using cached {final}")
            return final
        final.unlink()
    tried: list[str] = []
    for url in urls if urls is not None else candidate_urls(variant):
        log(f"fetching {url}")
        try:
            _download(url, partial, progress)
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            tried.append(f"{url} ({reason})")
            partial.unlink(missing_ok=True)
            continue
        verify(partial, variant.sha256, url)
        partial.replace(final)
        return final
    raise UserError(
        f"could not download {variant.tarball}; tried: {'; '.join(tried) or 'no sources'}. "
        f"Download it elsewhere, then run: invoke build {variant.name} --source PATH"
    )
