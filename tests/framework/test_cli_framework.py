"""`tutor crosscheck` and `tutor export` on the command line: exit codes and one-line errors."""
from __future__ import annotations

import subprocess
import sys

import pytest

from framework_cases import need_torch
from tutor import cli
from tutor.framework import speed, twin


def tutor(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_crosscheck_agrees_and_exits_0():
    need_torch()
    done = tutor("crosscheck", "--activation", "rrelu", "--layers", "2,5,4,3,1", "--steps", "20")
    assert done.returncode == 0, done.stderr
    assert "(training mode)" in done.stdout and "(evaluation mode)" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("all 46 quantities agree to 1e-10 relative")


def test_crosscheck_exits_1_naming_the_first_disagreement(monkeypatch, capsys):
    torch = need_torch()
    monkeypatch.setattr(twin, "output_module", lambda torch, name: torch.nn.Tanh())   # not the sigmoid
    assert cli.main(["crosscheck", "--loss", "mse", "--steps", "3"]) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("disagreement: a^2 (outputs) differs by")


def test_without_torch_it_says_how_to_install_and_exits_2(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)     # `import torch` raises ImportError
    assert cli.main(["crosscheck"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tutor crosscheck: PyTorch is not installed: pip install 'nn-tutor[torch]'")
    assert err.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (["--steps", "many"], "tutor crosscheck: error: --steps: expected a whole number, got 'many'"),
    (["--steps", "0"], "tutor crosscheck: error: --steps: must be at least 1 and at most 100,000, got 0"),
    (["--layers", "2,4,3"], "tutor crosscheck: error: --layers: the last layer has 3 outputs"),
])
def test_bad_options_are_one_line(capsys, args, message):
    need_torch()
    assert cli.main(["crosscheck", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_speed_prints_the_ratios_it_measured(monkeypatch, capsys):
    need_torch()
    fake = [speed.Timing("tiny", "one thread", 0.5, 3.0), speed.Timing("tiny", "default threads (2)", 0.5, 6.0),
            speed.Timing("medium", "one thread", 1.0, 0.9), speed.Timing("medium", "default threads (2)", 0.6, 0.5)]
    monkeypatch.setattr(speed, "speed_comparison", lambda **kwargs: fake)
    assert cli.main(["crosscheck", "--speed"]) == 0
    out = capsys.readouterr().out
    assert "PyTorch/engine = 6.00 (engine 6.00× faster)" in out
    assert "PyTorch/engine = 0.90 (PyTorch 1.11× faster)" in out
    assert "fixed amount per call" in out and "PyTorch/engine ≥ 6.0 here" in out
    assert "tiny net: engine ×1.00, PyTorch ×2.00; medium net: engine ×0.60, PyTorch ×0.56" in out


def test_speed_measures_in_a_child_process_with_one_thread():
    need_torch()
    timing = speed.measure("tiny", one_thread=True, epochs=50, repeat=1)
    assert timing.threads == "one thread"
    assert timing.engine > 0 and timing.torch > 0


def test_export_writes_a_script_that_runs(tmp_path):
    path = tmp_path / "mine.py"
    done = tutor("export", "--to", "numpy", "--epochs", "10", "-o", str(path))
    assert done.returncode == 0, done.stderr
    assert f"wrote {path}" in done.stderr
    ran = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert ran.stdout.splitlines()[0].startswith("epoch  1  loss 0.72855817542245")


@pytest.mark.parametrize("args, message", [
    (["--to", "jax"], "tutor export: error: --to: invalid choice: 'jax'"),
    ([], "tutor export: error: --to: which script? --to numpy or --to pytorch"),
    (["--to", "numpy", "--samples", "60000", "--dataset", "circle"],
     "tutor export: error: --samples: the script would hold 180,000 numbers"),
    (["--to", "numpy", "-o", "/no/such/folder/x.py"], "tutor export: error: -o: cannot write /no/such/folder/x.py"),
])
def test_export_errors_are_one_line(args, message):
    done = tutor("export", *args)
    assert done.returncode == 2 and done.stderr.startswith(message), done.stderr
    assert done.stderr.count("\n") == 1


def test_a_setting_without_a_pytorch_counterpart_is_one_line_naming_its_option(monkeypatch, capsys):
    """As the CLI will see it once RunConfig gains a field (input features, say)."""
    need_torch()

    def refuse(config):
        raise twin.NotCarried("input_features")

    monkeypatch.setattr(twin, "check_carried", refuse)
    from tutor.framework import crosscheck, export

    monkeypatch.setattr(crosscheck, "check_carried", refuse)
    monkeypatch.setattr(export, "check_carried", refuse)
    for command in (["crosscheck"], ["export", "--to", "numpy"]):
        assert cli.main(command) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"tutor {command[0]}: error: --input-features: this setting has no "
                              "PyTorch counterpart") and err.count("\n") == 1
