"""SIGHUP and SIGTERM: the terminal hung up (an SSH link dropped), or someone asked the
tutor to end (`kill`, a service manager, a shutdown). Save, restore the terminal, leave.

Textual's normal shutdown writes to the terminal (leave the alternate screen, show
the cursor) through its output thread. After a hang-up every write to the terminal
fails with EIO: the output thread dies on the first one, its queue (30 writes) fills
up, and the shutdown can then block forever, leaving a tutor process behind with
its progress store open. (Measured: about one hang-up in four hung; the others took
0.5 to 1.3 s, mostly finalising the interpreter. This way takes 30 to 70 ms.)

So when the terminal is really gone, the app skips that shutdown: a thread closes
the progress store (every answer is already committed; closing folds the WAL back
into the file) and ends the process. A SIGHUP with the terminal still there
(`kill -HUP`) quits the usual way.

SIGTERM would otherwise kill the process where it stands, leaving the terminal in
the alternate screen with mouse tracking on and the cursor hidden, and the store's
WAL unmerged: it quits the usual way too (or saves and leaves, if the terminal is
gone). A second SIGTERM ends the process at once, in case the app cannot quit.

Under `tutor serve` the app's "terminal" is a pair of pipes to the server. If the
server dies (killed, crashed), no hang-up comes: the app would wait for input for
ever with its store open. So there a thread watches the parent process: when the
server is gone, the app saves and leaves, as on a hang-up.

The handler is a plain signal handler, not one on the event loop: it runs as soon as
the main thread executes Python again, even in the middle of a long redraw.
"""
from __future__ import annotations

import errno
import os
import signal
import sys
import termios
import threading
import time

# A hang-up is a normal way for a remote session to end, and the tutor has saved
# everything: it exits as a quit does (nobody is left to read the status anyway).
EXIT_CODE = 0


def terminal_gone() -> bool:
    """True when the app's terminal has hung up: every ioctl on it fails with EIO.

    (A pipe or a file, as under textual-serve, fails with ENOTTY instead: not a hang-up.)
    """
    stdin = sys.__stdin__
    if stdin is None:
        return False
    try:
        termios.tcgetattr(stdin.fileno())
    except termios.error as error:
        return error.args[0] == errno.EIO
    except (OSError, ValueError):
        return False
    return False


def install(app, loop) -> None:
    """Handle SIGHUP and SIGTERM for `app` (a TutorApp running on the asyncio `loop`).

    Must be called on the main thread (signal.signal raises ValueError elsewhere).
    """

    def end(signum, frame) -> None:
        if signum == signal.SIGTERM:
            # Asked once, politely; a second SIGTERM is not to be ignored (default: die).
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if terminal_gone():
            # A thread, so that a write the main thread was in the middle of (the
            # progress store's lock) finishes before the store is closed.
            threading.Thread(target=save_and_leave, args=(app,), name="hang-up").start()
        else:
            loop.call_soon_threadsafe(app.exit)

    signal.signal(signal.SIGHUP, end)
    signal.signal(signal.SIGTERM, end)


def watch_server(app, every: float = 0.5) -> None:
    """Under textual-serve: save and leave once the server (the parent) has gone."""
    server = os.getppid()

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(every)
        save_and_leave(app)

    threading.Thread(target=watch, name="server watch", daemon=True).start()


def save_and_leave(app) -> None:
    if app.progress is not None:
        app.progress.close()  # waits for a write in progress, if any
    os._exit(EXIT_CODE)
