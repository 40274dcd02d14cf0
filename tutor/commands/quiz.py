"""`tutor quiz LESSON_ID`: a lesson's quizzes in plain text, for any terminal.

For each quiz: the prompt, then answers read with input(). `?` shows the next
hint, an empty line or `skip` moves on, `giveup` shows the answer and the
explanation. Every judged answer is saved in the progress store at once, so
Ctrl-D (end of input) or Ctrl-C can end the session without losing any.
"""
from __future__ import annotations

import sys

from tutor.cli import UsageError

HELP = "? for a hint, an empty line or skip to skip, giveup to see the answer"


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
        return QuizSession(lesson, store).run()
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
    """Asks one lesson's quizzes in order and saves each judged answer."""

    def __init__(self, lesson, store):
        self.lesson = lesson
        self.store = store
        self.saved = 0
        self.solved = 0

    def run(self) -> int:
        quizzes = self.lesson.quizzes
        print(f"{self.lesson.title}: {len(quizzes)} quiz{'zes' if len(quizzes) != 1 else ''} ({HELP}).")
        if self.store is not None:
            self.store.set_last_lesson(self.lesson.id)
        try:
            for number, quiz in enumerate(quizzes, start=1):
                self.ask(quiz, number, len(quizzes))
        except EOFError:
            print()
            print(f"Stopped. {self._saved_text()}")
            return 0
        print()
        print(f"Solved {self.solved} of {len(quizzes)}. {self._saved_text()}")
        self._complete_if_all_solved()
        return 0

    def ask(self, quiz, number: int, total: int) -> None:
        """One quiz, until it is solved, skipped or given up. EOFError ends the session."""
        from tutor.course.answers import check_answer
        from tutor.course.display import answer_format, quiz_context, reveal

        print()
        print(f"[{number}/{total}] {quiz.prompt}")
        for line in quiz_context(quiz):
            print(line)
        print(f"({answer_format(quiz)})")
        hints_shown = 0
        while True:
            text = input("> ").strip()
            if text in ("", "skip"):
                print("Skipped.")
                return
            if text == "?":
                if hints_shown < len(quiz.hints):
                    hints_shown += 1
                    print(f"Hint {hints_shown}/{len(quiz.hints)}: {quiz.hints[hints_shown - 1]}")
                else:
                    print("No more hints: type giveup to see the answer and the explanation.")
                continue
            if text == "giveup":
                print(reveal(quiz))
                if quiz.explanation:
                    print(quiz.explanation)
                return
            verdict = check_answer(quiz, text)
            if not verdict.understood:
                print(verdict.feedback)
                continue
            self._save(quiz, text, verdict.correct)
            if verdict.correct:
                self.solved += 1
                print(verdict.feedback)
                if quiz.explanation:
                    print(quiz.explanation)
                return
            print(f"{verdict.feedback} Try again, or ? for a hint.")

    def _save(self, quiz, text: str, correct: bool) -> None:
        if self.store is not None:
            self.store.record_answer(self.lesson.id, quiz.id, text, correct)
            self.saved += 1

    def _saved_text(self) -> str:
        if self.store is None:
            return "(Answers were not saved.)"
        return f"{self.saved} answer{'s' if self.saved != 1 else ''} saved."

    def _complete_if_all_solved(self) -> None:
        """Mark the lesson complete once every quiz has been solved, now or before."""
        if self.store is None:
            return
        status = self.store.quiz_status(self.lesson.id)
        if all(status.get(quiz.id) for quiz in self.lesson.quizzes):
            self.store.complete_lesson(self.lesson.id)
            print("Lesson complete.")
