"""A damaged cached build is noticed and made again, never "already built" and "not available"
in turn. No CPython is built here: the cache is a temporary folder with a fake install."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inparallel import paths
from inparallel.build import builder, catalog, discovery, manifest

STDLIB = ("os.py", "site.py", "encodings/__init__.py", "json/__init__.py", "json/decoder.py",
          "concurrent/futures/__init__.py", "lib-dynload/_json.so")


@pytest.fixture
def variant(tmp_path, monkeypatch) -> catalog.Variant:
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    return catalog.resolve_all(["3.14"])[0]


def _install(variant: catalog.Variant, with_manifest: bool = True) -> Path:
    """A fake checked install of ``variant`` in the cache: the files the checks look at."""
    prefix = paths.prefix_for(variant.name)
    for name in STDLIB:
        path = prefix / "lib" / f"python{variant.series}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n")
    python = builder.python_in(prefix)
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    record = {"variant": variant.name, "checked_modules": builder.required_modules(variant)}
    (prefix / builder.BUILD_INFO).write_text(json.dumps(record))
    if with_manifest:
        manifest.write(prefix)
    return prefix


@pytest.fixture
def rebuilt(monkeypatch) -> list[str]:
    """The variants a build would have made (recorded instead of compiling CPython)."""
    made: list[str] = []

    def fake_build(variant, where, source, jobs):
        assert not where.prefix.exists(), "the damaged build must be gone before a new one"
        made.append(variant.name)
        return builder.python_in(where.prefix)

    monkeypatch.setattr(builder, "_build_locked", fake_build)
    return made


def test_an_intact_build_is_used_as_it_is(variant, rebuilt, capsys):
    prefix = _install(variant)
    assert manifest.damage(prefix, builder.python_in(prefix)) is None
    assert builder.build(variant) == builder.python_in(prefix)
    assert rebuilt == [] and "already built" in capsys.readouterr().out


@pytest.mark.parametrize(("damage", "named"), [
    (lambda prefix: (prefix / "lib/python3.14/json/decoder.py").unlink(),
     "lib/python3.14/json/decoder.py is missing"),
    (lambda prefix: (prefix / "lib/python3.14/os.py").write_text(""),
     "lib/python3.14/os.py has changed size"),
    (lambda prefix: (prefix / "lib/python3.14/lib-dynload/_json.so").unlink(),
     "lib-dynload/_json.so is missing"),
])
def test_a_damaged_build_is_named_and_made_again(variant, rebuilt, capsys, damage, named):
    prefix = _install(variant)
    damage(prefix)
    assert named in manifest.damage(prefix, builder.python_in(prefix))
    assert builder.built_info(variant) is None
    builder.build(variant)
    out = " ".join(capsys.readouterr().out.split())
    assert rebuilt == ["3.14"] and "already built" not in out
    assert "rebuilding 3.14" in out and named in out


def test_a_build_without_a_manifest_has_its_key_files_checked(variant, rebuilt, capsys):
    prefix = _install(variant, with_manifest=False)
    assert manifest.damage(prefix, builder.python_in(prefix)) is None
    (prefix / "lib/python3.14/encodings/__init__.py").unlink()
    assert manifest.damage(prefix, builder.python_in(prefix)) == (
        "lib/python3.14/encodings/__init__.py is missing")
    builder.build(variant)
    assert rebuilt == ["3.14"]


def test_discovery_does_not_offer_a_damaged_build(variant, monkeypatch):
    prefix = _install(variant)
    (prefix / "lib/python3.14/site.py").unlink()
    probed: list[Path] = []
    monkeypatch.setattr(discovery, "probe", lambda exe: probed.append(Path(exe)))
    monkeypatch.setattr(discovery, "_system_candidates", lambda v: [])
    assert discovery.locate(variant).status == "missing"
    assert probed == []  # not even asked: the next `invoke demo` builds it again


def test_caches_and_installed_packages_are_not_listed(variant):
    prefix = _install(variant)
    cache = prefix / "lib/python3.14/__pycache__/os.cpython-314.pyc"
    package = prefix / "lib/python3.14/site-packages/pkg/__init__.py"
    for path in (cache, package):
        path.parent.mkdir(parents=True)
        path.write_text("x")
    manifest.write(prefix)
    cache.unlink()
    package.unlink()
    assert manifest.damage(prefix, builder.python_in(prefix)) is None
