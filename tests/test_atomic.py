"""Atomic writes of the bottom layer: a folder replaces another whole, or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from casekit.files import atomic


@pytest.fixture
def old(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "old.txt").write_text("old")
    return folder


def test_a_staged_folder_replaces_an_existing_one_whole(old):
    with atomic.staged_directory(old) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(path.name for path in old.parent.iterdir()) == ["project"]
    assert sorted(path.name for path in old.iterdir()) == ["new.txt"]


def test_a_failed_block_leaves_the_existing_folder_as_it_was(old):
    with pytest.raises(RuntimeError), atomic.staged_directory(old) as staging:
        (staging / "new.txt").write_text("new")
        raise RuntimeError("the block fails")
    assert sorted(path.name for path in old.parent.iterdir()) == ["project"]
    assert (old / "old.txt").read_text() == "old"


def test_a_failed_swap_puts_the_existing_folder_back(old, monkeypatch):
    rename = os.rename

    def refuse_the_new_folder(source, target):
        if Path(source).name == "incoming":
            raise OSError("refused")
        rename(source, target)

    incoming = old.parent / "incoming"
    incoming.mkdir()
    monkeypatch.setattr(os, "rename", refuse_the_new_folder)
    with pytest.raises(OSError, match="refused"):
        atomic.move_into_place(incoming, old)
    assert sorted(path.name for path in old.parent.iterdir()) == ["incoming", "project"]
    assert (old / "old.txt").read_text() == "old"
