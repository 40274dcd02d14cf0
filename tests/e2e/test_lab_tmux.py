"""`tutor lab --start` in a real terminal (tmux, 120x36): it trains, draws, and quits on Ctrl+Q."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TUTOR = Path(sys.executable).parent / "tutor"   # the console script of this environment
GIVE_UP_SECONDS = 60.0  # a safety net against hanging; each wait ends as soon as its condition holds

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"),
    pytest.mark.skipif(not TUTOR.exists(), reason=f"no `tutor` console script at {TUTOR} (pip install -e .)"),
]

EPOCH = re.compile(r"epoch ([\d,]+)/")
BRAILLE = re.compile("[\u2801-\u28ff]")


class Tmux:
    """A private tmux server (its own socket), so that the test never touches the user's."""

    def __init__(self, name: str):
        self.socket = f"nn-tutor-test-{os.getpid()}-{name}"

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        # Without COLUMNS and LINES (pytest may set them): they would override the pane's size.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        return subprocess.run(["tmux", "-f", "/dev/null", "-L", self.socket, *args],
                              capture_output=True, text=True, check=check, timeout=10, env=env)

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "lab").stdout

    def kill(self) -> None:
        self("kill-server", check=False)


def poll(condition, what: str):
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def epoch_on(screen: str) -> int | None:
    match = EPOCH.search(screen)
    return int(match.group(1).replace(",", "")) if match else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_tutor_lab_start_trains_draws_and_quits(tmp_path):
    tmux = Tmux("lab")
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "TERM": "xterm-256color"}
    exports = " ".join(f"{key}={value}" for key, value in env.items())
    command = f"env -u COLUMNS -u LINES {exports} {TUTOR} lab --start --dataset circle --layers 2,4,4,1 --epochs 100000000"
    try:
        # A pane of the right size first, then the app in it (so that it starts at 120x36).
        tmux("new-session", "-d", "-s", "lab", "-x", "120", "-y", "36", "sleep 60")
        tmux("respawn-pane", "-k", "-t", "lab", command)
        assert tmux("display-message", "-p", "-t", "lab", "#{pane_width}x#{pane_height}").stdout.strip() == "120x36"
        pid = int(tmux("display-message", "-p", "-t", "lab", "#{pane_pid}").stdout.strip())

        def screen_past(epoch: int) -> str | None:
            """The screen, once its epoch counter is past `epoch`."""
            screen = tmux.screen()
            return screen if (epoch_on(screen) or 0) > epoch else None

        first = epoch_on(poll(lambda: screen_past(0), "the epoch counter"))
        second_screen = poll(lambda: screen_past(first), "the epoch counter to advance")
        assert epoch_on(second_screen) > first

        # The charts are drawn: titled panels, plot frames, and braille lines in them.
        for title in ("loss", "tracked weights", "log10 mean |δ| per layer", "network", "data and prediction"):
            assert title in second_screen, title
        assert second_screen.count("┤") >= 8              # y-axis ticks of the charts
        assert len(BRAILLE.findall(second_screen)) > 50    # the curves themselves
        assert "running" in second_screen

        tmux("send-keys", "-t", "lab", "C-q")
        poll(lambda: not alive(pid), "the tutor process to end")
    finally:
        tmux.kill()
