"""Watching training live over a real SSH login (DESIGN.md section 7).

The tests log in to a private sshd on 127.0.0.1 with `ssh -t`, inside a tmux
window that plays the learner's terminal, run the tutor there, and read the
screen back from tmux.
"""
from __future__ import annotations

import os
import re
import signal
import sqlite3
from pathlib import Path

import pytest
from e2e_support import ENDLESS_RUN, RemoteLab, epoch_shown, process_gone, wait_for

from tutor.progress import Progress

# Chart points: plotext's braille dots, or bullets where the console has no braille (TERM=linux).
CHART_POINT = re.compile("[\u2801-\u28ff\u2022]")
RICH_COLOUR = re.compile(r"\x1b\[[0-9;]*[34]8;[25];")  # 256-colour or true-colour SGR
BASIC_COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|4[0-7]|9[0-7]|10[0-7])[;m]")


def charts_drawn(screen: str) -> bool:
    """A chart's y axis (ticks on ┤) with a line of points plotted on it."""
    return "┤" in screen and len(CHART_POINT.findall(screen)) >= 20


def quit_cleanly(lab: RemoteLab) -> None:
    """ctrl+q ends the tutor, the remote process and the SSH session, with no traceback."""
    lab.tmux.press("C-q")
    assert lab.tmux.wait_exit(15, "the SSH session to end after ctrl+q") == 0, lab.describe()
    wait_for(lambda: process_gone(lab.pid), 5, "the remote tutor process to end", lab.describe)
    assert "Traceback" not in lab.screen(), lab.describe()


@pytest.mark.parametrize(("term", "width", "height"), [
    ("xterm-256color", 120, 40),
    ("linux", 80, 24),
])
def test_lab_over_ssh_trains_live_pauses_and_quits(remote_lab, term, width, height):
    lab = remote_lab.start(term, width, height)

    # Live: the epoch counter moves on between two looks at the screen, charts drawn.
    first = lab.wait_epoch_above(0)
    lab.wait_epoch_above(first)
    assert charts_drawn(lab.screen()), lab.describe()
    assert "running" in lab.screen()
    styled = lab.tmux.styled_screen()
    if term == "linux":  # 16 colours: only the basic SGR colours reach the terminal
        assert not RICH_COLOUR.search(styled), repr(RICH_COLOUR.search(styled))
        assert BASIC_COLOUR.search(styled)
    else:
        assert RICH_COLOUR.search(styled)

    # A key over SSH pauses it: the status says so and the counter stops (it stays put
    # for several refreshes, where a running trainer does thousands of epochs a second).
    # Each step (n) then moves it by exactly one epoch.
    lab.tmux.press("Space")
    wait_for(lambda: "paused" in lab.screen(), 10, "the status to show the run paused",
             lab.describe)
    paused_at = lab.settled_epoch()
    lab.tmux.press("n")
    stepped = lab.settled_epoch(above=paused_at)
    assert stepped == paused_at + 1, lab.describe()
    lab.tmux.press("n")
    assert lab.settled_epoch(above=stepped) == stepped + 1, lab.describe()
    assert "paused" in lab.screen()
    lab.tmux.press("Space")  # and it resumes
    lab.wait_epoch_above(stepped + 1, timeout=10)

    quit_cleanly(lab)


# A lesson with a long run and a quiz: answered in the app, then trained, then dropped.
DROP_LESSON = """\
+++
id = "drop"
title = "Dropped link"
requires = []
+++
Train, answer, and lose the connection.

```lab
title = "A long run"
dataset = "xor"
layers = [2, 4, 1]
epochs = 100000000
```

```quiz
id = "cube"
kind = "derivative"
prompt = "Differentiate x³."
function = "x^3"
explanation = "3x², by the power rule."
```
"""


