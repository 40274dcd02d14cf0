"""What the Lab sends down the wire: how often each panel is redrawn, in the default and
the low-bandwidth mode, and that nothing unchanged is redrawn (bench/bandwidth.py
measures the bytes)."""
from __future__ import annotations

import time
from collections import Counter
from types import SimpleNamespace

from lab_fixtures import lab_app, lab_screen, wait_phase

import tutor.screens.lab.screen as lab_module
from tutor.session import Phase
from tutor.widgets.charts import LossChart


async def redraws_in_ten_seconds(tmp_path, monkeypatch, slow_link: bool) -> Counter:
    """Drive the Lab's refresh by hand on a fake clock, a tick at a time, while a run
    trains; count the refreshes in which each group of panels was due."""
    app = lab_app(tmp_path, start=True, epochs=100_000_000)
    app.slow_link = slow_link
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        await wait_phase(pilot, screen, Phase.RUNNING)
        screen._pacer.next_due = float("inf")    # the screen's own timer stands aside
        clock = [time.monotonic() + 1000.0]      # later than any redraw so far
        monkeypatch.setattr(lab_module, "time",
                            SimpleNamespace(monotonic=lambda: clock[0], thread_time=time.thread_time))
        due = Counter()
        decide = screen._due

        def counted(group, seconds, now, every):
            result = decide(group, seconds, now, every)
            due[group] += result
            return result

        monkeypatch.setattr(screen, "_due", counted)
        tick = screen.refresh_interval
        for _ in range(round(10 / tick)):
            screen._refresh()
            clock[0] += tick
        assert screen.session.phase is Phase.RUNNING   # every refresh was a running one
        return due


async def test_a_slow_link_redraws_pictures_every_5_s_and_the_weight_charts_every_2_s(tmp_path, monkeypatch):
    due = await redraws_in_ten_seconds(tmp_path, monkeypatch, slow_link=True)
    assert due == Counter(charts=5, pictures=2, activation=2)


async def test_by_default_pictures_follow_twice_a_second_and_the_other_charts_once(tmp_path, monkeypatch):
    due = await redraws_in_ten_seconds(tmp_path, monkeypatch, slow_link=False)
    assert due == Counter(charts=10, pictures=20, activation=10)


async def test_an_unchanged_legend_or_status_is_not_set_again(tmp_path):
    """Setting a border title repaints the chart: setting the same legend at every build
    sent every chart twice."""
    app = lab_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        await pilot.pause()
        chart = screen.query_one(LossChart)
        status = screen.query_one("#status")
        refreshed = Counter()
        for widget, name in ((chart, "chart"), (status, "status")):
            original = widget.refresh

            def counting(*args, _original=original, _name=name, **kwargs):
                refreshed[_name] += 1
                return _original(*args, **kwargs)

            widget.refresh = counting
        chart._set_titles()
        screen._update_status()
        assert refreshed == Counter()
        chart.set_log_scale(True)          # a new title: set, and the chart repainted
        assert refreshed["chart"] >= 1 and "log10" in str(chart.border_title)
        screen.notice = "something new"
        screen._update_status()
        assert refreshed["status"] >= 1
