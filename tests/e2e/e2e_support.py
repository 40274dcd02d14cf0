"""Helpers for the real-terminal tests: polling, tmux, a private sshd, the remote Lab.

Test modules in tests/e2e import from here (`from e2e_support import ...`);
conftest.py turns the pieces into fixtures.

Waiting is always polling against a deadline (`wait_for`), never a fixed sleep
followed by an assertion: a slow machine makes a test slower, not wrong.
"""
from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

E2E_DIR = Path(__file__).resolve().parent
REPO = E2E_DIR.parents[1]

# A run long enough never to finish during a test (the engine does ~20,000 XOR
# epochs a second), so that a counter that stops moving means "paused".
ENDLESS_RUN = ("--epochs", "100000000")

# Where system daemons live; a non-root PATH often leaves them out.
SYSTEM_BIN = os.pathsep.join(["/usr/sbin", "/sbin", "/usr/local/sbin"])

T = TypeVar("T")


# --------------------------------------------------------------------------- polling


class Timeout(AssertionError):
    """A condition polled by wait_for did not hold before its deadline."""


def wait_for(
    check: Callable[[], T],
    timeout: float,
    what: str,
    describe: Callable[[], str] | None = None,
    interval: float = 0.05,
) -> T:
    """Call `check` until it returns something truthy, and return that.

    Fails with `what` (and `describe()`, e.g. the screen as last seen) when
    `timeout` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            detail = f"\n{describe()}" if describe else ""
            raise Timeout(f"after {timeout:g} s, still waiting for {what}{detail}")
        time.sleep(interval)


def settle(read: Callable[[], T], quiet: float, timeout: float, what: str,
           describe: Callable[[], str] | None = None, accept: Callable[[T], bool] = bool) -> T:
    """The value of `read()` once it is accepted and has not changed for `quiet` seconds."""
    seen: list[tuple[T | None, float]] = [(None, time.monotonic())]

    def steady() -> list[T] | None:
        value, since = seen[-1]
        now = read()
        if now != value:
            seen.append((now, time.monotonic()))
            return None
        return [value] if accept(value) and time.monotonic() - since >= quiet else None

    return wait_for(steady, timeout, what, describe)[0]


# --------------------------------------------------------------------------- processes


def process_gone(pid: int) -> bool:
    """True when no process has this id (a zombie, already dead, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state == "Z"


def kill_if_alive(pid: int) -> None:
    """Last-resort cleanup of a process a failed test left running (by its own pid)."""
    if not process_gone(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stop(process: subprocess.Popen, timeout: float = 5.0) -> None:
    """End a process we started: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def find_tool(name: str) -> str:
    """Absolute path of a system program, or skip the test saying which is missing."""
    path = shutil.which(name) or shutil.which(name, path=SYSTEM_BIN)
    if path is None:
        pytest.skip(f"{name} not found (install openssh-server, openssh-client and tmux; "
                    ".ci/run does it with apt-get)")
    return path


def current_user() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


# --------------------------------------------------------------------------- network


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------- tutor serve


class Served:
    """A running `tutor serve`, its port and what it printed."""

    def __init__(self, process: subprocess.Popen, port: int, output: Path) -> None:
        self.process = process
        self.port = port
        self.output = output

    def printed(self) -> str:
        return self.output.read_text(errors="replace")

    def describe(self) -> str:
        return f"exit code {self.process.poll()}; output:\n{self.printed()}"

    def address(self) -> str:
        """The address `tutor serve` printed (with its token), once it has."""
        found = wait_for(lambda: re.search(r"served at (\S+)", self.printed()), 30,
                         "tutor serve to print its address", self.describe)
        return found.group(1)


def start_serve(tutor: Path, folder: Path, *args: str) -> Served:
    """Start `tutor serve --port <free> ARGS`, its output in a file of `folder`."""
    port = free_port()
    output = folder / f"serve-{port}.txt"
    with output.open("w") as out:
        process = subprocess.Popen([str(tutor), "serve", "--port", str(port), *args],
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    return Served(process, port, output)


# --------------------------------------------------------------------------- tmux


class Tmux:
    """One tmux server on a private socket, holding one window: the learner's terminal."""

    SESSION = "e2e"

    def __init__(self, tmux: str, folder: Path) -> None:
        self.tmux = tmux
        self.socket = folder / "tmux.sock"

    def run(self, *args: str, check: bool = True) -> str:
        # Without TMUX (tmux refuses to nest) and COLUMNS/LINES (they would override
        # the pane's size for the programs in it).
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES")}
        result = subprocess.run(
            [self.tmux, "-S", str(self.socket), "-f", os.devnull, *args],
            capture_output=True, text=True, timeout=10, env=env,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: str, width: int, height: int) -> None:
        """Open a window of width x height cells running `command` (a shell line).

        The pane stays after the command ends (remain-on-exit), so that its
        last screen (a traceback, say) can still be read.
        """
        self.run("new-session", "-d", "-s", self.SESSION, "-x", str(width), "-y", str(height),
                 command)
        self.run("set-option", "-t", self.SESSION, "remain-on-exit", "on")

    def screen(self) -> str:
        """The visible text of the pane."""
        return self.run("capture-pane", "-p", "-t", self.SESSION, check=False)

    def styled_screen(self) -> str:
        """The pane with its colours as SGR escape sequences (capture-pane -e)."""
        return self.run("capture-pane", "-p", "-e", "-t", self.SESSION, check=False)

    def press(self, *keys: str) -> None:
        """Type keys into the pane (tmux key names: q, Space, C-q, Enter)."""
        self.run("send-keys", "-t", self.SESSION, *keys)

    def resize(self, width: int, height: int) -> None:
        self.run("resize-window", "-t", self.SESSION, "-x", str(width), "-y", str(height))

    def size(self) -> tuple[int, int]:
        width, height = self.run("display-message", "-p", "-t", self.SESSION,
                                 "#{pane_width} #{pane_height}").split()
        return int(width), int(height)

    def terminal_modes(self) -> dict[str, str]:
        """The pane's terminal modes a full-screen app changes: alternate screen, mouse
        tracking (any of its kinds), cursor visibility ("1" on, "0" off)."""
        names = ["alternate_on", "mouse_standard_flag", "mouse_button_flag", "mouse_any_flag",
                 "mouse_sgr_flag", "cursor_flag"]
        values = self.run("display-message", "-p", "-t", self.SESSION,
                          " ".join(f"#{{{name}}}" for name in names)).split()
        return dict(zip(names, values))

    def pane_pid(self) -> int:
        """The pid of the command the pane runs."""
        return int(self.run("display-message", "-p", "-t", self.SESSION, "#{pane_pid}"))

    def exit_status(self) -> int | None:
        """The exit status of the pane's command once it has ended and been reaped, else None."""
        text = self.run("display-message", "-p", "-t", self.SESSION, "#{pane_dead_status}",
                        check=False).strip()
        return int(text) if text else None

    def wait_exit(self, timeout: float, what: str) -> int:
        """Wait for the pane's command to end; its exit status."""
        pid, server = self.pane_pid(), self.server_pid()

        def ended() -> list[int] | None:
            status = self.exit_status()
            if status is not None:
                return [status]
            if process_gone(pid):
                # Ended, but tmux has not reaped it: tmux 3.3 sometimes misses a
                # SIGCHLD (seen about once in 20 exits); a repeat makes it look again.
                os.kill(server, signal.SIGCHLD)
            return None

        return wait_for(ended, timeout, what, self.screen)[0]

    def server_pid(self) -> int:
        """The pid of this private tmux server (for the SIGCHLD nudge in wait_exit)."""
        return int(self.run("display-message", "-p", "#{pid}"))

    def kill_server(self) -> None:
        self.run("kill-server", check=False)


# --------------------------------------------------------------------------- sshd


@dataclass(frozen=True)
class SshServer:
    """An sshd on 127.0.0.1 that lets the current user in with one throwaway key."""

    ssh: str
    port: int
    key: Path
    user: str
    process: subprocess.Popen
    log: Path

    def command(self, remote: str, tty: bool = True) -> list[str]:
        """argv of an ssh client that runs the shell line `remote` on this server."""
        return [
            self.ssh, *(["-t"] if tty else []), "-p", str(self.port), "-i", str(self.key),
            "-F", os.devnull,  # no user ssh config
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
            f"{self.user}@127.0.0.1", remote,
        ]

    def shell_command(self, remote: str) -> str:
        """The same as one shell line; exec, so that a tmux pane's pid is the ssh client."""
        return "exec " + shlex.join(self.command(remote))

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {folder}/host_key
PidFile {folder}/sshd.pid
AuthorizedKeysFile {folder}/authorized_keys
AllowUsers {user}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PrintMotd no
PrintLastLog no
"""


def keygen(keygen_bin: str, path: Path) -> None:
    subprocess.run([keygen_bin, "-q", "-t", "ed25519", "-N", "", "-C", "nn-tutor-e2e",
                    "-f", str(path)], check=True, capture_output=True, timeout=30)


def start_sshd(folder: Path, extra_config: str = "") -> SshServer:
    """Start `sshd -D -e` with its own config, keys and pid file in `folder`.

    Skips (with sshd's own words) when the programs are missing, sshd will not
    start, or (checked without `extra_config`) the current user cannot log in.
    `extra_config` goes at the end of the config (a Match block, say).
    """
    sshd, ssh, keygen_bin = find_tool("sshd"), find_tool("ssh"), find_tool("ssh-keygen")
    user = current_user()
    folder.mkdir(parents=True, exist_ok=True)
    keygen(keygen_bin, folder / "host_key")
    keygen(keygen_bin, folder / "user_key")
    (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
    log = folder / "sshd.log"
    config = folder / "sshd_config"

    def listening() -> bool:
        return "Server listening" in log.read_text(errors="replace")

    problem = ""
    for _attempt in range(3):  # another program may take the free port first
        port = free_port()
        config.write_text(SSHD_CONFIG.format(port=port, folder=folder, user=user) + extra_config)
        with log.open("w") as log_file:
            process = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)],
                                       stdin=subprocess.DEVNULL, stdout=log_file,
                                       stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while process.poll() is None and not listening() and time.monotonic() < deadline:
            time.sleep(0.02)
        if process.poll() is None and listening():
            server = SshServer(ssh, port, folder / "user_key", user, process, log)
            if not extra_config:  # (a ForceCommand there would answer `true` itself)
                try:
                    check_login(server)
                except BaseException:
                    stop(process)  # never leave an sshd behind, whatever happened
                    raise
            return server
        stop(process)
        problem = log.read_text(errors="replace").strip() or f"exit code {process.returncode}"
        if "Address already in use" not in problem:
            break
    if "privilege separation directory" in problem:
        problem += " (as root: mkdir -p -m 0755 /run/sshd; .ci/run does)"
    pytest.skip(f"sshd would not start: {problem}")


def check_login(server: SshServer) -> None:
    """`ssh ... true` must get in; if it cannot (a locked account, say), skip with
    ssh's and sshd's own words."""
    result = subprocess.run(server.command("true", tty=False), capture_output=True, text=True,
                            timeout=30, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        pytest.skip(f"cannot log in to the test sshd as {server.user}: "
                    f"{result.stderr.strip()}\n{server.log_text()}")


# --------------------------------------------------------------------------- the Lab over SSH


def remote_command(tutor: Path, args: list[str], env: dict[str, str], pid_file: Path) -> str:
    """Shell text that records its pid, then becomes `tutor ARGS` (exec keeps the pid).

    Run as the SSH remote command, that pid is the session leader of the remote
    pty: the process that gets SIGHUP when the link drops.
    """
    argv = ["env", *(f"{name}={value}" for name, value in env.items()), str(tutor), *args]
    return f"echo $$ > {shlex.quote(str(pid_file))} && exec {shlex.join(argv)}"


EPOCH = re.compile(r"\b[Ee]poch\s+([\d,]+)")


def epoch_shown(screen: str) -> int | None:
    """The epoch counter on the Lab's status line, or None if it is not on screen."""
    match = EPOCH.search(screen)
    return int(match.group(1).replace(",", "")) if match else None


class RemoteLab:
    """`tutor lab --start` over a real SSH login, in a tmux window: a remote learner's view."""

    def __init__(self, tmux: Tmux, server: SshServer, tutor: Path, data: Path,
                 folder: Path) -> None:
        self.tmux = tmux
        self.server = server
        self.tutor = tutor
        self.data = data
        self.pid_file = folder / "tutor.pid"
        self._pid: int | None = None

    def start(self, term: str = "xterm-256color", width: int = 120, height: int = 40,
              *options: str) -> RemoteLab:
        """`tutor lab --start` with an endless run (and more run options)."""
        return self.open(["lab", "--start", *ENDLESS_RUN, *options], term, width, height)

    def open(self, args: list[str], term: str = "xterm-256color", width: int = 120,
             height: int = 40, **env: str) -> RemoteLab:
        """`tutor ARGS` over SSH, with NN_TUTOR_DATA_DIR, TERM and `env` set remotely."""
        env = {"NN_TUTOR_DATA_DIR": str(self.data), "TERM": term, **env}
        remote = remote_command(self.tutor, args, env, self.pid_file)
        self.tmux.start(self.server.shell_command(remote), width, height)
        return self

    @property
    def pid(self) -> int:
        """The remote tutor's pid (waits for the login to write it)."""
        if self._pid is None:
            text = wait_for(lambda: self.pid_file.exists() and self.pid_file.read_text().strip(),
                            20, "the remote shell to start the tutor", self.describe)
            self._pid = int(text)
        return self._pid

    def screen(self) -> str:
        return self.tmux.screen()

    def describe(self) -> str:
        return f"--- screen ---\n{self.screen()}\n--- sshd log ---\n{self.server.log_text()}"

    def epoch(self) -> int | None:
        return epoch_shown(self.screen())

    def wait_epoch_above(self, epoch: int, timeout: float = 20) -> int:
        """Wait until the status line shows an epoch above `epoch`; return it."""
        return wait_for(lambda: (e := self.epoch()) is not None and e > epoch and e,
                        timeout, f"the epoch counter to pass {epoch}", self.describe)

    def settled_screen(self, quiet: float = 0.5, timeout: float = 10) -> str:
        """The screen once it has not changed for `quiet` seconds (the app is idle and
        ready for keys: a screen still being built may drop or misroute them)."""
        return settle(self.screen, quiet, timeout, "the screen to settle", self.describe)

    def settled_epoch(self, above: int = -1, quiet: float = 0.75, timeout: float = 10) -> int:
        """The epoch shown once it is above `above` and has not changed for `quiet`
        seconds (three of the Lab's refreshes): what a paused run's counter reads."""
        return settle(self.epoch, quiet, timeout, f"the epoch counter to settle above {above}",
                      self.describe, accept=lambda epoch: epoch is not None and epoch > above)

    def alive(self) -> bool:
        return not process_gone(self.pid)

    def cleanup(self) -> None:
        if self._pid is not None:
            kill_if_alive(self._pid)
