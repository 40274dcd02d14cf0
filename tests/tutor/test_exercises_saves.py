"""workspace.Saves: what the Exercises screen's poll sees of the learner's saves."""
from __future__ import annotations

import os

from tutor.exercises.workspace import Saves


def touch(path, text: str, when: int) -> None:
    """Write `text` with the mtime `when` (seconds): two saves within one clock tick still differ."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(when * 10**9, when * 10**9))


def test_a_save_is_given_once_a_poll_finds_it_settled(tmp_path):
    touch(tmp_path / "01_sigmoid.py", "starter", 1)
    saves = Saves(tmp_path)
    assert saves.poll() == set()                          # nothing saved
    touch(tmp_path / "01_sigmoid.py", "", 2)              # an editor truncated the file...
    assert saves.poll() == set()                          # ...caught half written: not yet
    touch(tmp_path / "01_sigmoid.py", "def sigmoid", 3)   # ...then filled it
    assert saves.poll() == set()
    assert saves.poll() == {"01_sigmoid.py"}              # unchanged since: checked once
    assert saves.poll() == set()


def test_a_deleted_file_and_files_the_tutor_wrote_are_not_given(tmp_path):
    touch(tmp_path / "01_sigmoid.py", "mine", 1)
    touch(tmp_path / "02_tanh.py", "mine", 1)
    saves = Saves(tmp_path)
    (tmp_path / "02_tanh.py").unlink()
    assert saves.poll() == set() and saves.poll() == set()   # gone: nothing to check
    touch(tmp_path / "01_sigmoid.py", "starter", 2)       # the tutor wrote it (a reset)
    saves.forget()
    assert saves.poll() == set() and saves.poll() == set()
    touch(tmp_path / "01_sigmoid.py", "edited", 3)
    (tmp_path / "01_sigmoid.py.bak").write_text("not a .py file")
    saves.poll()
    assert saves.poll() == {"01_sigmoid.py"}
