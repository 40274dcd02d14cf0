"""Real-terminal tests: the tutor in tmux, over a real SSH login, and in a browser.

Everything here drives the installed `tutor` command as a learner would, in a
real pseudo-terminal. The tools it needs (tmux, sshd, ssh, ssh-keygen) come
from the system; when one is missing or will not start, the test is skipped
with the reason, never passed. The helpers live in e2e_support.py.

Every test in this folder carries the `e2e` mark: `pytest -m "not e2e"` leaves
them out.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_support import (E2E_DIR, RemoteLab, Served, SshServer, Tmux, find_tool, port_open,
                          start_serve, start_sshd, stop)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e with `e2e` (registered in pyproject.toml)."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def tutor_bin() -> Path:
    """The `tutor` console script of the environment running the tests (absolute path)."""
    path = Path(sys.executable).parent / "tutor"
    if not path.exists():
        pytest.fail(f"{path} is missing: install the project (pip install -e '.[test]')")
    return path.absolute()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh NN_TUTOR_DATA_DIR for one test."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server (own socket, no user config), killed after the test."""
    terminal = Tmux(find_tool("tmux"), tmp_path)
    try:
        yield terminal
    finally:
        terminal.kill_server()


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    """A private sshd on 127.0.0.1 for one test; stopped, and checked gone, afterwards."""
    server = start_sshd(tmp_path / "sshd")
    try:
        yield server
    finally:
        stop(server.process)
        assert server.process.returncode is not None, "sshd did not stop"
        assert not port_open(server.port), f"port {server.port} still answers after sshd stopped"


@pytest.fixture
def remote_lab(tmux: Tmux, sshd: SshServer, tutor_bin: Path, data_dir: Path,
               tmp_path: Path) -> Iterator[RemoteLab]:
    """The Lab over SSH in tmux; call .start(term, width, height, *options)."""
    lab = RemoteLab(tmux, sshd, tutor_bin, data_dir, tmp_path)
    try:
        yield lab
    finally:
        lab.cleanup()


@pytest.fixture
def serve(tutor_bin: Path, data_dir: Path, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Served]]:
    """Start `tutor serve --port <free> [args]` (NN_TUTOR_DATA_DIR set); every server
    is stopped afterwards."""
    started: list[Served] = []
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(data_dir))

    def start(*args: str) -> Served:
        started.append(start_serve(tutor_bin, tmp_path, *args))
        return started[-1]

    yield start
    for served in started:
        stop(served.process)
