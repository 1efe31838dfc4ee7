"""The writer: schema-checked, atomic, never clobbering, and a finished run is never lost."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import pytest
from record_samples import record, v1

from inparallel.errors import UserError
from inparallel.records import load, store

RECORD = record(machine="amd-epyc", started="2026-11-25T13:05:12Z")


@pytest.fixture
def unsaved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private fallback folder, so that tests never leave files in the user's state folder."""
    folder = tmp_path / "unsaved"
    monkeypatch.setenv(store.UNSAVED_ENV, str(folder))
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its content: to show that nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _kept(unsaved: Path) -> list[Path]:
    return sorted(p for p in unsaved.rglob("*.json"))


def test_a_complete_record_has_no_problems():
    assert store.problems(RECORD) == []
    assert store.problems({**RECORD, "machine": {}}) == ["machine lacks 'id', 'hostname', "
                                                         "'cpu_model', 6 more"]


def test_file_name_says_date_machine_and_cores():
    assert store.file_name(RECORD) == "20261125T130512Z_amd-epyc_2cpu.json"
    assert store.file_name({**RECORD, "quick": True}).endswith("_2cpu_quick.json")


def test_write_stores_a_record_the_loader_reads_back(data_dir, unsaved):
    path = store.write(RECORD)
    assert path == data_dir / "nogil" / store.file_name(RECORD)
    assert json.loads(path.read_text()) == RECORD
    assert load.read(path).runs[0].results[0].median == RECORD["runs"][0]["results"][0]["median"]
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no temporary left"
    assert not unsaved.exists()


def test_a_v1_record_is_refused_but_kept(data_dir, unsaved):
    with pytest.raises(UserError, match="schema_version is 1, expected 2"):
        store.write(v1(RECORD))
    assert len(_kept(unsaved)) == 1 and _tree(data_dir) == {}


def test_an_invalid_record_is_refused_but_kept_for_a_bug_report(data_dir, unsaved):
    broken = {**RECORD, "machine": {**RECORD["machine"], "usable_cpus": 0}}
    with pytest.raises(UserError) as caught:
        store.write(broken)
    message = str(caught.value)
    [kept] = _kept(unsaved)
    assert "\n" not in message
    assert "machine.usable_cpus is 0" in message and str(kept) in message
    assert json.loads(kept.read_text()) == broken
    assert _tree(data_dir) == {}


def test_a_second_run_in_the_same_second_never_overwrites_the_first(data_dir, unsaved):
    first = store.write(RECORD)
    before = _tree(data_dir)
    later = {**RECORD, "title": "a second run in the same second"}
    with pytest.raises(UserError, match="already exists") as caught:
        store.write(later)
    [kept] = _kept(unsaved)
    assert str(kept) in str(caught.value) and json.loads(kept.read_text()) == later
    assert _tree(data_dir) == before and first.exists()


def _move_command(message: str) -> str:
    assert "\n" not in message
    return message.split("move it into data/ with: ", 1)[1]


def _moved_back(message: str, data_dir: Path) -> None:
    """Run the command the message gives; the record then loads from data/."""
    subprocess.run(_move_command(message), shell=True, check=True)
    [path] = list(data_dir.glob("nogil/*.json"))
    assert json.loads(path.read_text()) == RECORD
    assert load.read(path).demo == "nogil"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_data_folder_keeps_the_run_elsewhere(data_dir, unsaved):
    data_dir.chmod(0o555)
    try:
        with pytest.raises(UserError, match="the folder is not writable") as caught:
            store.write(RECORD)
        assert _tree(data_dir) == {}
    finally:
        data_dir.chmod(0o755)
    [kept] = _kept(unsaved)
    assert json.loads(kept.read_text()) == RECORD
    _moved_back(str(caught.value), data_dir)


