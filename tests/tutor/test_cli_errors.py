"""Every bad command line, for every command: one line naming the command, exit code 2."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tutor.cli import build_parser, main

COMMANDS = sorted(build_parser().commands)  # every command, including new ones


def one_line_error(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and captured.out == "", captured.err
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_option_is_one_line_naming_the_command(command, capsys):
    before = ["quiz", "derivatives"] if command == "quiz" else [command]
    line = one_line_error(capsys, [*before, "--frobnicate"])
    assert line == f"tutor {command}: error: unknown option --frobnicate (see `tutor {command} --help`)"


def test_an_unknown_option_without_a_command_names_tutor(capsys):
    assert one_line_error(capsys, ["--frobnicate"]) == \
        "tutor: error: unknown option --frobnicate (see `tutor --help`)"


def test_a_misspelt_option_is_suggested(capsys):
    assert one_line_error(capsys, ["train", "--activaton", "relu"]) == \
        "tutor train: error: unknown option --activaton (did you mean --activation?)"


@pytest.mark.parametrize("argv, message", [
    (["train", "--lr"], "tutor train: error: --lr: expected one argument"),
    (["drill", "--seed", "x"], "tutor drill: error: --seed: expected a whole number, got 'x'"),
    (["serve", "--port", "x"], "tutor serve: error: --port: expected a whole number, got 'x'"),
    (["quiz"], "tutor quiz: error: the following arguments are required: lesson_id"),
    (["lessons", "extra"], "tutor lessons: error: unexpected argument 'extra' (see `tutor lessons --help`)"),
    (["frob"], "tutor: error: COMMAND: invalid choice: 'frob'"),
    (["lab", "--frob"], "tutor lab: error: unknown option --frob (see `tutor lab --help`)"),  # not "--lr?"
])
def test_other_argparse_errors_are_one_line_too(argv, message, capsys):
    assert one_line_error(capsys, argv).startswith(message)


def test_the_installed_command_prints_no_usage_block():
    result = subprocess.run([sys.executable, "-m", "tutor", "train", "--frobnicate"], capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr == "tutor train: error: unknown option --frobnicate (see `tutor train --help`)\n"
