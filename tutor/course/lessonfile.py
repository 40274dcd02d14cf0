"""Split a lesson file into its front matter, its prose and its fenced blocks.

A lesson file is Markdown with TOML front matter between two `+++` lines. Fenced
blocks whose info string is one of BLOCK_KINDS (```quiz, ```lab, ```compare, ```engine, ```stepper,
```graph, ```exercise, ```gradcheck) are
interactive parts with TOML inside; every other fence (```python, ```text) is
ordinary Markdown and stays in the prose. Line numbers are 1-based lines of the
file, so that problems can be reported as `path:line: message`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BLOCK_KINDS = ("quiz", "lab", "compare", "engine", "stepper", "graph", "exercise", "gradcheck")

FRONT_MATTER_FENCE = "+++"

# An opening fence: up to 3 spaces, then 3+ backticks or tildes, then the info string.
OPENING_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")


@dataclass(frozen=True)
class FrontMatter:
    text: str
    line: int  # line of the first TOML line (the one after the opening +++)


@dataclass(frozen=True)
class RawText:
    text: str
    line: int


@dataclass(frozen=True)
class RawBlock:
    kind: str  # one of BLOCK_KINDS
    body: str  # the TOML between the fences
    line: int  # line of the opening fence; the body starts on the next line


@dataclass(frozen=True)
class SplitLesson:
    front_matter: FrontMatter | None
    segments: tuple[RawText | RawBlock, ...]
    problems: tuple[tuple[int, str], ...]  # (line, message)


def split_lesson(text: str) -> SplitLesson:
    """Cut `text` into front matter and an ordered list of prose and block segments."""
    lines = text.splitlines()
    problems: list[tuple[int, str]] = []
    front_matter, start = _front_matter(lines, problems)
    segments: list[RawText | RawBlock] = []
    prose: list[str] = []
    prose_line = start + 1

    def flush_prose() -> None:
        if "".join(prose).strip():
            segments.append(RawText("\n".join(prose).strip("\n") + "\n", prose_line))
        prose.clear()

    index = start
    while index < len(lines):
        match = OPENING_FENCE.match(lines[index])
        if not match:
            if not prose:
                prose_line = index + 1
            prose.append(lines[index])
            index += 1
            continue
        fence, info = match["fence"], match["info"]
        end = _closing_fence(lines, index + 1, fence)
        word = info.split()[0] if info else ""
        if word not in BLOCK_KINDS:
            # An ordinary code fence: keep it verbatim in the prose (a ```quiz
            # example inside a ```markdown fence is text, not a quiz).
            close = len(lines) if end is None else end + 1
            if not prose:
                prose_line = index + 1
            prose.extend(lines[index:close])
            from engine.names import did_you_mean

            hint = did_you_mean(word, BLOCK_KINDS, cutoff=0.75, quote='"')  # not for ```python
            if hint:
                problems.append((index + 1, f'block: unknown kind "{word}" is shown as code{hint}'))
            index = close
            continue
        flush_prose()
        if end is None:
            problems.append((index + 1, f"{word}: block is never closed (no {fence} line after it)"))
            break
        segments.append(RawBlock(word, "\n".join(lines[index + 1:end]) + "\n", index + 1))
        index = end + 1
    flush_prose()
    return SplitLesson(front_matter, tuple(segments), tuple(problems))


def _front_matter(lines: list[str], problems: list[tuple[int, str]]) -> tuple[FrontMatter | None, int]:
    """Find the `+++` front matter; return it and the index of the first line after it."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != FRONT_MATTER_FENCE:
        problems.append(((first or 0) + 1, "front matter: a lesson must start with a +++ line, "
                                           "then id, title and requires in TOML, then +++"))
        return None, 0
    for end in range(first + 1, len(lines)):
        if lines[end].strip() == FRONT_MATTER_FENCE:
            return FrontMatter("\n".join(lines[first + 1:end]) + "\n", first + 2), end + 1
    problems.append((first + 1, "front matter: no closing +++ line"))
    return None, len(lines)


def _closing_fence(lines: list[str], start: int, fence: str) -> int | None:
    """Index of the line closing `fence` (same character, at least as long), or None."""
    closing = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
    for index in range(start, len(lines)):
        if closing.match(lines[index]):
            return index
    return None
