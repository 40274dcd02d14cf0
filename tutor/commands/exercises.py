"""`tutor exercises [list|init|check|hint|solution|watch]`: build-it-yourself exercises.

    tutor exercises               each exercise with its state (passed, tried, open, locked)
    tutor exercises init [DIR]    write the starter files (default ./nn-exercises); keeps existing ones
    tutor exercises check [NAME]  check the current exercise (or NAME) once; exit 0 only if it passes
    tutor exercises hint NAME     the next hint
    tutor exercises solution NAME the reference solution, after a failed check, with a confirmation
    tutor exercises reset NAME    the starter file again; yours is kept as NAME's file + .bak
    tutor exercises watch         re-check the current exercise whenever a file is saved (Ctrl-C stops)
    tutor exercises mycode [run options]  train the run with your code beside the engine: agree, or where they part

Every check, hint and solution shown is saved in the progress store at once.
"""
from __future__ import annotations

import sys
import time

from tutor.commands.common import UsageError

MARKS = {"passed": "✓", "tried": "✗", "open": "·", "locked": "-"}


def run(args) -> int:
    from tutor.commands.quiz import open_store

    action = args.action or "list"
    store = open_store()
    try:
        return ACTIONS[action](args, store)
    finally:
        if store is not None:
            store.close()


def exercise_named(name: str):
    from engine.names import did_you_mean
    from tutor.exercises import NAMES, by_name

    try:
        return by_name(name)
    except KeyError:
        hint = did_you_mean(name, NAMES, quote='"') or " (see `tutor exercises`)"
        raise UsageError(f'no exercise "{name}"{hint}') from None


def results(store) -> dict:
    return store.exercise_results() if store is not None else {}


def list_exercises(args, store) -> int:
    from tutor.exercises.workspace import find, states

    directory = find(args.dir)
    listed = states(results(store))
    width = max(len(exercise.name) for exercise, _ in listed)
    for exercise, state in listed:
        print(f"{MARKS[state]} {exercise.number:2d}. {exercise.name:<{width}}  {exercise.title:<38} {state}")
    done = sum(state == "passed" for _, state in listed)
    print(f"{done} of {len(listed)} passed; workspace: {directory}"
          + ("" if directory.is_dir() else " (not created yet: `tutor exercises init`)"))
    return 0


def init(args, store) -> int:
    from pathlib import Path

    from tutor.exercises.workspace import DEFAULT_DIR, init as write

    directory = Path(args.path or args.dir or DEFAULT_DIR)
    try:
        written, kept = write(directory)
    except OSError as error:
        raise UsageError(f"cannot create the workspace {directory}: {error.strerror or error}") from None
    print(f"workspace {directory}: {len(written)} file(s) written"
          + (f", {len(kept)} kept as they were" if kept else ""))
    print(f"open {directory / (written or kept)[0]} in an editor, then run `tutor exercises check` "
          f"(or `tutor exercises watch`) from {directory}")
    return 0


def check_one(exercise, directory, store) -> bool:
    """Check `exercise`'s file, print the outcome, save it; True when it passes."""
    from tutor.exercises.checker import check_file
    from tutor.exercises.workspace import after_pass

    outcome = check_file(exercise.name, directory / exercise.filename)
    print(outcome.text(exercise.filename))
    if store is not None:
        store.record_exercise_check(exercise.name, outcome.passed)
    if outcome.passed:
        message = after_pass(results(store), exercise)
        if message:
            print(message)
    else:
        print(f"`tutor exercises hint {exercise.name}` gives a hint.")
    return outcome.passed


def target(args, store):
    """The exercise NAME names (refused while locked), or the current one."""
    from tutor.exercises.workspace import current, state_of

    if args.name:
        exercise = exercise_named(args.name)
        if state_of(results(store), exercise.name) == "locked":
            raise UsageError(f"exercise {exercise.name} is locked: pass the ones before it first "
                             "(see `tutor exercises`)")
        return exercise
    return current(results(store))


def check(args, store) -> int:
    from tutor.exercises.workspace import find

    directory = find(args.dir)
    exercise = target(args, store)
    if exercise is None:
        print("All exercises pass. `tutor exercises check NAME` checks one again.")
        return 0
    return 0 if check_one(exercise, directory, store) else 1


