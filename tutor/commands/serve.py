"""`tutor serve [--host H] [--port P]`: the same app in a web browser (textual-serve).

textual-serve has no authentication: whoever reaches the address gets the app,
with the rights of the user who started it. So the default address is
127.0.0.1 (reach it from elsewhere through an SSH tunnel), and binding any other
address prints a warning.
"""
from __future__ import annotations

import shlex
import sys

from tutor.cli import UsageError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
INSTALL_HINT = "tutor serve needs textual-serve: pip install 'nn-tutor[serve]' (or pip install textual-serve)"


def app_command(slow_link: bool = False) -> str:
    """The shell command textual-serve runs for each browser session: this Python's `tutor`."""
    command = f"{shlex.quote(sys.executable)} -m tutor"
    return command + " --slow-link" if slow_link else command


def run(args) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    if not 0 < args.port < 65536:
        raise UsageError(f"--port: expected a port number from 1 to 65535, got {args.port}")
    if args.host not in LOCAL_HOSTS:
        print(f"warning: serving on {args.host}:{args.port} with no authentication: anyone who can "
              f"reach this address can use the app as you. Prefer the default 127.0.0.1 and an "
              f"SSH tunnel (ssh -L {args.port}:127.0.0.1:{args.port} ...).", file=sys.stderr)
    server = Server(app_command(args.slow_link), host=args.host, port=args.port, title="nn-tutor")
    server.serve()
    return 0
