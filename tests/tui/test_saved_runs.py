"""Saved runs: the Lab saves a run (s), the course map lists them (r), Enter reopens
one in the Lab with its settings and saved weights, Delete removes one after a yes."""
from __future__ import annotations

import numpy as np
from lab_fixtures import key, lab_app, lab_screen, on_screen, status_text, until, wait_phase
from textual.widgets import Input

import engine
from tutor import run_archive
from tutor.app import TutorApp
from tutor.screens.home import HomeScreen
from tutor.screens.lab import LabScreen
from tutor.screens.saved_runs import ConfirmScreen, NameRunScreen, SavedRunsScreen
from tutor.session import Phase
from tutor.widgets.network_diagram import NetworkDiagram


def listed(screen: SavedRunsScreen) -> list[str]:
    listing = screen.query_one("#saved-runs")
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def note(screen: SavedRunsScreen) -> str:
    return str(screen.query_one("#saved-runs-note").render())


async def test_save_list_reopen_and_delete_a_run(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=120, lr=0.5)
    async with app.run_test(size=(120, 36)) as pilot:
        lab = await lab_screen(app, pilot)
        await wait_phase(pilot, lab, Phase.FINISHED)
        final = [W.copy() for W in lab.session.net.weights]
        config = lab.session.config

        # s asks for a name, with a default naming the run; Escape saves nothing.
        await key(app, pilot, "s")
        dialog = await on_screen(app, pilot, NameRunScreen)
        assert dialog.query_one(Input).value == "xor 2-4-1 tanh lr 0.5 · epoch 120"
        await key(app, pilot, "escape")
        await on_screen(app, pilot, LabScreen)
        assert app.progress.runs() == []

        # Enter saves it under the name typed.
        await key(app, pilot, "s")
        dialog = await on_screen(app, pilot, NameRunScreen)
        dialog.query_one(Input).value = "my xor"
        await key(app, pilot, "enter")
        await until(pilot, lambda: "saved as “my xor”" in status_text(lab), "the saved notice")
        [saved] = app.progress.runs()
        assert saved.name == "my xor" and saved.config == config.to_dict()
        assert saved.metrics["epochs"] == 120 and saved.metrics["accuracy"] == 1.0
        checkpoints = run_archive.unpack(app.progress.load_run(saved.id).checkpoints, config.layers)
        assert [c.epoch for c in checkpoints] == [1, 10, 100, 120]
        assert all(np.array_equal(a, b) for a, b in zip(checkpoints[-1].weights, final))

        # The course map's r lists it, with its summary.
        await key(app, pilot, "escape")
        home = await on_screen(app, pilot, HomeScreen)
        await until(pilot, lambda: "Saved runs: 1 (newest: my xor)" in str(home.query_one("#saved-runs-line").render()),
                    "the count on the course map")
        await key(app, pilot, "r")
        runs = await on_screen(app, pilot, SavedRunsScreen)
        await until(pilot, lambda: listed(runs) and "my xor" in listed(runs)[0], "the run listed")
        assert "120 epochs · loss" in listed(runs)[0] and "acc 100%" in listed(runs)[0]

        # Enter reopens it: its settings, and its saved weights in the diagram.
        await key(app, pilot, "enter")
        reopened = await on_screen(app, pilot, LabScreen)
        await until(pilot, lambda: reopened.session is not None and reopened.session.snapshot.epoch == 120,
                    "the saved weights")
        assert reopened.session.config == config and reopened.session.phase is Phase.READY
        diagram = reopened.query_one(NetworkDiagram)
        await until(pilot, lambda: diagram.weights and np.array_equal(diagram.weights[0], final[0]),
                    "the diagram showing the saved weights")
        assert "showing the saved weights of epoch 120" in status_text(reopened)

        # Back to the list; Delete asks first: n keeps it, y deletes it.
        await key(app, pilot, "escape")
        runs = await on_screen(app, pilot, SavedRunsScreen)
        await key(app, pilot, "delete")
        await on_screen(app, pilot, ConfirmScreen)
        await key(app, pilot, "n")
        await on_screen(app, pilot, SavedRunsScreen)
        assert len(app.progress.runs()) == 1
        await key(app, pilot, "delete")
        await on_screen(app, pilot, ConfirmScreen)
        await key(app, pilot, "y")
        await until(pilot, lambda: "Deleted “my xor”" in note(runs), "the deleted note")
        assert app.progress.runs() == [] and listed(runs) == []


