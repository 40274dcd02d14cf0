"""A dropped SSH link: `tutor` in a real pseudo-terminal exits cleanly on SIGHUP.

Closing the terminal's master side is what sshd does when the link drops: the
kernel sends SIGHUP to the session. Without a handler Python dies of the signal
(no cleanup); TutorApp turns it into a normal exit (workers cancelled, the
progress store closed), so the exit status is 0.
"""
from __future__ import annotations

import os
import select
import signal
import struct
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

TUTOR = Path(sys.executable).parent / "tutor"


def read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    seen = b""
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def wait_exit(pid: int, deadline: float) -> int | None:
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.02)
    return None


def start_tutor(data_dir: Path) -> tuple[int, int]:
    """`tutor` on a new 80x24 pseudo-terminal: its pid and the terminal's master side."""
    env = dict(os.environ, NN_TUTOR_DATA_DIR=str(data_dir), TERM="xterm-256color")
    pid, fd = pty.fork()
    if pid == 0:  # the child: become `tutor` on the new terminal
        os.execve(str(TUTOR), [str(TUTOR)], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


@pytest.mark.skipif(not TUTOR.exists(), reason="the tutor console script is not installed")
def test_tutor_exits_cleanly_when_the_terminal_hangs_up(tmp_path):
    pid, fd = start_tutor(tmp_path)
    status = None
    try:
        drawn = read_until(fd, b"Lessons", time.monotonic() + 30)
        assert b"Lessons" in drawn, drawn[-500:]
        os.close(fd)  # hang up
        status = wait_exit(pid, time.monotonic() + 15)
    finally:
        if status is None:  # never leave a tutor behind
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert status is not None, "tutor still running 15 s after the hangup"
    assert not os.WIFSIGNALED(status), f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    assert os.WEXITSTATUS(status) == 0


@pytest.mark.skipif(not TUTOR.exists(), reason="the tutor console script is not installed")
def test_tutor_quits_cleanly_on_sigterm(tmp_path):
    """SIGTERM (`kill`, a shutdown) used to kill the tutor where it stood (exit 143),
    leaving the terminal in the alternate screen; now it quits the usual way."""
    pid, fd = start_tutor(tmp_path)
    status = None
    try:
        drawn = read_until(fd, b"Lessons", time.monotonic() + 30)
        assert b"Lessons" in drawn, drawn[-500:]
        os.kill(pid, signal.SIGTERM)
        # Leaving the alternate screen and showing the cursor is the last thing written.
        restored = read_until(fd, b"\x1b[?25h", time.monotonic() + 15)
        status = wait_exit(pid, time.monotonic() + 15)
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert not os.WIFSIGNALED(status), f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    assert os.WEXITSTATUS(status) == 0
    assert b"\x1b[?1049l" in restored and b"\x1b[?1000l" in restored, restored[-300:]
    assert not (tmp_path / "progress.db-wal").exists()  # the store was closed
