"""`tutor lab --start` in a real terminal (tmux, 120x36): it trains, draws, and quits on Ctrl+Q."""
from __future__ import annotations

import re

from e2e_support import epoch_shown, process_gone, wait_for

BRAILLE = re.compile("[\u2801-\u28ff]")


def test_tutor_lab_start_trains_draws_and_quits(tmux, tutor_bin, tmp_path):
    env = f"XDG_DATA_HOME={tmp_path / 'data'} XDG_CONFIG_HOME={tmp_path / 'config'} TERM=xterm-256color"
    tmux.start(f"env {env} {tutor_bin} lab --start --dataset circle --layers 2,4,4,1 --epochs 100000000",
               width=120, height=36)
    assert tmux.size() == (120, 36)
    pid = tmux.pane_pid()

    def screen_past(epoch: int) -> str | None:
        """The screen, once its epoch counter is past `epoch`."""
        screen = tmux.screen()
        return screen if (epoch_shown(screen) or 0) > epoch else None

    first = epoch_shown(wait_for(lambda: screen_past(0), 60, "the epoch counter", tmux.screen))
    second_screen = wait_for(lambda: screen_past(first), 60, "the epoch counter to advance", tmux.screen)
    assert epoch_shown(second_screen) > first

    # The charts are drawn: titled panels, plot frames, and braille lines in them.
    for title in ("loss", "tracked weights", "log10 mean |δ| per layer", "network", "data and prediction"):
        assert title in second_screen, title
    assert second_screen.count("┤") >= 8              # y-axis ticks of the charts
    assert len(BRAILLE.findall(second_screen)) > 50    # the curves themselves
    assert "running" in second_screen

    tmux.press("C-q")
    assert tmux.wait_exit(10, "the tutor to quit") == 0
    assert process_gone(pid)
