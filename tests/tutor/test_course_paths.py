"""Where the lessons are: the environment override, the wheel's copy, the source checkout."""
from __future__ import annotations

from pathlib import Path

import tutor
from tutor.course import paths
from tutor.course.paths import lessons_dir

REPO = Path(tutor.__file__).resolve().parent.parent


def test_source_checkout_uses_the_repository_lessons(monkeypatch):
    monkeypatch.delenv("NN_TUTOR_LESSONS", raising=False)
    assert not (REPO / "tutor" / "_lessons").exists()
    assert lessons_dir() == REPO / "lessons"
    assert (lessons_dir() / "01-derivatives.md").is_file()


def test_installed_wheel_uses_the_packaged_copy(monkeypatch, tmp_path):
    monkeypatch.delenv("NN_TUTOR_LESSONS", raising=False)
    (tmp_path / "tutor" / "_lessons").mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "tutor")
    assert lessons_dir() == tmp_path / "tutor" / "_lessons"


def test_environment_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("NN_TUTOR_LESSONS", str(tmp_path))
    assert lessons_dir() == tmp_path
