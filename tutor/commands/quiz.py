"""`tutor quiz LESSON_ID [--all]`: a lesson's quizzes in plain text, for any terminal.

It first lists the quizzes with their state (solved, answer shown, tried), then
asks the unsolved ones from the first (`--all`: every quiz, from quiz 1). For
each: the prompt, then answers read with input(). `?` shows the next hint (as
in `tutor drill`), an empty line or `skip` moves on, `giveup` shows the answer
and the explanation. A shown answer does not solve the quiz: a later session
asks it with new numbers or another seed where the quiz has variants. Every
judged answer, shown answer and hint is saved in the progress store at once,
so Ctrl-D (end of input) or Ctrl-C can end the session without losing any. It
ends with the score.
"""
from __future__ import annotations

import sys

from tutor.commands.common import UsageError

HELP = "? for a hint, an empty line or skip to skip, giveup to see the answer"
MARKS = {"solved": "✓", "answer shown": "◐", "tried": "✗", "new": " "}


def run(args) -> int:
    from tutor.course.loader import load_course

    course = load_course()
    try:
        lesson = course.lesson(args.lesson_id)
    except KeyError:
        close = course.suggest(args.lesson_id)
        hint = f" (did you mean {' or '.join(close)}?)" if close else " (see `tutor lessons`)"
        raise UsageError(f'no lesson "{args.lesson_id}"{hint}') from None
    broken = [problem for problem in course.problems if problem.path == lesson.path]
    if broken:
        print(f"note: {len(broken)} problem(s) in {lesson.path.name} leave some blocks out; "
              "`tutor check-lessons` lists them", file=sys.stderr)
    if not lesson.quizzes:
        print(f"{lesson.title}: this lesson has no quizzes.")
        return 0
    store = open_store()
    try:
        return QuizSession(lesson, store, ask_all=getattr(args, "all", False)).run()
    finally:
        if store is not None:
            store.close()


def open_store():
    """The progress store, or None (with a warning) if it cannot be used."""
    from tutor.progress import ProgressError, open_progress

    try:
        store, notice = open_progress()
    except ProgressError as error:
        print(f"warning: answers will not be saved: {error}", file=sys.stderr)
        return None
    if notice:
        print(notice, file=sys.stderr)
    return store


