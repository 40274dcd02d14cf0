"""How many bytes a second the Lab sends to the terminal, by default and with --slow-link.

    python bench/bandwidth.py [--seconds N] [--settle S] [--width 120] [--height 40]

Runs `tutor lab --start` in a pseudo-terminal made here (120x40, TERM=xterm-256color,
as an SSH session would give it), waits until the status line shows training and then
S seconds more (start-up: the first full frames, the course loading), then counts
every byte the app writes for N seconds. Then the same with `--slow-link`. The bytes
of the start-up are reported apart.

1. Default mode:   KB/s sent.                                     Target <= 40 KB/s.
2. Slow-link mode: KB/s sent.                                     Target <= 8 KB/s.
3. Training speed: epochs trained in the window, slow link / default.  Target ~1
   (the low-bandwidth mode must not slow training), and each / the same run headless
   (a TrainingSession in a thread, no UI) over as many seconds, for reference.

It also prints what the bytes are: frames (Textual's synchronized updates, which this
pseudo-terminal says it supports, as modern terminals do), bytes per frame, and bytes
per second by widget: each stretch of output is charged to the widget under the
cursor position it starts at (Textual moves the cursor to each changed region), with
the widgets' regions read from the same Lab laid out headless at the same size.
The numbers come from one run of each mode on this machine.
"""
from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_TARGET_KBPS = 40.0
SLOW_LINK_TARGET_KBPS = 8.0
ENDLESS = "100000000"  # epochs: the run never ends during the measurement
START_TIMEOUT = 60.0

# Textual asks whether the terminal supports synchronized output (DECRQM 2026); a
# modern terminal answers "yes, reset", and Textual then brackets each frame.
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
FRAME_START = b"\x1b[?2026h"
CURSOR_TO = re.compile(rb"\x1b\[(\d+);(\d+)H")
ESCAPE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_]|\][^\x07\x1b]*(?:\x07|\x1b\\))")
EPOCH = re.compile(rb"epoch ([\d,]+)/")


@dataclass
class Measurement:
    label: str
    seconds: float = 0.0
    bytes: int = 0
    frames: int = 0
    first_epoch: int = 0
    last_epoch: int = 0
    bytes_by_cell: Counter = field(default_factory=Counter)  # (row, column) -> bytes
    startup_seconds: float = 0.0  # until training shows
    startup_bytes: int = 0        # until the window opens

    @property
    def kbps(self) -> float:
        return self.bytes / 1000 / self.seconds

    @property
    def epochs(self) -> int:
        return self.last_epoch - self.first_epoch


def last_epoch(text: bytes) -> int | None:
    """The last epoch counter the status line shows in this stretch of output."""
    plain = ESCAPE.sub(b"", text)
    found = EPOCH.findall(plain)
    return int(found[-1].replace(b",", b"")) if found else None


def charge_bytes(chunk: bytes, counts: Counter) -> None:
    """Charge each stretch of output to the (row, column) the cursor was moved to first
    (1-based, as the escape sequence says)."""
    moves = list(CURSOR_TO.finditer(chunk))
    for move, following in zip(moves, moves[1:] + [None]):
        end = following.start() if following else len(chunk)
        counts[int(move.group(1)), int(move.group(2))] += end - move.start()


def widget_regions(width: int, height: int) -> dict[str, tuple[int, int, int, int]]:
    """(x, y, width, height) of every widget with an id on the Lab screen, laid out
    headless at width x height (0-based, as Textual counts)."""
    import asyncio

    import engine
    from tutor.app import TutorApp

    async def lay_out() -> dict[str, tuple[int, int, int, int]]:
        with tempfile.TemporaryDirectory() as folder:
            app = TutorApp(lab_config=engine.RunConfig(epochs=int(ENDLESS)),
                           progress_path=Path(folder) / "progress.db")
            async with app.run_test(size=(width, height)) as pilot:
                for _ in range(100):
                    await pilot.pause(0.05)
                    if type(app.screen).__name__ == "LabScreen":
                        break
                await pilot.pause(0.2)
                return {f"{type(w).__name__}#{w.id}": tuple(w.region)
                        for w in app.screen.query("*") if w.id and w.region.area}

    return asyncio.run(lay_out())


def bytes_by_widget(m: Measurement, regions: dict) -> list[tuple[str, float]]:
    """KB/s charged to each widget (the smallest region holding the stretch's start)."""
    per: Counter = Counter()
    for (row, column), count in m.bytes_by_cell.items():
        y, x = row - 1, column - 1
        holders = [name for name, (rx, ry, w, h) in regions.items()
                   if rx <= x < rx + w and ry <= y < ry + h]
        name = min(holders, key=lambda n: regions[n][2] * regions[n][3]) if holders else "elsewhere"
        per[name] += count
    return [(name, count / 1000 / m.seconds) for name, count in per.most_common()]


