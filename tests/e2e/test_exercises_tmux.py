"""The exercises in a real terminal (tmux), as issue 16 describes it: the learner saves a
wrong answer from another pane and reads the explanation, saves a right one and sees it
pass and the next exercise unlock; with `tutor exercises watch` (80x24) and in the app's
Exercises screen (120x40, the editor a second tmux pane)."""
from __future__ import annotations

from e2e_support import wait_for

from tutor.exercises import NAMES, by_name


def test_watch_explains_a_wrong_save_then_passes_and_unlocks(tmux, tutor_bin, data_dir, tmp_path):
    workspace = tmp_path / "nn-exercises"
    env = f"NN_TUTOR_DATA_DIR={data_dir} TERM=xterm-256color"
    tmux.start(f"env {env} {tutor_bin} exercises init {workspace} && cd {workspace} && "
               f"env {env} {tutor_bin} exercises watch", width=80, height=24)

    def text() -> str:
        # Long lines wrap at 80 columns: join the rows to read sentences whole.
        return "".join(tmux.screen().splitlines())

    wait_for(lambda: "01_sigmoid.py is the starter file" in text(), 60, "the watcher waiting for a save",
             tmux.screen)

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


def test_the_app_exercises_screen_checks_saves_made_in_another_pane(tmux, tutor_bin, data_dir, tmp_path):
    """`tutor exercises init`, then the app (`tutor`) -> e (Exercises); another tmux pane
    (the learner's editor) saves a wrong sigmoid, then a right one."""
    workspace = tmp_path / "nn-exercises"
    env = f"NN_TUTOR_DATA_DIR={data_dir} TERM=xterm-256color"
    tmux.start(f"env {env} {tutor_bin} exercises init {workspace} >/dev/null && cd {workspace} && "
               f"env {env} {tutor_bin}", width=120, height=40)
    editor = tmux.run("split-window", "-d", "-v", "-l", "4", "-t", tmux.SESSION, "-P", "-F", "#{pane_id}").strip()

    def text() -> str:
        return "".join(tmux.screen().splitlines())

    def both() -> str:   # what a failure shows: the app, and the editor pane under it
        return tmux.screen() + "\n--- editor pane ---\n" + tmux.run("capture-pane", "-p", "-t", editor, check=False)

    wait_for(lambda: "Course" in text() and "Exercises" in text(), 60, "the course map", tmux.screen)
    tmux.press("e")
    wait_for(lambda: str(workspace / "01_sigmoid.py") in text(), 60, "the Exercises screen", tmux.screen)
    assert f"Exercise 1 of {len(NAMES)}" in text() and "No workspace yet" not in text()

    sigmoid = by_name("sigmoid")
    wrong, right = tmp_path / "wrong.py", tmp_path / "right.py"
    wrong.write_text(sigmoid.file_text(sigmoid.solution_code.replace("return s * (1.0 - s)", "return s")),
                     encoding="utf-8")
    right.write_text(sigmoid.solution, encoding="utf-8")

    tmux.run("send-keys", "-t", editor, f"cp {wrong} {workspace / sigmoid.filename}", "Enter")   # the editor saves
    wait_for(lambda: "did you return σ(x) instead of σ(x)(1 − σ(x))?" in text(), 60,
             "the explanation of the wrong answer", both)
    assert "01_sigmoid.py:" in text() and "sigmoid tried" in text()

    tmux.run("send-keys", "-t", editor, f"cp {right} {workspace / sigmoid.filename}", "Enter")
    wait_for(lambda: "Unlocked: 02_tanh.py" in text(), 60, "the pass and the next exercise", both)
    assert "01_sigmoid.py passes" in text() and "tanh open" in text() and f"Exercise 2 of {len(NAMES)}" in text()
    assert "Traceback" not in text()

    tmux.press("C-q")
    assert tmux.wait_exit(15, "the tutor to quit") == 0
