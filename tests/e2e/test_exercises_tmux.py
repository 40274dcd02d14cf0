"""`tutor exercises watch` in a real terminal (tmux, 80x24), as issue 16 describes it: the
learner saves a wrong answer from another pane and reads the explanation, saves a right one
and sees it pass and the next exercise unlock."""
from __future__ import annotations

from e2e_support import wait_for

from tutor.exercises import by_name


def test_watch_explains_a_wrong_save_then_passes_and_unlocks(tmux, tutor_bin, data_dir, tmp_path):
    workspace = tmp_path / "nn-exercises"
    env = f"NN_TUTOR_DATA_DIR={data_dir} TERM=xterm-256color"
    tmux.start(f"env {env} {tutor_bin} exercises init {workspace} && cd {workspace} && "
               f"env {env} {tutor_bin} exercises watch", width=80, height=24)

    def text() -> str:
        # Long lines wrap at 80 columns: join the rows to read sentences whole.
        return "".join(tmux.screen().splitlines())

    wait_for(lambda: "sigmoid is not written yet" in text(), 60, "the first check of the starter", tmux.screen)

    sigmoid = by_name("sigmoid")
    wrong = sigmoid.solution_code.replace("return s * (1.0 - s)", "return s")
    (workspace / sigmoid.filename).write_text(sigmoid.file_text(wrong), encoding="utf-8")   # the "editor" saves
    wait_for(lambda: "did you return σ(x) instead of σ(x)(1 − σ(x))?" in text(), 60,
             "the explanation of the wrong answer", tmux.screen)
    assert "returned 0.881; the derivative there is 0.105" in text()

    (workspace / sigmoid.filename).write_text(sigmoid.solution, encoding="utf-8")
    wait_for(lambda: "Unlocked: 02_tanh.py" in text(), 60, "the pass and the next exercise", tmux.screen)
    assert "✓ sigmoid: all checks pass" in text()
    assert "Traceback" not in text()

    tmux.press("C-c")
    assert tmux.wait_exit(10, "watch to stop on Ctrl-C") == 130
