"""Load the course: every lesson file of a folder, validated, in file-name order.

`load_course()` never stops at a bad lesson: it collects each problem as
`Problem(path, line, message)` (printed `lessons/07-learning-rate.md:42: quiz: ...`)
and loads everything else. Checks across lessons (duplicate ids, `requires`
naming a lesson that does not exist, cycles in `requires`) happen here; checks
of single blocks happen in tutor.course.blocks.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from tutor.course.blocks import Depth, build_block, parse_toml
from tutor.course.lessonfile import RawBlock, split_lesson
from tutor.course.model import Course, Lesson, Problem, Prose, Quiz
from tutor.course.paths import lessons_dir
from tutor.visible import control_characters, visible

# A lesson is a few pages of text (the longest is 11 kB); more is not a lesson.
MAX_LESSON_BYTES = 1_000_000
MAX_REPORTED_LINES = 10  # lines with control characters reported one by one

LESSON_FILE = re.compile(r"^(?P<number>\d+)-[\w-]+\.md$")
LESSON_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FRONT_MATTER_FIELDS = ("id", "title", "requires", "summary", "part")


@dataclass(frozen=True)
class _Loaded:
    """A lesson and the front-matter lines that course-wide checks point at."""

    lesson: Lesson
    id_line: int
    requires_line: int


def load_course(directory: str | Path | None = None, *, depth: Depth = Depth.MATH) -> Course:
    """All lessons in `directory` (default: lessons_dir()), with every problem found.

    `depth` says how much to check (see Depth): Depth.QUICK for the app's start-up,
    Depth.RUNS to also train predict quizzes' networks and check the authors'
    answers against the engine (what `tutor check-lessons` does).
    """
    directory = Path(directory) if directory is not None else lessons_dir()
    if not directory.is_dir():
        return Course(directory, (), (Problem(directory, 0, "no such lessons folder"),))
    problems: list[Problem] = []
    loaded: list[_Loaded] = []
    files = _lesson_files(directory, problems)
    for path in files:
        item, lesson_problems = load_lesson(path, depth=depth)
        problems.extend(lesson_problems)
        if item is not None:
            loaded.append(item)
    loaded = _drop_duplicate_ids(loaded, problems)
    _check_requires(loaded, problems)
    file_order = {path: n for n, path in enumerate(files)}
    problems.sort(key=lambda p: (file_order.get(p.path, -1), p.line))
    return Course(directory, tuple(item.lesson for item in loaded), tuple(problems))


def load_lesson_file(path: str | Path, *, depth: Depth = Depth.MATH) -> Course:
    """One lesson file, checked as load_course would check it in its folder: a course
    of that lesson (none if it cannot be loaded) and the problems of that file only.

    Its id and `requires` are checked against the other lessons of its folder, which
    are read quickly (Depth.QUICK) and whose own problems are not reported.
    """
    path = Path(path)
    problems: list[Problem] = []
    if not LESSON_FILE.match(path.name):
        problems.append(_badly_named(path))
    item, lesson_problems = load_lesson(path, depth=depth)
    problems.extend(lesson_problems)
    if item is None:
        return Course(path.parent, (), tuple(problems))
    others = [load_lesson(other, depth=Depth.QUICK)[0]
              for other in _lesson_files(path.parent, []) if other.resolve() != path.resolve()]
    # The file comes last, so that an id it shares with another lesson is reported on it.
    course_problems: list[Problem] = []
    loaded = _drop_duplicate_ids([other for other in others if other is not None] + [item], course_problems)
    _check_requires(loaded, course_problems)
    problems.extend(problem for problem in course_problems if problem.path == path)
    problems.sort(key=lambda p: p.line)
    lessons = (item.lesson,) if item in loaded else ()
    return Course(path.parent, lessons, tuple(problems))


def _lesson_files(directory: Path, problems: list[Problem]) -> list[Path]:
    """Lesson files sorted by their number, then name; other .md files are reported."""
    files = []
    for path in directory.glob("*.md"):
        if path.name.lower() == "readme.md":
            continue
        match = LESSON_FILE.match(path.name)
        if not match:
            problems.append(_badly_named(path))
            continue
        files.append((int(match["number"]), path.name, path))
    return [path for _, _, path in sorted(files)]


def _badly_named(path: Path) -> Problem:
    return Problem(path, 1, "file name should look like 07-learning-rate.md "
                            "(a number, a dash, a slug); not loaded")


def load_lesson(path: Path, *, depth: Depth = Depth.MATH) -> tuple[_Loaded | None, list[Problem]]:
    """One lesson file: the lesson (None if it cannot be identified) and its problems."""
    found: list[tuple[int, str]] = []
    text, problem = read_lesson_text(path)
    if text is None:
        return None, [Problem(path, *problem)]
    # Control characters (an escape sequence would reach the terminal) are reported
    # and shown as visible stand-ins everywhere the lesson's text goes.
    controls = control_characters(text)
    found.extend((line, f"{what}: shown as a symbol; remove it") for line, what in controls[:MAX_REPORTED_LINES])
    if len(controls) > MAX_REPORTED_LINES:
        line = controls[MAX_REPORTED_LINES][0]
        found.append((line, f"control characters on {len(controls) - MAX_REPORTED_LINES} more lines "
                            "from here on (not listed one by one)"))
    text = visible(text)

    split = split_lesson(text)
    found.extend(split.problems)
    lesson = None
    if split.front_matter is not None:
        front = split.front_matter
        table = parse_toml(front.text, front.line - 1, "front matter", found)
        if table is not None:
            lesson = _front_matter(table, front.text, front.line, path, found)
    if lesson is None:
        return None, [Problem(path, line, message) for line, message in sorted(found)]

    body: list = []
    quiz_number = 0
    quiz_ids: dict[str, int] = {}
    for segment in split.segments:
        if not isinstance(segment, RawBlock):
            body.append(Prose(segment.text, segment.line))
            continue
        if segment.kind == "quiz":
            quiz_number += 1
        try:
            block, block_problems = build_block(segment, lesson.lesson.id, quiz_number, depth, folder=path.parent)
        except Exception as error:  # a bug in a checker must not take the other lessons down with it
            block, block_problems = None, [(segment.line, f"{segment.kind}: could not check this block "
                                                          f"({type(error).__name__}: {error})")]
        found.extend(block_problems)
        if isinstance(block, Quiz):
            if block.id in quiz_ids:
                found.append((segment.line, f'quiz: id "{block.id}" is already used by the quiz '
                                            f'on line {quiz_ids[block.id]}'))
                continue
            quiz_ids[block.id] = segment.line
        if block is not None:
            body.append(block)
    item = dataclasses.replace(lesson, lesson=dataclasses.replace(lesson.lesson, body=tuple(body)))
    return item, [Problem(path, line, message) for line, message in sorted(found)]


def read_lesson_text(path: Path) -> tuple[str | None, tuple[int, str] | None]:
    """(text, None), or (None, (line, problem)) if the file cannot be a lesson: not a
    regular file, larger than MAX_LESSON_BYTES, not UTF-8, or binary (a NUL byte)."""
    from engine.files import FileReadError, read_regular_file

    try:
        data = read_regular_file(path, MAX_LESSON_BYTES)
    except FileReadError as error:
        return None, (1, f"not read: the file {error}")
    except OSError as error:
        return None, (1, f"cannot read the file: {error.strerror or error}")
    if b"\0" in data:
        return None, (data.count(b"\n", 0, data.index(b"\0")) + 1, "binary file (a NUL byte), not lesson text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, (line, f"not UTF-8 text (byte 0x{data[error.start]:02x}: {error.reason})")
    # Universal newlines, as reading in text mode would give.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), None


def _front_matter(table: dict, text: str, first_line: int, path: Path,
                  found: list[tuple[int, str]]) -> _Loaded | None:
    """Read id, title, requires, summary and part; None if the lesson has no usable id."""

    def line_of(key: str) -> int:
        for offset, line in enumerate(text.splitlines()):
            if re.match(r"^\s*" + re.escape(key) + r"\s*=", line):
                return first_line + offset
        return first_line - 1  # the opening +++

    def report(key: str, message: str) -> None:
        found.append((line_of(key), f"front matter: {message}"))

    from engine.names import did_you_mean

    for key in table:
        if key not in FRONT_MATTER_FIELDS:
            hint = did_you_mean(key, FRONT_MATTER_FIELDS, quote='"')
            report(key, f'unknown field "{key}"{hint}')

    lesson_id = table.get("id")
    if lesson_id is None:
        report("id", 'missing field "id" (a short name like "chain-rule"); lesson not loaded')
        return None
    if not isinstance(lesson_id, str) or not LESSON_ID.match(lesson_id):
        report("id", f'id {lesson_id!r} must be lowercase letters, digits and dashes, like "chain-rule"; '
                     "lesson not loaded")
        return None

    title = table.get("title")
    if not isinstance(title, str) or not title.strip():
        report("title", 'missing field "title"' if title is None else '"title" must be a non-empty string')
        title = lesson_id

    requires = table.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(item, str) for item in requires):
        report("requires", '"requires" must be a list of lesson ids, like ["derivatives"]')
        requires = []

    summary = table.get("summary", "")
    if not isinstance(summary, str):
        report("summary", '"summary" must be a string')
        summary = ""

    part = table.get("part", "")
    if not isinstance(part, str):
        report("part", '"part" must be a string, the title of the part of the course this lesson starts')
        part = ""

    lesson = Lesson(id=lesson_id, title=title.strip(), requires=tuple(requires), path=path, body=(),
                    summary=summary.strip(), part=part.strip())
    return _Loaded(lesson, line_of("id"), line_of("requires"))


def _drop_duplicate_ids(loaded: list[_Loaded], problems: list[Problem]) -> list[_Loaded]:
    """Keep the first lesson with each id; report the others."""
    first: dict[str, _Loaded] = {}
    kept = []
    for item in loaded:
        lesson = item.lesson
        if lesson.id in first:
            other = first[lesson.id].lesson.path.name
            problems.append(Problem(lesson.path, item.id_line,
                                    f'front matter: id "{lesson.id}" is already used by {other}; lesson not loaded'))
            continue
        first[lesson.id] = item
        kept.append(item)
    return kept


def _check_requires(loaded: list[_Loaded], problems: list[Problem]) -> None:
    """Every `requires` names a lesson, and following `requires` never comes back (no cycles)."""
    by_id = {item.lesson.id: item for item in loaded}
    for item in loaded:
        for required in item.lesson.requires:
            if required not in by_id:
                from engine.names import did_you_mean

                hint = did_you_mean(required, by_id, quote='"')
                problems.append(Problem(item.lesson.path, item.requires_line,
                                        f'front matter: requires "{required}", which no lesson has{hint}'))
    for cycle in _cycles(by_id):
        start = by_id[cycle[0]]
        problems.append(Problem(start.lesson.path, start.requires_line,
                                "front matter: requires forms a cycle: " + " -> ".join(cycle + [cycle[0]])))


def _cycles(by_id: dict[str, _Loaded]) -> list[list[str]]:
    """Each cycle of the `requires` graph once, starting at its first lesson in file order."""
    order = {lesson_id: n for n, lesson_id in enumerate(by_id)}
    state: dict[str, str] = {}  # "active" while on the current path, "done" after
    cycles: list[list[str]] = []
    path: list[str] = []

    def visit(lesson_id: str) -> None:
        state[lesson_id] = "active"
        path.append(lesson_id)
        for required in by_id[lesson_id].lesson.requires:
            if required not in by_id:
                continue
            if state.get(required) == "active":
                cycle = path[path.index(required):]
                turn = min(range(len(cycle)), key=lambda i: order[cycle[i]])
                cycles.append(cycle[turn:] + cycle[:turn])
            elif required not in state:
                visit(required)
        path.pop()
        state[lesson_id] = "done"

    for lesson_id in by_id:
        if lesson_id not in state:
            visit(lesson_id)
    return cycles
