"""Helpers for the tests that back the lessons' claims with engine runs."""
from __future__ import annotations

import functools

import pytest

import engine


def train(**settings):
    """Run engine.RunConfig(**settings) epoch by epoch, stopping at divergence.

    Returns (records, net, data): one EpochRecord per epoch run.
    """
    config = engine.RunConfig.from_mapping(settings)
    net, trainer, data = config.build()
    records = []
    for _ in range(config.epochs):
        records.append(trainer.run_epoch())
        if records[-1].diverged:
            break
    return records, net, data


@pytest.fixture
def run():
    return train


@functools.cache
def _course():
    from tutor.course.loader import load_course
    from tutor.course.paths import lessons_dir

    return load_course(lessons_dir())


def lesson(lesson_id: str):
    """The course's lesson `lesson_id` as the app loads it, so that a test runs the
    lesson's own blocks and an edit of the lesson cannot drift from its test."""
    return _course().lesson(lesson_id)


def lab(lesson_id: str, title: str):
    """The RunConfig of the lab block titled `title` in lesson `lesson_id`."""
    labs = {block.title: block.config for block in lesson(lesson_id).labs}
    return labs[title]


def compare_block(lesson_id: str, title: str):
    """The lesson's compare block with this title."""
    return next(block for block in lesson(lesson_id).compares if block.title == title)


@functools.cache
def trained_comparison(lesson_id: str, title: str):
    """The lesson's compare block `title`, trained to its last epoch (once per test run)."""
    comparison = compare_block(lesson_id, title).comparison()
    comparison.run()
    return comparison


def snapshots(config, epochs):
    """Train `config` to the last of `epochs`; return ({epoch: (its record, a copy of the
    network after it)} for each epoch in `epochs`, the data)."""
    net, trainer, data = config.build()
    seen = {}
    for epoch in range(1, max(epochs) + 1):
        record = trainer.run_epoch()
        if epoch in epochs:
            seen[epoch] = (record, net.copy())
    return seen, data


def solve_with_tutor_quiz(lesson_id, learner, monkeypatch, tmp_path, capsys):
    """Answer every quiz of `lesson_id` through `tutor quiz` as a learner: the typical wrong
    answer, then the right one (a predict quiz: the right one only, since a wrong prediction
    shows the answer). `learner` maps quiz id -> ((right, right in another notation), wrong,
    words of the wrong answer's feedback). Checks the lesson ends solved and every such
    feedback was printed."""
    from tutor.cli import main

    monkeypatch.delenv("NN_TUTOR_LESSONS", raising=False)
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path))
    quizzes = lesson(lesson_id).quizzes
    lines = []
    for quiz in quizzes:
        (right, _), wrong, _ = learner[quiz.id]
        lines += [right] if quiz.kind == "predict" else [wrong, right]
    monkeypatch.setattr("builtins.input", lambda prompt="": lines.pop(0))
    assert main(["quiz", lesson_id]) == 0
    out = capsys.readouterr().out
    assert f"Score: {len(quizzes)} of {len(quizzes)} solved." in out and "Lesson complete." in out
    for quiz in quizzes:
        if quiz.kind != "predict":
            assert learner[quiz.id][2] in out, quiz.id


def answer_as_a_learner(quiz, entry) -> None:
    """`entry` = ((right, right in another notation), a typical wrong answer, words of its
    feedback): both rights are judged right, the wrong one wrong with that feedback."""
    from tutor.course.answers import check_answer

    (first, second), wrong, words = entry
    for right in (first, second):
        verdict = check_answer(quiz, right)
        assert verdict.correct, (right, verdict.feedback)
    verdict = check_answer(quiz, wrong)
    assert not verdict.correct and verdict.understood, verdict.feedback
    assert words in verdict.feedback, verdict.feedback
