"""`tutor lab` options and `tutor serve`: one-line errors, the run config, the serve warnings."""
from __future__ import annotations

import socket
import subprocess
import sys
import types

import pytest

from tutor.cli import build_parser, main
from tutor.commands.common import UsageError


def run_tutor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def test_lab_with_a_bad_number_is_a_one_line_usage_error():
    result = run_tutor("lab", "--lr", "abc")
    assert result.returncode == 2
    assert result.stderr == "tutor lab: error: --lr: expected a number, got 'abc'\n"
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--layers", "3,4,1"], "--layers: the first layer has 3 inputs but dataset xor has 2 input columns"),
    (["--activation", "sigmod"], "--activation: unknown activation 'sigmod' (did you mean 'sigmoid'?)"),
    (["--batch-size", "-1"], "--batch-size: must be at least 0"),
    (["--test-share", "2"], "--test-share: must be at least 0 and at most 0.9"),
])
def test_lab_option_errors_name_the_option(args, message, capsys):
    assert main(["lab", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tutor lab: error: {message}") and err.count("\n") == 1


def test_lab_options_become_the_run_config():
    from tutor.commands.common import config_from_args

    args = build_parser().parse_args(["lab", "--dataset", "circle", "--layers", "2,8,1", "--lr", "0.1",
                                      "--batch-size", "0", "--epochs", "300", "--seed", "7"])
    config = config_from_args(args)
    assert (config.dataset, config.layers, config.lr, config.batch_size, config.epochs, config.seed) == \
        ("circle", (2, 8, 1), 0.1, 0, 300, 7)
    _, trainer, data = config.build()
    assert trainer.batch_size == len(data.X)  # 0 means the full batch


def test_lab_command_opens_the_app_on_the_lab(monkeypatch):
    from tutor.commands import app as app_command

    opened = {}

    class FakeApp:
        return_code = 0

        def __init__(self, **kwargs):
            opened.update(kwargs)

        def run(self):
            opened["ran"] = True

    monkeypatch.setattr("tutor.app.TutorApp", FakeApp)
    args = build_parser().parse_args(["--slow-link", "lab", "--lr", "0.25", "--start"])
    assert app_command.run(args) == 0
    assert opened["ran"] and opened["start"] is True and opened["slow_link"] is True
    assert opened["lab_config"].lr == 0.25


@pytest.fixture
def fake_serve(monkeypatch):
    """TutorServer with its serve() recording the server instead of serving."""
    pytest.importorskip("textual_serve")
    from tutor.web_server import TutorServer

    calls = {}
    monkeypatch.setattr(TutorServer, "serve", lambda self, debug=False: calls.update(server=self))
    return calls


def test_serve_binds_localhost_by_default_with_a_token(fake_serve, capsys):
    assert main(["serve"]) == 0
    server = fake_serve["server"]
    assert server.host == "127.0.0.1" and server.port == 8000
    assert server.command.startswith("exec ") and server.command.endswith("-m tutor")
    assert len(server.token) >= 32 and server.address.endswith(f"/?token={server.token}")
    assert capsys.readouterr().err == ""
    assert main(["serve"]) == 0
    assert fake_serve["server"].token != server.token  # a new one each time


def test_serve_with_no_token_has_none(fake_serve):
    assert main(["serve", "--no-token"]) == 0
    assert fake_serve["server"].token is None
    assert fake_serve["server"].address == "http://127.0.0.1:8000/"


@pytest.mark.parametrize("options, warning", [
    ([], "warning: serving on 0.0.0.0:9001 over plain HTTP"),
    (["--no-token"], "warning: serving on 0.0.0.0:9001 with no authentication"),
])
def test_serve_on_another_address_warns(fake_serve, capsys, options, warning):
    assert main(["serve", "--host", "0.0.0.0", "--port", "9001", *options]) == 0
    assert fake_serve["server"].host == "0.0.0.0" and fake_serve["server"].port == 9001
    err = capsys.readouterr().err
    assert err.startswith(warning) and "ssh -L 9001:127.0.0.1:9001" in err


def test_serve_without_textual_serve_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # import fails as if not installed
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    monkeypatch.setitem(sys.modules, "tutor.web_server", None)  # (in case a test imported it)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'nn-tutor[serve]'" in err


def test_serve_refuses_a_port_out_of_range(fake_serve):
    from tutor.commands.serve import run

    with pytest.raises(UsageError, match="--port"):
        run(build_parser().parse_args(["serve", "--port", "70000"]))


def test_serve_on_a_port_in_use_says_so_in_one_line():
    """It used to end in a 33-line traceback (OSError: [Errno 98])."""
    pytest.importorskip("textual_serve")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_tutor("serve", "--port", str(port))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"tutor serve: error: cannot listen on 127.0.0.1:{port}: port {port} "
                             "is already in use; choose another with --port\n")
    assert result.stdout == ""  # no address printed above the error