def test_a_data_folder_that_is_a_file_keeps_the_run_elsewhere(tmp_path, unsaved, monkeypatch):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    monkeypatch.setenv(store.DATA_ENV, str(blocker))
    with pytest.raises(UserError, match=r"could not write .* \(Not a directory\)") as caught:
        store.write(RECORD)
    assert blocker.read_text() == "not a folder"
    [kept] = _kept(unsaved)
    assert json.loads(kept.read_text()) == RECORD
    assert _move_command(str(caught.value)).startswith(f"mkdir -p {blocker}/nogil && mv -n ")


def test_permission_denied_keeps_the_run_elsewhere(data_dir, unsaved, monkeypatch):
    real_mkstemp = store.tempfile.mkstemp

    def refuse_in_data(*args, dir=None, **kwargs):
        if Path(dir).is_relative_to(data_dir):
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(store.tempfile, "mkstemp", refuse_in_data)
    with pytest.raises(UserError, match="the folder is not writable") as caught:
        store.write(RECORD)
    monkeypatch.undo()
    assert not any(p.is_file() for p in data_dir.rglob("*"))
    _moved_back(str(caught.value), data_dir)


def test_a_full_disk_keeps_the_run_elsewhere(data_dir, unsaved, monkeypatch):
    store.write({**RECORD, "started_at": "2026-11-24T00:00:00Z"})
    before = _tree(data_dir)
    real_fsync = os.fsync
    calls = []

    def full_once(fd):
        calls.append(fd)
        if len(calls) == 1:  # the write into data/; the fallback write then succeeds
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(store.os, "fsync", full_once)
    with pytest.raises(UserError, match="the disk is full") as caught:
        store.write(RECORD)
    monkeypatch.undo()
    assert _tree(data_dir) == before, "no partial or temporary file in data/"
    [kept] = _kept(unsaved)
    assert json.loads(kept.read_text()) == RECORD
    subprocess.run(_move_command(str(caught.value)), shell=True, check=True)
    assert len(load.load_demo(data_dir, "nogil")) == 2


def test_if_the_fallback_fails_too_the_system_temp_folder_takes_it(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(store.DATA_ENV, str(blocker / "data"))
    monkeypatch.setenv(store.UNSAVED_ENV, str(blocker / "unsaved"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(store.tempfile, "tempdir", str(tmp_path / "tmp"))
    with pytest.raises(UserError) as caught:
        store.write(RECORD)
    name = store.file_name(RECORD)
    [kept] = (tmp_path / "tmp").glob(f"python-in-parallel-unsaved-*/nogil/{name}")
    assert str(kept) in str(caught.value) and json.loads(kept.read_text()) == RECORD
    private = kept.parent.parent
    assert not private.is_symlink() and private.stat().st_mode & 0o777 == 0o700
    assert private.stat().st_uid == os.getuid()


def test_the_temp_fallback_never_follows_a_planted_link(tmp_path, monkeypatch):
    blocker, planted = tmp_path / "file", tmp_path / "someone-elses"
    blocker.write_text("")
    planted.mkdir()
    temp = tmp_path / "tmp"
    temp.mkdir()
    # Another user got there first: the old fixed name, as a link to a folder of theirs.
    (temp / "python-in-parallel-unsaved").symlink_to(planted, target_is_directory=True)
    monkeypatch.setenv(store.DATA_ENV, str(blocker / "data"))
    monkeypatch.setenv(store.UNSAVED_ENV, str(blocker / "unsaved"))
    monkeypatch.setattr(store.tempfile, "tempdir", str(temp))
    with pytest.raises(UserError) as caught:
        store.write(RECORD)
    assert list(planted.rglob("*")) == []
    [kept] = temp.glob(f"python-in-parallel-unsaved-*/nogil/{store.file_name(RECORD)}")
    assert str(kept) in str(caught.value) and not kept.parent.parent.is_symlink()


def test_an_invalid_record_with_odd_values_is_still_kept(data_dir, unsaved):
    broken = {**RECORD, "settings": {"limit": float("nan"), "where": Path("/x")}}
    with pytest.raises(UserError, match=r"settings\.limit is nan, not a finite number"):
        store.write(broken)
    [kept] = _kept(unsaved)
    assert '"limit": NaN' in kept.read_text() and _tree(data_dir) == {}
