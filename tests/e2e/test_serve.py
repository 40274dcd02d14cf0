"""`tutor serve`: the same app in a browser, on 127.0.0.1 unless told otherwise.

Needs the optional `serve` extra (textual-serve); skipped, with the reason, without it.
"""
from __future__ import annotations

import asyncio
import importlib.util
import socket
import urllib.request

import pytest
from e2e_support import kill_if_alive, port_open, process_gone, stop, wait_for

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("textual_serve") is None,
    reason="textual-serve is not installed (pip install -e '.[serve]')",
)


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read().decode()


def other_local_address() -> str | None:
    """An address of this machine that is not 127.0.0.1 (none if offline)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.254.254.254", 9))  # UDP: picks the route, sends nothing
            address = s.getsockname()[0]
        except OSError:
            return None
    return address if address != "127.0.0.1" else None


async def first_screen(port: int, token: str, expected: str, timeout: float) -> str:
    """Open the app's websocket as the browser page does; return the terminal output
    received until `expected` appears in it (or the deadline passes)."""
    import aiohttp  # comes with textual-serve

    received = ""
    url = f"http://127.0.0.1:{port}/ws?width=100&height=30&token={token}"
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            try:
                async with asyncio.timeout(timeout):
                    async for message in ws:
                        if message.type == aiohttp.WSMsgType.BINARY:
                            received += message.data.decode("utf-8", errors="replace")
                        if expected in received:
                            break
            except TimeoutError:
                pass
    return received


def test_serve_answers_on_localhost_only_and_runs_the_app(serve):
    served = serve()
    address = served.address()
    token = address.split("token=")[1]
    assert address == f"http://127.0.0.1:{served.port}/?token={token}"
    status, kind, page = wait_for(lambda: port_open(served.port) and get(address),
                                  30, "tutor serve to answer on 127.0.0.1", served.describe)
    assert status == 200 and kind.startswith("text/html")
    assert "<html" in page.lower() and "nn-tutor" in page
    assert "warning" not in served.printed().lower()
    elsewhere = other_local_address()
    if elsewhere is not None:
        assert not port_open(served.port, elsewhere), f"also reachable on {elsewhere}"

    # The page's websocket starts the real app: its first frames carry the title.
    screen = asyncio.run(first_screen(served.port, token, "nn-tutor", timeout=30))
    assert "nn-tutor" in screen, screen[-2000:]

    stop(served.process)
    assert not port_open(served.port)


def test_serve_on_all_interfaces_warns_about_plain_http(serve):
    served = serve("--host", "0.0.0.0")
    printed = wait_for(lambda: "authentication" in served.printed() and served.printed(),
                       30, "the warning about serving with no authentication", served.describe)
    assert "warning" in printed.lower() and "0.0.0.0" in printed
    assert "127.0.0.1" in printed  # says what to do instead


def children(pid: int) -> list[int]:
    """The pids of a process's children (Linux /proc)."""
    path = f"/proc/{pid}/task/{pid}/children"
    try:
        with open(path) as file:
            return [int(child) for child in file.read().split()]
    except OSError:
        return []


def descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def test_a_session_ends_when_the_server_dies(serve, data_dir):
    """A killed `tutor serve` (SIGKILL, a crash) used to leave each browser session's
    tutor running for ever, its progress store open: nobody would ever read it again."""
    served = serve()
    token = served.address().split("token=")[1]
    apps: list[int] = []

    async def session() -> None:
        import aiohttp

        url = f"http://127.0.0.1:{served.port}/ws?width=100&height=30&token={token}"
        async with aiohttp.ClientSession() as client:
            async with client.ws_connect(url) as ws:
                received = b""
                async with asyncio.timeout(60):
                    async for message in ws:
                        if message.type == aiohttp.WSMsgType.BINARY:
                            received += message.data
                        if b"nn-tutor" in received:
                            break
                apps.extend(descendants(served.process.pid))
                assert apps, "no app process under tutor serve"
                assert (data_dir / "progress.db-wal").exists()  # the app has its store open
                served.process.kill()
                served.process.wait(10)

    try:
        asyncio.run(session())
        wait_for(lambda: all(process_gone(pid) for pid in apps), 20,
                 "the session's tutor to end after its server died", served.describe)
    finally:
        for pid in apps:
            kill_if_alive(pid)
    assert not (data_dir / "progress.db-wal").exists()  # it closed its store on the way out