class QuizSession:
    """Asks one lesson's quizzes (the unsolved ones, or all) and saves what happens."""

    def __init__(self, lesson, store, ask_all: bool = False):
        self.lesson = lesson
        self.store = store
        self.ask_all = ask_all
        self.saved = 0
        self.states = store.quiz_states(lesson.id) if store is not None else {}
        self.hints = store.hints_shown(lesson.id) if store is not None else {}

    def run(self) -> int:
        quizzes = self.lesson.quizzes
        print(f"{self.lesson.title}: {len(quizzes)} quiz{'zes' if len(quizzes) != 1 else ''} ({HELP}).")
        self._print_states()
        if self.store is not None:
            self.store.set_last_lesson(self.lesson.id)
        numbered = list(enumerate(quizzes, start=1))
        todo = [(n, quiz) for n, quiz in numbered if self.ask_all or self._can_solve(quiz)]
        stuck = [n for n, quiz in numbered if not self._solved(quiz) and not self._can_solve(quiz)]
        if stuck and not self.ask_all:
            print(f"Quiz{'zes' if len(stuck) > 1 else ''} {', '.join(map(str, stuck))}: the answer was shown "
                  f"and there is no fresh variant; --all asks {'them' if len(stuck) > 1 else 'it'} as practice.")
        if not todo:
            print(("Every quiz is solved." if not stuck else "Nothing left to solve.")
                  + f" `tutor quiz {self.lesson.id} --all` asks them again.")
            print(self._score_text())
            return 0
        if not self.ask_all and todo[0][0] > 1:
            print(f"Starting at quiz {todo[0][0]}, the first one to solve (--all asks every quiz).")
        try:
            for number, quiz in todo:
                self.ask(quiz, number, len(quizzes))
        except EOFError:
            print()
            print(f"Stopped. {self._score_text()}")
            return 0
        print()
        print(self._score_text())
        self._complete_if_all_solved()
        return 0

    def _state(self, quiz):
        from tutor.progress import QuizState

        return self.states.get(quiz.id) or QuizState(quiz.id)

    def _solved(self, quiz) -> bool:
        return self._state(quiz).solved

    def _can_solve(self, quiz) -> bool:
        """Not solved, and not shown without a fresh variant to solve instead."""
        from tutor.course.variants import has_variants

        state = self._state(quiz)
        return not state.solved and not (state.answer_shown and not has_variants(quiz))

    def _print_states(self) -> None:
        from tutor.course.display import short_prompt

        for number, quiz in enumerate(self.lesson.quizzes, start=1):
            status = self._state(quiz).status
            state = f" ({status})" if status != "new" else ""
            print(f"  {MARKS[status]} {number}. {short_prompt(quiz.prompt, 60)}{state}")

    def ask(self, quiz, number: int, total: int) -> None:
        """One quiz, until it is solved, skipped or given up. EOFError ends the session."""
        from tutor.course.answers import check_answer, verdict_line
        from tutor.course.display import answer_format, quiz_context, reveal
        from tutor.course.variants import has_variants, variant

        state = self._state(quiz)
        solved = state.solved
        # A shown answer cannot be earned back by retyping it: ask a fresh variant if there is one.
        number_asked = state.reveals if state.answer_shown and has_variants(quiz) else 0
        shown = state.answer_shown and not has_variants(quiz)
        asked = variant(quiz, number_asked)
        print()
        print(f"[{number}/{total}] {asked.prompt}")
        if number_asked:
            print(f"(You were shown the answer before: here it is with new numbers, variant {number_asked}; "
                  "the hints and explanation are about the original ones.)")
        elif shown:
            print("(You were shown this answer before: answering it again is practice, it stays \"answer shown\".)")
        for line in quiz_context(asked):
            print(line)
        print(f"({answer_format(asked)})")
        hints_shown = min(self.hints.get(quiz.id, 0), len(quiz.hints))
        for n in range(hints_shown):
            print(f"Hint {n + 1}/{len(quiz.hints)} (seen before): {quiz.hints[n]}")
        while True:
            text = input("> ").strip()
            if text in ("", "skip"):
                print("Skipped.")
                return
            if text == "?":
                if hints_shown < len(quiz.hints):
                    hints_shown += 1
                    print(f"Hint {hints_shown}/{len(quiz.hints)}: {quiz.hints[hints_shown - 1]}")
                    if self.store is not None:
                        self.store.record_hints(self.lesson.id, quiz.id, hints_shown)
                else:
                    print("No more hints: type giveup to see the answer and the explanation.")
                continue
            if text == "giveup":
                print(reveal(asked))
                if asked.explanation:
                    print(asked.explanation)
                if not solved:
                    self._shown(quiz, number_asked)
                return
            verdict = check_answer(asked, text)
            if not verdict.understood:
                print(verdict.feedback)
                continue
            counts = self._save(quiz, text, verdict.correct, number_asked) and not shown
            mark, feedback = verdict_line(verdict)
            line = f"{mark} {feedback}".rstrip()
            if verdict.correct:
                if solved or counts:
                    self._solve(quiz)
                    print(line)
                else:
                    print(f"{line} You were shown this answer, so it does not solve the quiz.")
                if asked.explanation:
                    print(asked.explanation)
                return
            if solved:
                print(f"✗ Not this one. {feedback} The quiz stays solved: you solved it before.")
                continue
            if verdict.shows_answer:
                print(f"{line} That gives the answer away: the quiz counts as \"answer shown\" "
                      "until you solve it with another seed (run tutor quiz again).")
                self._shown(quiz, number_asked)
                return
            print(f"{line} Try again, or ? for a hint.")

    def _save(self, quiz, text: str, correct: bool, variant: int) -> bool:
        """Save the answer; True if it counts (its variant's answer had not been shown)."""
        if self.store is None:
            return True
        self.saved += 1
        return self.store.record_answer(self.lesson.id, quiz.id, text, correct, variant=variant)

    def _solve(self, quiz) -> None:
        import dataclasses

        self.states[quiz.id] = dataclasses.replace(self._state(quiz), solved=True)

    def _shown(self, quiz, variant: int) -> None:
        import dataclasses

        if self.store is not None:
            self.store.record_reveal(self.lesson.id, quiz.id, variant)
        state = self._state(quiz)
        self.states[quiz.id] = dataclasses.replace(state, reveals=state.reveals + 1)

    def _score_text(self) -> str:
        """"Score: 2 of 3 solved, 1 answer shown. 4 answers saved."."""
        quizzes = self.lesson.quizzes
        solved = sum(1 for quiz in quizzes if self._solved(quiz))
        shown = sum(1 for quiz in quizzes if self._state(quiz).answer_shown)
        score = f"Score: {solved} of {len(quizzes)} solved" + (f", {shown} answer{'s' if shown != 1 else ''} shown" if shown else "") + "."
        if self.store is None:
            return f"{score} (Answers were not saved.)"
        return f"{score} {self.saved} answer{'s' if self.saved != 1 else ''} saved."

    def _complete_if_all_solved(self) -> None:
        """Mark the lesson complete once every quiz has been solved, now or before."""
        if self.store is None:
            return
        if all(self._solved(quiz) for quiz in self.lesson.quizzes):
            self.store.complete_lesson(self.lesson.id)
            print("Lesson complete.")
