"""`tutor serve`'s guard: the token, the Origin and Host checks, the local font.

A real aiohttp server on 127.0.0.1 (textual-serve's application with the guard),
driven by an HTTP and WebSocket client as a browser page would. Before the guard,
textual-serve accepted a WebSocket with `Origin: http://evil.example` and streamed
the app back. Here an accepted WebSocket is closed at once (no app is started); the
real app in a real browser is tests/e2e/test_serve.py.
"""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

pytest.importorskip("textual_serve")
import aiohttp  # noqa: E402  (comes with textual-serve)
from aiohttp import web  # noqa: E402

from tutor.web_server import TutorServer  # noqa: E402

TOKEN = "a-test-token-that-is-long-enough"
EVIL = "http://evil.example"


class Running:
    def __init__(self, server: TutorServer, port: int) -> None:
        self.server = server
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"

    def url(self, path: str = "/", **query: str) -> str:
        return str(aiohttp.client.URL(self.origin + path).with_query(query))


@pytest.fixture
async def serve() -> AsyncIterator:
    """Start a TutorServer on a free port of 127.0.0.1 (token given); stopped afterwards."""
    runners: list[web.AppRunner] = []

    async def start(token: str | None = TOKEN) -> Running:
        server = TutorServer("no app", host="127.0.0.1", port=0, token=token)
        server.handle_websocket = accept_and_close  # before the routes are made
        runner = web.AppRunner(await server._make_app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        server.port = port
        server.public_url = f"http://127.0.0.1:{port}"
        return Running(server, port)

    yield start
    for runner in runners:
        await runner.cleanup()


async def accept_and_close(request: web.Request) -> web.WebSocketResponse:
    websocket = web.WebSocketResponse()
    await websocket.prepare(request)
    await websocket.close()
    return websocket


async def fetch(url: str, **headers: str) -> tuple[int, str, aiohttp.ClientResponse]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers=headers, allow_redirects=False) as response:
            text = (await response.read()).decode("utf-8", errors="replace")
            return response.status, text, response


async def websocket_status(url: str, **headers: str) -> int:
    """101 when the WebSocket is accepted, else the refusal's HTTP status."""
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers):
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


async def test_the_page_needs_the_token(serve):
    running = await serve()
    status, text, _ = await fetch(running.url("/"))
    assert status == 403 and "token" in text
    status, text, _ = await fetch(running.url("/", token="wrong"))
    assert status == 403 and "wrong token" in text
    status, text, response = await fetch(running.url("/", token=TOKEN))
    assert status == 200 and "<html" in text.lower()
    cookie = response.cookies[f"nn-tutor-token-{running.port}"]
    assert cookie.value == TOKEN and cookie["httponly"] and cookie["samesite"] == "Strict"
    # textual-serve's own static files are public.
    status, _, _ = await fetch(running.url("/static/css/xterm.css"))
    assert status == 200


async def test_the_websocket_needs_the_token(serve):
    running = await serve()
    assert await websocket_status(running.url("/ws")) == 403
    assert await websocket_status(running.url("/ws", token="wrong")) == 403
    assert await websocket_status(running.url("/ws", token=TOKEN)) == 101
    # The page's WebSocket has no token in its address: the cookie carries it.
    cookie = f"nn-tutor-token-{running.port}={TOKEN}"
    assert await websocket_status(running.url("/ws"), Cookie=cookie, Origin=running.origin) == 101


async def test_another_origin_is_refused_even_with_the_token(serve):
    running = await serve()
    assert await websocket_status(running.url("/ws", token=TOKEN), Origin=EVIL) == 403
    assert await websocket_status(running.url("/ws", token=TOKEN), Origin="null") == 403
    status, text, _ = await fetch(running.url("/", token=TOKEN), Origin=EVIL)
    assert status == 403 and "another origin" in text
    status, _, _ = await fetch(running.url("/static/css/xterm.css"), Origin=EVIL)
    assert status == 403


async def test_another_host_name_is_refused(serve):
    """DNS rebinding: a page on evil.example, its name now resolving to 127.0.0.1."""
    running = await serve(token=None)
    host = f"evil.example:{running.port}"
    status, text, _ = await fetch(running.url("/"), Host=host, Origin=f"http://{host}")
    assert status == 403 and "not this machine" in text


async def test_no_token_still_checks_the_origin(serve):
    running = await serve(token=None)
    status, _, _ = await fetch(running.url("/"))
    assert status == 200
    assert await websocket_status(running.url("/ws"), Origin=running.origin) == 101
    assert await websocket_status(running.url("/ws"), Origin=EVIL) == 403


async def test_the_page_asks_no_other_host_for_its_font(serve):
    running = await serve()
    _, page, _ = await fetch(running.url("/", token=TOKEN))
    assert "googleapis" not in page and "gstatic" not in page
    assert f"{running.origin}/static/fonts/RobotoMono-VariableFont_wght.ttf" in page
    status, _, response = await fetch(running.url("/static/fonts/RobotoMono-VariableFont_wght.ttf"))
    assert status == 200