def open_terminal(argv: list[str], width: int, height: int, env: dict[str, str]):
    """Start argv on a new pseudo-terminal of width x height; return (process, master fd)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def become_terminal_owner() -> None:  # as a login does: own session, pty as controlling tty
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                               preexec_fn=become_terminal_owner, close_fds=True)
    os.close(slave)
    return process, master


def measure(label: str, extra: list[str], seconds: float, settle: float, width: int,
            height: int, data_dir: str) -> Measurement:
    env = dict(os.environ, TERM="xterm-256color", NN_TUTOR_DATA_DIR=data_dir)
    for name in ("COLUMNS", "LINES", "NN_TUTOR_SLOW_LINK", "COLORTERM"):
        env.pop(name, None)
    argv = [sys.executable, "-m", "tutor", *extra, "lab", "--start", "--epochs", ENDLESS]
    process, master = open_terminal(argv, width, height, env)
    result = Measurement(label)
    started = time.monotonic()
    window_start = window_end = None
    pending = b""
    try:
        while window_end is None or time.monotonic() < window_end:
            now = time.monotonic()
            if window_start is None and result.startup_seconds == 0 and now - started > START_TIMEOUT:
                raise SystemExit(f"{label}: no epoch counter on screen after {START_TIMEOUT:g} s")
            if window_start is None and result.startup_seconds and now >= started + result.startup_seconds + settle:
                window_start, window_end = now, now + seconds  # start-up over: count from here
                result.first_epoch = result.last_epoch
            ready, _, _ = select.select([master], [], [], 0.02)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                raise SystemExit(f"{label}: tutor exited early (code {process.wait()})") from None
            if SYNC_QUERY in chunk:
                os.write(master, SYNC_REPLY)
            pending = (pending + chunk)[-4096:]
            epoch = last_epoch(pending)
            if epoch is not None:
                result.last_epoch = epoch
                if not result.startup_seconds and epoch > 0:
                    result.startup_seconds = time.monotonic() - started
            if window_start is None:
                result.startup_bytes += len(chunk)
                continue
            result.bytes += len(chunk)
            result.frames += chunk.count(FRAME_START)
            charge_bytes(chunk, result.bytes_by_cell)
        result.seconds = time.monotonic() - window_start
    finally:
        quit_tutor(process, master)
    return result


def quit_tutor(process: subprocess.Popen, master: int) -> None:
    """Ctrl+Q, reading what the app writes meanwhile; SIGHUP then SIGKILL if it lingers."""
    try:
        os.write(master, b"\x11")
    except OSError:
        pass
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                os.read(master, 1 << 16)
            except OSError:
                break
    if process.poll() is None:
        process.send_signal(signal.SIGHUP)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    os.close(master)


def headless_epochs(seconds: float) -> int:
    """Epochs the Lab's default run trains in `seconds` with no UI: a TrainingSession
    in a thread, as the Lab's worker runs it."""
    import engine
    from tutor.session import TrainingSession

    session = TrainingSession(engine.RunConfig(epochs=int(ENDLESS)))
    thread = threading.Thread(target=session.run)
    thread.start()
    time.sleep(seconds)
    count = session.log.count
    session.cancel()
    thread.join()
    return count


def verdict(value: float, target: float) -> str:
    return "meets target" if value <= target else "MISSES target"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring window (default 10)")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds of start-up left out after training shows (default 3)")
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nn-tutor-bandwidth-") as data_dir:
        default = measure("default", [], args.seconds, args.settle, args.width, args.height, data_dir)
        slow = measure("slow link", ["--slow-link"], args.seconds, args.settle, args.width,
                       args.height, data_dir)
    reference = headless_epochs(args.seconds)
    regions = widget_regions(args.width, args.height)

    print(f"tutor lab --start, {args.width}x{args.height}, TERM=xterm-256color: "
          f"{args.seconds:g} s, from {args.settle:g} s after training shows")
    for m, target in ((default, DEFAULT_TARGET_KBPS), (slow, SLOW_LINK_TARGET_KBPS)):
        per_frame = m.bytes / m.frames if m.frames else float("nan")
        print(f"  {m.label:9}: {m.kbps:6.1f} KB/s ({verdict(m.kbps, target)} <= {target:g}); "
              f"{m.frames / m.seconds:4.1f} frames/s, {per_frame:,.0f} bytes/frame; "
              f"{m.epochs:,} epochs ({m.epochs / m.seconds:,.0f}/s)")
        print(f"             start-up: training showed after {m.startup_seconds:.1f} s; "
              f"{m.startup_bytes / 1000:,.0f} KB sent before the window")
        widgets = ", ".join(f"{name} {kbps:.1f}" for name, kbps in bytes_by_widget(m, regions)[:8])
        print(f"             KB/s by widget: {widgets}")
    print(f"  ratio slow-link/default bytes: {slow.bytes / slow.seconds / (default.bytes / default.seconds):.2f}")
    print(f"  training speed, slow-link/default epochs: {slow.epochs / slow.seconds / (default.epochs / default.seconds):.2f} "
          "(target ~1)")
    print(f"  headless reference: {reference / args.seconds:,.0f} epochs/s; "
          f"default/headless {default.epochs / default.seconds / (reference / args.seconds):.2f}, "
          f"slow-link/headless {slow.epochs / slow.seconds / (reference / args.seconds):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