async def test_saving_a_running_run_pauses_it_and_keeps_the_weights_of_the_epoch_it_paused_at(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10**7)
    async with app.run_test(size=(120, 36)) as pilot:
        lab = await lab_screen(app, pilot)
        await until(pilot, lambda: lab.session.log.count > 200, "some epochs")
        await key(app, pilot, "s")
        await on_screen(app, pilot, NameRunScreen)
        await wait_phase(pilot, lab, Phase.PAUSED)
        await until(pilot, lambda: lab.session.snapshot.epoch == lab.session.trainer.epoch, "the paused weights")
        await key(app, pilot, "enter")
        await until(pilot, lambda: "saved as" in status_text(lab), "the saved notice")
        epoch = lab.session.trainer.epoch
        [saved] = app.progress.runs()
        assert saved.metrics["epochs"] == epoch and saved.config["epochs"] == 10**7
        checkpoints = run_archive.unpack(app.progress.load_run(saved.id).checkpoints, (2, 4, 1))
        assert [c.epoch for c in checkpoints][:3] == [1, 10, 100] and checkpoints[-1].epoch == epoch
        assert all(np.array_equal(a, b) for a, b in zip(checkpoints[-1].weights, lab.session.net.weights))
        assert lab.session.phase is Phase.PAUSED   # still there to resume


def app_with_runs(tmp_path, *runs) -> TutorApp:
    """The app on its course map, with these (name, config, checkpoints) saved runs
    and one answer in the store."""
    lessons = tmp_path / "no-lessons"
    lessons.mkdir()
    from tutor.progress import Progress

    with Progress(tmp_path / "progress.db") as store:
        store.record_answer("l", "q", "3x^2", True)
        for name, config, checkpoints in runs:
            store.save_run(name, config, {"epochs": 5}, checkpoints=checkpoints)
    return TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)


async def open_listed(app, pilot, name: str) -> SavedRunsScreen:
    """Open the saved runs from the course map and highlight the run called `name`."""
    await on_screen(app, pilot, HomeScreen)
    await key(app, pilot, "r")
    runs = await on_screen(app, pilot, SavedRunsScreen)
    await until(pilot, lambda: any(name in text for text in listed(runs)), "the runs listed")
    runs.query_one("#saved-runs").highlighted = next(i for i, text in enumerate(listed(runs)) if name in text)
    return runs


async def test_runs_that_cannot_be_reopened_say_why_in_one_line_and_nothing_is_lost(tmp_path):
    net, _, _ = engine.RunConfig().build()
    good_weights = run_archive.pack([engine.Checkpoint.of(5, net)])
    app = app_with_runs(
        tmp_path,
        ("typo", {"dataset": "xor", "activation": "tanhh"}, None),
        ("moved csv", {"dataset": str(tmp_path / "gone.csv"), "layers": [2, 4, 1]}, None),
        ("damaged", {"dataset": "xor"}, b"not an npz"),
        ("other net", {"dataset": "xor", "layers": [2, 8, 1]}, good_weights),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        # Settings that no longer validate: one line on the list, which stays.
        runs = await open_listed(app, pilot, "typo")
        await key(app, pilot, "enter")
        await until(pilot, lambda: "“typo” cannot be reopened: its activation: unknown activation" in note(runs),
                    "the one-line error")
        assert app.screen is runs and "\n" not in note(runs)

        # A CSV file that moved: the Lab opens on its settings, the dataset marked.
        runs.query_one("#saved-runs").highlighted = next(i for i, t in enumerate(listed(runs)) if "moved" in t)
        await key(app, pilot, "enter")
        lab = await on_screen(app, pilot, LabScreen)
        await until(pilot, lambda: "dataset" in lab.controls.errors, "the dataset marked")
        assert lab.session is None and lab.view == "setup"
        await key(app, pilot, "escape")
        runs = await on_screen(app, pilot, SavedRunsScreen)

        # Weights that cannot be read, or that fit another network: settings only, and why.
        for name, why in (("damaged", "the saved weights cannot be read"),
                          ("other net", "the saved W1 has shape (2, 4), not (2, 8)")):
            runs.query_one("#saved-runs").highlighted = next(i for i, t in enumerate(listed(runs)) if name in t)
            await key(app, pilot, "enter")
            lab = await on_screen(app, pilot, LabScreen)
            await until(pilot, lambda: why in status_text(lab), f"the notice for {name}")
            assert f"reopened “{name}”: its settings only" in status_text(lab)
            assert lab.session.snapshot.epoch == 0
            await key(app, pilot, "escape")
            runs = await on_screen(app, pilot, SavedRunsScreen)

        assert len(app.progress.runs()) == 4 and len(app.progress.answers()) == 1


async def test_a_run_is_not_saved_without_a_store_and_the_lab_says_why(tmp_path):
    app = lab_app(tmp_path, epochs=10)
    async with app.run_test(size=(120, 36)) as pilot:
        lab = await lab_screen(app, pilot)
        await until(pilot, lambda: lab.session is not None, "the session")
        app.progress.close()
        app.progress, app.progress_problem = None, "the disk is full"
        await key(app, pilot, "s")
        await on_screen(app, pilot, NameRunScreen)
        await key(app, pilot, "enter")
        await until(pilot, lambda: "not saved: the disk is full" in status_text(lab), "the reason")

        # The list says so too, in one line.
        await key(app, pilot, "escape")
        await on_screen(app, pilot, HomeScreen)
        await key(app, pilot, "r")
        runs = await on_screen(app, pilot, SavedRunsScreen)
        await until(pilot, lambda: note(runs) == "Saved runs cannot be read: the disk is full", "the reason")
