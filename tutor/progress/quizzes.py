"""What the learner did with quizzes: answers, shown answers, hints, and what they add up to.

An answer typed after its variant's answer was shown is kept (after_reveal) but
solves nothing; a shown variant is never asked again (the number of reveals is
the variant to ask next).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tutor.progress.store import Store, need_id, timestamp


@dataclass(frozen=True)
class Answer:
    """One answer the learner typed or chose, with its verdict."""
    lesson_id: str
    quiz_id: str
    text: str
    correct: bool
    when: float  # seconds since the epoch (time.time())
    variant: int = 0  # which variant of the quiz (0: the author's numbers)
    after_reveal: bool = False  # typed after that variant's answer was shown: does not solve it


@dataclass(frozen=True)
class QuizState:
    """What the learner has done with one quiz.

    `solved`: a right answer given before that variant's answer was shown (once
    solved, stays solved). `reveals`: how many times an answer was shown; it is
    also the variant to ask next, since a shown variant cannot be solved any more.
    """
    quiz_id: str
    solved: bool = False
    attempts: int = 0
    reveals: int = 0

    @property
    def answer_shown(self) -> bool:
        """The answer was shown and the quiz has not been solved (since or before)."""
        return self.reveals > 0 and not self.solved

    @property
    def status(self) -> str:
        """"solved", "answer shown", "tried" or "new"."""
        if self.solved:
            return "solved"
        if self.reveals:
            return "answer shown"
        return "tried" if self.attempts else "new"


class QuizProgress(Store):
    """The answers, reveals and hints tables."""

    def record_answer(
        self, lesson_id: str, quiz_id: str, text: str, correct: bool, when: float | None = None,
        variant: int = 0,
    ) -> bool:
        """Store one answer: lesson, quiz, the text given, the verdict, the time, the variant.

        Returns whether the answer counts: False when this variant's answer had
        been shown before (it is kept, marked after_reveal, but solves nothing).
        """
        need_id("lesson_id", lesson_id)
        need_id("quiz_id", quiz_id)
        if not isinstance(text, str):
            raise TypeError(f"answer text must be a string, not {type(text).__name__}")
        with self._writing("save your answer") as con:
            shown = con.execute(
                "SELECT 1 FROM reveals WHERE lesson_id = ? AND quiz_id = ? AND variant = ?",
                (lesson_id, quiz_id, int(variant)),
            ).fetchone() is not None
            con.execute(
                "INSERT INTO answers (lesson_id, quiz_id, text, correct, answered_at, variant, after_reveal)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (lesson_id, quiz_id, text, int(bool(correct)), timestamp(when), int(variant), int(shown)),
            )
        return not shown

    def record_reveal(self, lesson_id: str, quiz_id: str, variant: int = 0, when: float | None = None) -> None:
        """Remember that the answer of this variant of the quiz was shown to the learner."""
        need_id("lesson_id", lesson_id)
        need_id("quiz_id", quiz_id)
        with self._writing("remember the shown answer") as con:
            con.execute(
                "INSERT INTO reveals (lesson_id, quiz_id, variant, revealed_at) VALUES (?, ?, ?, ?)",
                (lesson_id, quiz_id, int(variant), timestamp(when)),
            )

    def answers(self, lesson_id: str | None = None) -> list[Answer]:
        """Every answer (of one lesson, if given), oldest first."""
        query = "SELECT lesson_id, quiz_id, text, correct, answered_at, variant, after_reveal FROM answers"
        params: tuple[str, ...] = ()
        if lesson_id is not None:
            query += " WHERE lesson_id = ?"
            params = (lesson_id,)
        with self._reading("read your answers") as con:
            rows = con.execute(query + " ORDER BY answered_at, id", params).fetchall()
        return [Answer(l, q, t, bool(c), w, v, bool(r)) for l, q, t, c, w, v, r in rows]

    def quiz_states(self, lesson_id: str) -> dict[str, QuizState]:
        """The state of every quiz of the lesson the learner answered or gave up on,
        in the order first touched (a quiz never touched is absent: it is "new")."""
        with self._reading("read your quiz results") as con:
            answered = con.execute(
                "SELECT quiz_id, MAX(correct AND NOT after_reveal), COUNT(*), MIN(answered_at)"
                " FROM answers WHERE lesson_id = ? GROUP BY quiz_id",
                (lesson_id,),
            ).fetchall()
            revealed = con.execute(
                "SELECT quiz_id, COUNT(*), MIN(revealed_at) FROM reveals WHERE lesson_id = ? GROUP BY quiz_id",
                (lesson_id,),
            ).fetchall()
        first: dict[str, float] = {}
        fields: dict[str, dict[str, Any]] = {}
        for quiz, solved, attempts, when in answered:
            fields[quiz] = {"solved": bool(solved), "attempts": attempts}
            first[quiz] = when
        for quiz, reveals, when in revealed:
            fields.setdefault(quiz, {})["reveals"] = reveals
            first[quiz] = min(first.get(quiz, when), when)
        return {quiz: QuizState(quiz, **fields[quiz]) for quiz in sorted(fields, key=first.__getitem__)}

    def quiz_status(self, lesson_id: str) -> dict[str, bool]:
        """For each quiz of the lesson that was attempted or shown: solved?"""
        return {quiz: state.solved for quiz, state in self.quiz_states(lesson_id).items()}

    def solved_quizzes(self, lesson_id: str) -> set[str]:
        """Ids of the lesson's quizzes the learner has solved (read-only; what
        `tutor lessons` counts)."""
        return {quiz for quiz, solved in self.quiz_status(lesson_id).items() if solved}

    def score(self, lesson_id: str) -> tuple[int, int]:
        """(quizzes solved, quizzes attempted or shown) in the lesson."""
        status = self.quiz_status(lesson_id)
        return sum(status.values()), len(status)

    def lesson_scores(self, quiz_ids: Mapping[str, Iterable[str]]) -> dict[str, tuple[int, int, int]]:
        """For each lesson id -> its quiz ids: (solved, answer shown, total). For
        `tutor lessons` and the course map, which know the quizzes each lesson has."""
        scores = {}
        for lesson_id, ids in quiz_ids.items():
            ids = list(ids)
            states = self.quiz_states(lesson_id)
            solved = sum(1 for quiz in ids if quiz in states and states[quiz].solved)
            shown = sum(1 for quiz in ids if quiz in states and states[quiz].answer_shown)
            scores[lesson_id] = (solved, shown, len(ids))
        return scores

    # -- hints --

    def record_hints(self, lesson_id: str, quiz_id: str, shown: int) -> None:
        """Remember how many hints of the quiz the learner has seen (never fewer than before)."""
        need_id("lesson_id", lesson_id)
        need_id("quiz_id", quiz_id)
        with self._writing("remember the hints you used") as con:
            con.execute(
                "INSERT INTO hints (lesson_id, quiz_id, shown) VALUES (?, ?, ?)"
                " ON CONFLICT (lesson_id, quiz_id) DO UPDATE SET shown = MAX(shown, excluded.shown)",
                (lesson_id, quiz_id, int(shown)),
            )

    def hints_shown(self, lesson_id: str) -> dict[str, int]:
        """quiz id -> how many of its hints the learner has seen."""
        with self._reading("read the hints you used") as con:
            rows = con.execute("SELECT quiz_id, shown FROM hints WHERE lesson_id = ?", (lesson_id,)).fetchall()
        return dict(rows)
