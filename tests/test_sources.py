"""Source resolution (python.org, the Debian pool, --source) and checksum verification."""

import hashlib
from pathlib import Path

import pytest

from inparallel.build import catalog, sources
from inparallel.build.catalog import Variant
from inparallel.errors import UserError

APT = Path(__file__).parent / "fixtures" / "apt"


def fake_variant(payload: bytes, version: str = "3.14.7") -> Variant:
    return Variant("3.14", version, hashlib.sha256(payload).hexdigest(), (), "", version)


def test_mirrors_come_from_both_apt_formats_and_skip_non_archive_repositories():
    assert sources.debian_mirrors([APT]) == [
        "http://deb822.example.net/debian",
        "http://mirror.example.org/debian",
    ]


def test_python_org_is_tried_first_then_each_pool():
    urls = sources.candidate_urls(catalog.load()["3.14t"], apt_paths=[APT])
    assert urls == [
        "https://www.python.org/ftp/python/3.14.7/Python-3.14.7.tar.xz",
        "http://deb822.example.net/debian/pool/main/p/python3.14/python3.14_3.14.7.orig.tar.xz",
        "http://mirror.example.org/debian/pool/main/p/python3.14/python3.14_3.14.7.orig.tar.xz",
    ]


def test_release_candidates_use_each_archives_own_version_spelling():
    urls = sources.candidate_urls(catalog.load()["3.15"], apt_paths=[APT])
    assert urls[0] == "https://www.python.org/ftp/python/3.15.0/Python-3.15.0rc2.tar.xz"
    assert urls[1].endswith("/python3.15/python3.15_3.15.0~rc2.orig.tar.xz")


def test_fetch_falls_back_to_the_next_source_and_verifies(tmp_path):
    payload = b"pretend tarball"
    (tmp_path / "good.tar.xz").write_bytes(payload)
    variant = fake_variant(payload)
    urls = [(tmp_path / "absent.tar.xz").as_uri(), (tmp_path / "good.tar.xz").as_uri()]
    got = sources.fetch(variant, tmp_path / "dl", urls=urls)
    assert got.read_bytes() == payload
    assert got.name == "Python-3.14.7.tar.xz"
    assert not list((tmp_path / "dl").glob("*.part"))


def test_checksum_mismatch_is_an_error_and_keeps_nothing(tmp_path):
    (tmp_path / "evil.tar.xz").write_bytes(b"tampered")
    variant = fake_variant(b"the genuine bytes")
    with pytest.raises(UserError, match="checksum mismatch"):
        sources.fetch(variant, tmp_path / "dl", urls=[(tmp_path / "evil.tar.xz").as_uri()])
    assert list((tmp_path / "dl").iterdir()) == []


def test_a_corrupted_cached_tarball_is_replaced(tmp_path):
    payload = b"genuine"
    variant = fake_variant(payload)
    downloads = tmp_path / "dl"
    downloads.mkdir()
    (downloads / variant.tarball).write_bytes(b"bit rot")
    (tmp_path / "src.tar.xz").write_bytes(payload)
    got = sources.fetch(variant, downloads, urls=[(tmp_path / "src.tar.xz").as_uri()])
    assert got.read_bytes() == payload


def test_local_source_is_verified_before_use(tmp_path):
    variant = fake_variant(b"genuine")
    bad = tmp_path / "Python-3.14.7.tar.xz"
    bad.write_bytes(b"not it")
    with pytest.raises(UserError, match="checksum mismatch"):
        sources.fetch(variant, tmp_path / "dl", source=bad)
    assert bad.exists(), "the user's own file is never deleted"
    assert list((tmp_path / "dl").iterdir()) == []
    good = tmp_path / "mine.tar.xz"
    good.write_bytes(b"genuine")
    assert sources.fetch(variant, tmp_path / "dl", source=good).read_bytes() == b"genuine"


def test_unreachable_sources_list_what_was_tried_and_name_source(tmp_path):
    variant = fake_variant(b"x")
    urls = [(tmp_path / "a.tar.xz").as_uri(), "http://127.0.0.1:9/b.tar.xz"]
    with pytest.raises(UserError) as caught:
        sources.fetch(variant, tmp_path / "dl", urls=urls)
    message = str(caught.value)
    assert urls[0] in message and urls[1] in message
    assert "--source" in message
    assert "\n" not in message
