"""`tutor serve [--host H] [--port P] [--no-token]`: the same app in a web browser
(textual-serve, guarded by tutor/web_server.py).

Whoever can drive the page gets the app, with the rights of the user who started
it. So the default address is 127.0.0.1 (reach it from elsewhere through an SSH
tunnel), every request needs the random token printed in the address (unless
`--no-token`), requests from other web pages are refused, and binding any other
address prints a warning.
"""
from __future__ import annotations

import errno
import shlex
import sys

from tutor.commands.common import UsageError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
INSTALL_HINT = "tutor serve needs textual-serve: pip install 'nn-tutor[serve]' (or pip install textual-serve)"
# Why a server cannot listen, in the learner's words (the rest stay tracebacks: bugs).
LISTEN_ERRORS = {
    errno.EADDRINUSE: "port {port} is already in use; choose another with --port",
    errno.EACCES: "port {port} needs more privileges (ports below 1024 do); choose another with --port",
    errno.EADDRNOTAVAIL: "{host} is not an address of this machine; check --host",
}


def app_command(slow_link: bool = False) -> str:
    """The shell command textual-serve runs for each browser session: this Python's `tutor`.

    `exec`: the tutor replaces the shell, so that its parent is the server itself
    (it watches for the server's end: tutor/hangup.py)."""
    command = f"exec {shlex.quote(sys.executable)} -m tutor"
    return command + " --slow-link" if slow_link else command


def run(args) -> int:
    try:
        from tutor.web_server import TutorServer, new_token
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    if not 0 < args.port < 65536:
        raise UsageError(f"--port: expected a port number from 1 to 65535, got {args.port}")
    if args.host not in LOCAL_HOSTS:
        print(warning(args.host, args.port, args.no_token), file=sys.stderr)
    token = None if args.no_token else new_token()
    server = TutorServer(app_command(args.slow_link), host=args.host, port=args.port, token=token)
    try:
        server.serve()
    except OSError as error:
        if error.errno not in LISTEN_ERRORS:
            raise
        reason = LISTEN_ERRORS[error.errno].format(host=args.host, port=args.port)
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {reason}") from None
    return 0


def warning(host: str, port: int, no_token: bool) -> str:
    tunnel = (f"Prefer the default 127.0.0.1 and an SSH tunnel "
              f"(ssh -L {port}:127.0.0.1:{port} ...).")
    if no_token:
        return (f"warning: serving on {host}:{port} with no authentication: anyone who can "
                f"reach this address can use the app as you. {tunnel}")
    return (f"warning: serving on {host}:{port} over plain HTTP: the token in the address is "
            f"the only authentication, and anyone who can watch the network can read it. {tunnel}")