def hint(args, store) -> int:
    from tutor.exercises.workspace import hint_text

    exercise = exercise_named(args.name)
    shown = store.show_exercise_hint(exercise.name) if store is not None else 1
    print(hint_text(exercise, shown))
    return 0


def confirmed(question: str, args) -> bool:
    """--yes, or a y typed at the question (end of input counts as no)."""
    if args.yes:
        return True
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def reset(args, store) -> int:
    from tutor.exercises.workspace import find, reset as restore, reset_done, reset_question

    exercise = exercise_named(args.name)
    directory = find(args.dir)
    if not confirmed(reset_question(exercise), args):
        print("Not reset.")
        return 1
    try:
        kept = restore(directory, exercise)
    except OSError as error:
        raise UsageError(f"cannot reset {directory / exercise.filename}: {error.strerror or error}") from None
    print(reset_done(exercise, kept))
    return 0


def solution(args, store) -> int:
    from tutor.exercises.workspace import solution_refusal

    exercise = exercise_named(args.name)
    refusal = solution_refusal(results(store), exercise.name)
    if refusal:
        raise UsageError(f"{refusal} (`tutor exercises check {exercise.name}`)")
    if not confirmed(f"Show the reference solution of {exercise.name}?", args):
        print("Not shown.")
        return 1
    if store is not None:
        store.record_exercise_solution(exercise.name)
    print(exercise.solution, end="")
    return 0


def watch(args, store, polls: int | None = None, interval: float = 0.5, sleep=time.sleep) -> int:
    """Check the current exercise at once, then again whenever a file in the workspace is
    saved (never while its file is the untouched starter) (mtimes polled every `interval` s; a
    save counts once a poll finds it settled, workspace.Saves); `polls` and `sleep` are
    for tests."""
    from tutor.exercises.workspace import Saves, current, edited, find

    directory = find(args.dir)
    if not directory.is_dir():
        raise UsageError(f"no workspace {directory}: `tutor exercises init` creates it")
    print(f"watching {directory}: save a file to check it; Ctrl-C stops")
    saves, first = Saves(directory), True
    while polls is None or polls > 0:
        if first or saves.poll():
            first = False
            exercise = current(results(store))
            if exercise is None:
                print("All exercises pass.")
                return 0
            if edited(directory, exercise):   # an untouched starter is not a try
                check_one(exercise, directory, store)
            else:
                print(f"{exercise.filename} is the starter file: write {exercise.name} in it and save")
            sys.stdout.flush()
        if polls is not None:
            polls -= 1
        sleep(interval)
    return 0


def mycode(args, store) -> int:
    """Train the run the options describe with the learner's code and with the engine:
    exit 0 when they agree, 1 when they part (or an exercise it needs has not passed)."""
    import engine
    from tutor.commands.common import config_from_args, usage_error
    from tutor.exercises.mycode import compare, gate, not_covered
    from tutor.exercises.workspace import find

    config = config_from_args(args)
    uncovered = not_covered(config)
    if uncovered:
        raise UsageError(uncovered)
    try:
        config.checked_dataset()   # the data fits the layers: a bad option, whatever has passed
    except engine.ConfigError as error:
        raise usage_error(error) from None
    why = gate(config, results(store))
    if why:
        print(why[0].upper() + why[1:])
        return 1
    directory = find(args.dir)
    print(f"Training {_run_text(config)} with your code in {directory} and with the engine…", flush=True)
    verdict = compare(config, directory, epochs=config.epochs)
    print(verdict.text)
    if len(verdict.yours) and len(verdict.engine):
        print(f"loss after epoch {len(verdict.yours):,}: yours {verdict.yours[-1]:.6g}, "
              f"the engine {verdict.engine[-1]:.6g}")
    return 0 if verdict.agrees else 1


def _run_text(config) -> str:
    layers = "-".join(map(str, config.layers))
    return f"{config.dataset} {layers} {config.activation}/{config.output}, {config.loss}, {config.optimizer} lr {config.lr:g}"


ACTIONS = {"list": list_exercises, "init": init, "check": check, "hint": hint,
           "solution": solution, "reset": reset, "watch": watch}
ACTIONS["mycode"] = mycode   # "use my code" (tutor/exercises/mycode.py)