def test_dropped_connection_ends_the_app_and_keeps_answers(remote_lab, data_dir, tmp_path):
    db = data_dir / "progress.db"
    with Progress(db) as store:  # an answer from an earlier session
        store.record_answer("derivatives", "power", "x^2", False)
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-drop.md").write_text(DROP_LESSON, encoding="utf-8")

    # Over SSH, as a learner: open the lesson, answer its quiz, then start its run.
    # (100 columns: the lesson has no contents sidebar. `j` puts the keyboard in the next
    # quiz's answer; three Tabs through the lab card's buttons once missed it in a loaded
    # CI run. Shift+Tab from the answer is the card's "Open and start".)
    lab = remote_lab.open([], width=100, height=30, NN_TUTOR_LESSONS=str(lessons))
    keys = lab.tmux.press
    wait_for(lambda: "Dropped link" in lab.screen(), 20, "the course map", lab.describe)
    lab.settled_screen()
    keys("Enter")
    wait_for(lambda: "Differentiate x³" in lab.screen(), 10, "the lesson", lab.describe)
    lab.settled_screen()
    keys("j")
    keys("3x^2")
    wait_for(lambda: "3x^2" in lab.screen(), 10, "the typed answer", lab.describe)
    keys("Enter")
    wait_for(lambda: "Right. Read as" in lab.screen(), 10, "the verdict", lab.describe)
    keys("BTab", "Enter")  # back to "Open and start"
    lab.wait_epoch_above(0)
    assert (data_dir / "progress.db-wal").exists()  # the tutor's connection holds the WAL open

    ssh_client = lab.tmux.pane_pid()
    os.kill(ssh_client, signal.SIGKILL)  # the link drops: sshd hangs up the remote pty
    wait_for(lambda: process_gone(ssh_client), 5, "the ssh client to die")
    # A generous deadline: on a loaded 2-core machine the clean exit (Textual's shutdown,
    # the store's checkpoint) took over a second now and then; a tutor that ignored the
    # hang-up would still be running after any deadline.
    wait_for(lambda: process_gone(lab.pid), 15,
             "the remote tutor to exit after the hang-up (SIGHUP)", lab.describe)
    # It closed its store on the way out: SQLite folds the WAL back into the database
    # when the last connection closes; a killed process would leave it behind.
    assert not (data_dir / "progress.db-wal").exists()

    with Progress(db) as store:
        assert [(a.lesson_id, a.quiz_id, a.text, a.correct) for a in store.answers()] == [
            ("derivatives", "power", "x^2", False),
            ("drop", "cube", "3x^2", True),
        ]
        assert store.completed() == {"drop"}
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def test_sighup_with_the_terminal_still_there_quits_the_usual_way(tmux, tutor_bin, data_dir):
    """`kill -HUP` is not always a dropped link: with the terminal alive, the tutor
    leaves through its normal shutdown (exit code 0, terminal restored)."""
    tmux.start(f"NN_TUTOR_DATA_DIR={data_dir} exec {tutor_bin} lab --start {' '.join(ENDLESS_RUN)}",
               100, 30)
    wait_for(lambda: epoch_shown(tmux.screen()), 20, "the Lab to train", tmux.screen)
    os.kill(tmux.pane_pid(), signal.SIGHUP)
    assert tmux.wait_exit(5, "the tutor to quit on SIGHUP") == 0, tmux.screen()
    assert "epoch" not in tmux.screen()  # the alternate screen was left: the Lab is gone
    assert not (data_dir / "progress.db-wal").exists()


def test_sigterm_restores_the_terminal_and_closes_the_store(tmux, tutor_bin, data_dir):
    """`kill -TERM` (a service manager, a shutdown) quits the usual way: exit code 0,
    the alternate screen left, mouse tracking off, the cursor shown, the WAL merged.

    A shell stays in the pane after the tutor (tmux hides the cursor of a dead pane)."""
    tmux.start(f"NN_TUTOR_DATA_DIR={data_dir} {tutor_bin} lab --start {' '.join(ENDLESS_RUN)}; "
               "echo tutor exited with $?; exec sleep 600", 100, 30)
    wait_for(lambda: epoch_shown(tmux.screen()), 20, "the Lab to train", tmux.screen)
    modes = tmux.terminal_modes()
    assert modes["alternate_on"] == "1" and modes["cursor_flag"] == "0", modes
    assert (data_dir / "progress.db-wal").exists()
    shell = tmux.pane_pid()
    tutor = int(Path(f"/proc/{shell}/task/{shell}/children").read_text().split()[0])
    os.kill(tutor, signal.SIGTERM)
    wait_for(lambda: "tutor exited with" in tmux.screen(), 15, "the tutor to quit on SIGTERM",
             tmux.screen)
    assert "tutor exited with 0" in tmux.screen(), tmux.screen()
    modes = tmux.terminal_modes()
    assert modes == {"alternate_on": "0", "mouse_standard_flag": "0", "mouse_button_flag": "0",
                     "mouse_any_flag": "0", "mouse_sgr_flag": "0", "cursor_flag": "1"}, modes
    assert "epoch" not in tmux.screen()
    assert not (data_dir / "progress.db-wal").exists()


def test_resizing_mid_run_never_crashes(remote_lab):
    lab = remote_lab.start("xterm-256color", 200, 60)
    epoch = lab.wait_epoch_above(0)

    def check(width: int, height: int) -> None:
        nonlocal epoch
        if width < 40 or height < 12:  # below the minimum: a notice, the run goes on
            wait_for(lambda: "too small" in lab.screen(), 20,
                     f"the 'too small' notice at {width}x{height}", lab.describe)
        else:
            epoch = lab.wait_epoch_above(epoch)
            wait_for(lambda: "too small" not in lab.screen(), 20,
                     f"the notice to go at {width}x{height}", lab.describe)
            lines = lab.screen().splitlines()
            assert len(lines) == height and max(map(len, lines)) <= width
        assert lab.alive(), lab.describe()

    for width, height in [(80, 24), (40, 12), (30, 10), (200, 60), (40, 12), (80, 24)]:
        lab.tmux.resize(width, height)
        assert lab.tmux.size() == (width, height)
        check(width, height)
    # Resizes in quick succession, not waiting for the app in between: whatever it
    # was doing when the last one arrived, it ends in the state of the last size.
    for sizes in [[(30, 10), (200, 60)], [(200, 60), (30, 10)], [(30, 10), (120, 40), (30, 10),
                                                                  (120, 40)]]:
        for width, height in sizes:
            lab.tmux.resize(width, height)
        check(*sizes[-1])
    quit_cleanly(lab)
