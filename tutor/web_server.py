"""textual-serve's server, guarded: a token in the address, same-origin requests only,
and a page that asks nothing of other hosts.

Binding 127.0.0.1 keeps other machines out, not other web pages: any page open in
the learner's browser can reach 127.0.0.1, and textual-serve accepts a WebSocket
from any Origin, so a hostile page could drive the tutor as the learner. So:

- every request needs the token that `tutor serve` prints in its address (as
  Jupyter does), in the `token` query parameter or in the cookie the page gets when
  it is opened with it; only textual-serve's public static files are exempt;
- a request with an Origin header must come from the page's own origin, and the Host
  must be a name of this machine when serving on a loopback address (a page on
  another name that resolves to 127.0.0.1, DNS rebinding, is refused too);
- the page's font is textual-serve's own copy of Roboto Mono, not Google Fonts, so
  that opening the tutor tells no third party (and works offline).

The checks are one aiohttp middleware added to textual-serve's application.
"""
from __future__ import annotations

import hmac
import re
import secrets
import socket

import jinja2
from aiohttp import web
from textual_serve.server import Server
from yarl import URL

import aiohttp_jinja2

TOKEN_PARAMETER = "token"
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
STATIC_PREFIX = "/static/"

# textual-serve's page links Google Fonts; its static folder has the same font.
GOOGLE_FONTS_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.IGNORECASE | re.DOTALL)
LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 700;
        font-style: normal;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 700;
        font-style: italic;
      }
    </style>"""


class LocalFontLoader(jinja2.BaseLoader):
    """textual-serve's templates, with the Google Fonts link replaced by the local font."""

    def __init__(self, templates: jinja2.BaseLoader) -> None:
        self.templates = templates

    def get_source(self, environment, template):
        source, filename, uptodate = self.templates.get_source(environment, template)
        return GOOGLE_FONTS_LINK.sub(LOCAL_FONT, source), filename, uptodate


def new_token() -> str:
    return secrets.token_urlsafe(24)


class TutorServer(Server):
    """textual-serve's Server with a token, same-origin checks and a local font.

    token: the secret every request must carry (None: no token, `--no-token`).
    """

    def __init__(self, command: str, host: str, port: int, token: str | None,
                 title: str = "nn-tutor") -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token

    @property
    def cookie(self) -> str:
        """The token's cookie: one per port (cookies do not tell ports apart)."""
        return f"nn-tutor-token-{self.port}"

    @property
    def address(self) -> str:
        """The address to open: with the token, unless there is none."""
        if self.token is None:
            return f"{self.public_url}/"
        return f"{self.public_url}/?{TOKEN_PARAMETER}={self.token}"

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        templates = app[aiohttp_jinja2.APP_KEY]
        templates.loader = LocalFontLoader(templates.loader)
        return app

    async def on_startup(self, app: web.Application) -> None:
        # Runs before aiohttp listens: see first that it can (an OSError ends serve()),
        # so that the address is never printed above an error.
        socket.create_server((self.host, self.port)).close()
        print(f"nn-tutor is served at {self.address}", flush=True)
        print("Open that address in your browser; Ctrl+C stops the server.", flush=True)

    @web.middleware
    async def guard(self, request: web.Request, handler) -> web.StreamResponse:
        problem = self.refusal(request)
        if problem:
            return web.Response(status=403, text=f"nn-tutor: {problem}\n")
        response = await handler(request)
        if self.token is not None and TOKEN_PARAMETER in request.query and not response.prepared:
            # (The token was checked above.) The page's own requests, its WebSocket
            # among them, carry no token in their address: the cookie does.
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/")
        return response

    def refusal(self, request: web.Request) -> str | None:
        """Why `request` is refused, or None."""
        host = URL(f"http://{request.host}").host if request.host else None
        if self.host in LOOPBACK_NAMES and host not in LOOPBACK_NAMES:
            return f"refused: Host {request.host!r} is not this machine"
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"http://{request.host}":
            return f"refused: a page from another origin ({origin}) may not use the tutor"
        if self.token is None or request.path.startswith(STATIC_PREFIX):
            return None
        given = request.query.get(TOKEN_PARAMETER) or request.cookies.get(self.cookie) or ""
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return ("refused: open the address with the token that `tutor serve` printed"
                    if given == "" else "refused: wrong token")
        return None
