"""The Lab on runs that go wrong without crashing: a loss that ends far above its
start is reported as diverging, and a network too big for memory is refused at
its control, naming the limit."""
from __future__ import annotations

from lab_fixtures import key, lab_app, lab_screen, status_text, until, wait_phase

from tutor.session import Phase
from tutor.widgets.lab_controls import LabControls


async def test_a_finite_loss_that_ends_far_above_its_start_is_shown_as_diverging(tmp_path):
    app = lab_app(tmp_path, start=True, lr=1000, epochs=300)   # BCE from 0.73 to 853
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        await wait_phase(pilot, screen, Phase.DIVERGED)
        await until(pilot, lambda: "diverging since epoch 2" in status_text(screen), "the message")
        assert "finished" not in status_text(screen)
        assert screen.query_one("#status").has_class("-diverged")


async def test_a_network_over_the_size_limit_is_refused_at_its_control(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        controls = screen.query_one(LabControls)
        controls.control("layers").value = "2," + "4096," * 40 + "1"
        await until(pilot, lambda: "layers" in controls.errors, "the edit handled")
        await key(app, pilot, "space")
        # Space handled (the error was shown at the edit already; leaving with the key
        # still queued would end the app under it).
        await until(pilot, lambda: "fix the setting marked in red first" in status_text(screen), "the refusal")
        await until(pilot, lambda: "the limit is 5,000,000" in controls.errors.get("layers", ""), "the error")
        assert screen.session.phase is Phase.READY and screen.session.log.count == 0
