"""One machine for a class: each learner logs in over SSH straight into the tutor,
and each keeps their own progress (README, section "Classroom")."""
from __future__ import annotations

import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from e2e_support import REPO, current_user, find_tool, start_sshd, stop, wait_for

from tutor.progress import Progress

LESSON = '''\
+++
id = "mini"
title = "Mini lesson"
requires = []
+++
Prose.

```quiz
id = "cube"
kind = "derivative"
prompt = "Differentiate x³."
function = "x^3"
explanation = "3x², by the power rule."
```

```quiz
id = "pick"
kind = "choice"
prompt = "Which is the sigmoid's largest slope?"
choices = ["one", "¼", "½"]
answer = 2
explanation = "At 0, σ = ½ and σ′ = ¼."
```
'''


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "01-mini.md").write_text(LESSON, encoding="utf-8")
    return folder


def learner_env(home: Path, lessons: Path, xdg_data_home: Path | None) -> dict[str, str]:
    """The environment a login gives one learner: their HOME (and maybe XDG_DATA_HOME),
    and no NN_TUTOR_DATA_DIR, so that the store goes where platformdirs puts it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NN_TUTOR_DATA_DIR", "XDG_DATA_HOME")}
    env.update(HOME=str(home), NN_TUTOR_LESSONS=str(lessons))
    if xdg_data_home is not None:
        env["XDG_DATA_HOME"] = str(xdg_data_home)
    return env


def answer_quiz(tutor: Path, env: dict[str, str], answers: list[str]) -> None:
    """`tutor quiz mini` with these lines typed, as one learner's process."""
    result = subprocess.run([str(tutor), "quiz", "mini"], input="\n".join(answers) + "\n",
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "answers saved" in result.stdout or "answer saved" in result.stdout, result.stdout


def stores_under(home: Path) -> list[Path]:
    return sorted(home.rglob("progress.db"))


def test_two_learners_keep_separate_progress(tutor_bin, lessons, tmp_path):
    alice, bob = tmp_path / "home" / "alice", tmp_path / "home" / "bob"
    alice.mkdir(parents=True)
    bob.mkdir(parents=True)
    # Alice's login sets only HOME (data in ~/.local/share); Bob's also sets XDG_DATA_HOME.
    answer_quiz(tutor_bin, learner_env(alice, lessons, None), ["3x^2", "b"])
    answer_quiz(tutor_bin, learner_env(bob, lessons, bob / "xdg-data"), ["x^3", "", "a"])

    [alice_store] = stores_under(alice)
    [bob_store] = stores_under(bob)
    assert alice_store.is_relative_to(alice / ".local" / "share")
    assert bob_store.is_relative_to(bob / "xdg-data")
    assert not stores_under(tmp_path / "lessons")
    with Progress(alice_store) as store:
        assert [(a.quiz_id, a.text, a.correct) for a in store.answers()] == [
            ("cube", "3x^2", True), ("pick", "b", True)]
        assert store.completed() == {"mini"}
    with Progress(bob_store) as store:
        assert [(a.quiz_id, a.text, a.correct) for a in store.answers()] == [
            ("cube", "x^3", False), ("pick", "a", False)]
        assert store.completed() == set()


def readme_match_block() -> str:
    """The sshd_config example of the README's Classroom section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Classroom", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```[^\n]*\n(.*?)```", section, flags=re.S)
    [block] = [b for b in blocks if "ForceCommand" in b]
    return textwrap.dedent(block)


def test_readme_sshd_example_is_valid_config(tmp_path):
    """sshd -t accepts the README's Match block (appended to a config of our own)."""
    block = readme_match_block()
    assert re.search(r"^Match Group learners$", block, flags=re.M), block
    assert re.search(r"^\s+ForceCommand /\S+/tutor$", block, flags=re.M), block
    server = start_sshd(tmp_path / "sshd")  # skips when sshd cannot run here
    stop(server.process)
    config = tmp_path / "sshd" / "sshd_config"
    config.write_text(config.read_text() + block)
    check = subprocess.run([find_tool("sshd"), "-t", "-f", str(config)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr


def test_force_command_puts_the_learner_in_the_tutor(tutor_bin, lessons, tmp_path, tmux):
    """With ForceCommand, a login runs the tutor, whatever command the client asks for,
    and the learner's progress goes to the data folder of their own login."""
    home_data = tmp_path / "learner-data"
    server = start_sshd(tmp_path / "sshd", extra_config=(
        f"Match User {current_user()}\n"
        f"    ForceCommand {tutor_bin}\n"
        f"    SetEnv XDG_DATA_HOME={home_data} NN_TUTOR_LESSONS={lessons}\n"
        "    DisableForwarding yes\n"
    ))
    try:
        sneaky = tmp_path / "not-the-tutor"
        tmux.start(server.shell_command(f"touch {sneaky}"), 100, 30)
        wait_for(lambda: "Mini lesson" in tmux.screen(), 20,
                 "the tutor's course map (with the lesson) over SSH", tmux.screen)
        tmux.press("C-q")
        assert tmux.wait_exit(10, "the session to end after ctrl+q") == 0, tmux.screen()
        assert "Traceback" not in tmux.screen()
        assert not sneaky.exists(), "the client's own command ran despite ForceCommand"
        assert (home_data / "nn-tutor" / "progress.db").exists()
    finally:
        stop(server.process)

