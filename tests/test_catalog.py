"""The catalog of variants: complete, consistent with CPython's naming, and resolvable."""

import re

import pytest

from inparallel.build import catalog
from inparallel.errors import UserError

EXPECTED = {"3.12", "3.13", "3.13t", "3.14", "3.14t", "3.15", "3.15t"}


def test_catalog_has_every_variant_with_a_pin():
    variants = catalog.load()
    assert set(variants) == EXPECTED
    for name, variant in variants.items():
        assert re.fullmatch(r"[0-9a-f]{64}", variant.sha256), name
        assert variant.version.startswith(variant.series + "."), name
        assert name.rstrip("t") == variant.series


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_flags_match_the_name(name):
    variant = catalog.load()[name]
    assert variant.free_threaded == name.endswith("t")
    assert ("--disable-gil" in variant.configure) == name.endswith("t")


@pytest.mark.parametrize("label,free", [
    ("3.14t", True), ("3.14", False), ("3.14t PYTHON_GIL=1", True), ("3.13 PYTHON_GIL=0", False),
    ("3.16t", True), ("3.16", False), ("", False)])
def test_free_threaded_is_the_catalog_flag_and_for_other_builds_the_t_suffix(label, free):
    assert catalog.is_free_threaded(label) is free


def test_gil_and_free_threaded_builds_of_a_release_share_the_tarball():
    variants = catalog.load()
    for name in ("3.13", "3.14", "3.15"):
        assert variants[name].sha256 == variants[name + "t"].sha256
        assert variants[name].version == variants[name + "t"].version


def test_315_is_labelled_a_release_candidate_and_builds_decimal():
    for name in ("3.15", "3.15t"):
        variant = catalog.load()[name]
        assert variant.prerelease
        assert "release candidate" in variant.label
        assert "--without-system-libmpdec" in variant.configure
    assert not catalog.load()["3.14"].prerelease


def test_aliases_resolve_to_the_314_builds():
    assert catalog.resolve("gil").name == "3.14"
    assert catalog.resolve("nogil").name == "3.14t"
    assert [v.name for v in catalog.resolve_all(["nogil", "3.14t", "gil"])] == ["3.14t", "3.14"]


def test_unknown_variant_is_a_usage_error_listing_the_known_ones():
    with pytest.raises(UserError) as caught:
        catalog.resolve("3.99")
    assert caught.value.code == 2
    message = str(caught.value)
    assert "\n" not in message
    for name in [*EXPECTED, "gil", "nogil"]:
        assert name in message
