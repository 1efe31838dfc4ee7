"""The declarative catalog of CPython variants (``variants.toml``) and name resolution."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from inparallel.errors import UserError

CATALOG_FILE = "variants.toml"


@dataclass(frozen=True)
class Variant:
    """One CPython build: a pinned release plus the configure flags that define it."""

    name: str
    version: str
    sha256: str
    configure: tuple[str, ...]
    note: str
    debian_version: str

    @property
    def free_threaded(self) -> bool:
        """True for the ``t`` builds, which CPython configures with ``--disable-gil``."""
        return "--disable-gil" in self.configure

    @property
    def series(self) -> str:
        """The feature release, such as ``3.14``."""
        major, minor = self.version.split(".")[:2]
        return f"{major}.{minor}"

    @property
    def prerelease(self) -> bool:
        """True for alphas, betas and release candidates, which must be labelled as such."""
        return PRERELEASE.search(self.version) is not None

    @property
    def label(self) -> str:
        """A human label that never hides a release candidate: ``3.15t (3.15.0rc2, RC)``."""
        suffix = ", release candidate" if self.prerelease else ""
        return f"{self.name} ({self.version}{suffix})"

    @property
    def tarball(self) -> str:
        """The python.org source tarball's file name."""
        return f"Python-{self.version}.tar.xz"


@cache
def load() -> dict[str, Variant]:
    """Read the catalog shipped with the package, keyed by variant name."""
    raw = tomllib.loads(resources.files("inparallel.build").joinpath(CATALOG_FILE).read_text())
    return {
        name: Variant(
            name=name,
            version=entry["version"],
            sha256=entry["sha256"],
            configure=tuple(entry.get("configure", ())),
            note=entry.get("note", ""),
            debian_version=entry.get("debian_version", entry["version"]),
        )
        for name, entry in raw["variants"].items()
    }


def is_free_threaded(name: str) -> bool:
    """The ONE rule for whether a variant named as the data name it is a free-threaded build.

    A catalog variant is one when it is configured with ``--disable-gil``
    (``Variant.free_threaded``); a name outside this catalog (another machine's build) by
    CPython's own suffix for such builds, a ``t`` (``python3.14t``). A series label's extra
    environment (``3.14t PYTHON_GIL=1``) names the same build, so it is ignored.
    """
    build = name.split(" ", 1)[0]
    known = load().get(build)
    return known.free_threaded if known is not None else build.endswith("t")


#: How a label names where a found interpreter came from (``discovery.Located.origin``).
ORIGINS = {"path": "PATH"}
#: A prerelease's version string: ``3.15.0rc2``, ``3.16.0a1``.
PRERELEASE = re.compile(r"\d(a|b|rc)\d+$")


def display(name: str, version: str | None = None, origin: str | None = None) -> str:
    """The ONE rule for how pages, charts and findings name a variant: the catalog name, with
    the exact release where the name alone would mislead. A prerelease says which one
    (``3.15t (3.15.0rc2)``); an interpreter found on the system instead of built from the
    catalog's pin says its version and where it came from (``3.12 (3.12.1 from pyenv)``).
    ``version`` and ``origin`` are what the measured interpreter reported about itself
    (``Interpreter.version``, ``.origin``: ``built`` for this repository's builds); without
    them the catalog's pin is assumed."""
    pinned = load().get(name)
    version = version or (pinned.version if pinned else None)
    if version and origin not in (None, "built"):
        return f"{name} ({version} from {ORIGINS.get(origin, origin)})"
    if version and PRERELEASE.search(version):
        return f"{name} ({version})"
    return name


@cache
def aliases() -> dict[str, str]:
    """Friendly names (``gil``, ``nogil``) mapped to catalog names."""
    raw = tomllib.loads(resources.files("inparallel.build").joinpath(CATALOG_FILE).read_text())
    return dict(raw.get("aliases", {}))


def known_names() -> list[str]:
    """Every name a user may type: catalog names, then aliases."""
    return [*load(), *aliases()]


def resolve(name: str) -> Variant:
    """Return the variant for a name or alias; an unknown name is a usage error (exit 2)."""
    variants = load()
    target = aliases().get(name, name)
    if target not in variants:
        known = ", ".join(known_names())
        raise UserError(f"unknown variant {name!r}; known variants: {known}", code=2)
    return variants[target]


def resolve_all(names: list[str]) -> list[Variant]:
    """Resolve several names, dropping duplicates but keeping the order given."""
    seen: dict[str, Variant] = {}
    for name in names:
        variant = resolve(name)
        seen.setdefault(variant.name, variant)
    return list(seen.values())
