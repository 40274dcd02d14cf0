"""The Lab's "Check against PyTorch" screen (x) and its Export dialog (e)."""
from __future__ import annotations

import sys

import pytest

from lab_fixtures import lab_app, lab_screen, on_screen, until
from tutor.framework import speed
from tutor.screens.crosscheck import CrosscheckScreen, ExportScreen


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_check(app, pilot) -> CrosscheckScreen:
    await lab_screen(app, pilot)
    await pilot.press("x")
    return await on_screen(app, pilot, CrosscheckScreen)


async def test_x_shows_the_agreement_table_for_the_labs_network(tmp_path):
    pytest.importorskip("torch", reason="PyTorch is not installed (pip install 'nn-tutor[torch]')")
    app = lab_app(tmp_path, activation="relu", layers="2,5,4,1", lr=0.25)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_check(app, pilot)
        await until(pilot, lambda: "agree" in text_of(screen, "#crosscheck-table"), "the table")
        table = text_of(screen, "#crosscheck-table")
        assert table.startswith("✓ all 18 quantities agree to 1e-10 relative")
        assert "xor 2-5-4-1 relu/sigmoid, loss bce, sgd lr 0.25" in table
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CrosscheckScreen), "the Lab again")


async def test_t_adds_the_speed_comparison(tmp_path, monkeypatch):
    pytest.importorskip("torch", reason="PyTorch is not installed (pip install 'nn-tutor[torch]')")
    fake = [speed.Timing("tiny", "one thread", 0.5, 3.0), speed.Timing("tiny", "default threads (2)", 0.5, 4.0),
            speed.Timing("medium", "one thread", 1.0, 0.9), speed.Timing("medium", "default threads (2)", 0.6, 0.5)]
    monkeypatch.setattr(speed, "speed_comparison", lambda progress=None: fake)
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_check(app, pilot)
        await pilot.press("t")
        await until(pilot, lambda: "PyTorch/engine = 6.00" in text_of(screen, "#crosscheck-speed"), "the timings")


async def test_without_torch_the_screen_says_how_to_install_and_stays_up(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_check(app, pilot)
        await until(pilot, lambda: "not installed" in text_of(screen, "#crosscheck-table"), "the notice")
        assert "pip install 'nn-tutor[torch]'" in text_of(screen, "#crosscheck-table")
        await pilot.press("t")
        await until(pilot, lambda: "not installed" in text_of(screen, "#crosscheck-speed"), "the speed notice")
        assert app.screen is screen and app.is_running


async def test_e_exports_the_labs_run_as_a_script(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = lab_app(tmp_path, activation="gelu", epochs=30)
    async with app.run_test(size=(80, 24)) as pilot:
        await lab_screen(app, pilot)
        await pilot.press("e")
        await on_screen(app, pilot, ExportScreen, "#export-numpy")
        await pilot.click("#export-numpy")
        path = tmp_path / "xor_2-4-1_gelu_numpy.py"
        await until(pilot, path.exists, "the script")
        assert "Wrote" in text_of(app.screen, "#export-result")
        assert "EPOCHS = 30" in path.read_text() and "c, k = math.sqrt(2.0 / math.pi)" in path.read_text()
