"""Text from files and learners, made safe to put on a terminal.

A lesson, a CSV file's name or an answer may hold control characters: ESC starts
the escape sequences that set a terminal's title, move its cursor or redraw over
the app (`\\x1b]2;title\\x07`). `visible()` shows each one as a visible stand-in
(ESC as ␛, BEL as ␇, U+009B as <U+009B>) instead of sending it to the terminal;
`control_characters()` finds them for `tutor check-lessons`.
"""
from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and newline, DEL, C1 controls; also the characters that
# reorder text (bidirectional overrides and isolates) and the line/paragraph
# separators, which break a line where no newline is.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _stand_in(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's control pictures: ␀ ... ␟
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """`text` with every control character replaced by a visible stand-in
    (newlines and tabs kept; a carriage return shown as ␍)."""
    return _UNSAFE.sub(lambda match: _stand_in(match[0]), text)


def visible_line(text: str) -> str:
    """`text` for one line of output: as visible(), with newlines and tabs shown too."""
    return visible(text).replace("\n", "␤").replace("\t", "␉")


def control_characters(text: str) -> list[tuple[int, str]]:
    """(line, description) for each line of `text` holding control characters,
    e.g. (12, 'control character U+001B (ESCAPE)'), first one per line."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _UNSAFE.search(line.rstrip("\r"))
        if match:
            char = match[0]
            name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "control")
            found.append((number, f"control character U+{ord(char):04X} ({name})"))
    return found


_CONTROL_NAMES = {0x00: "NUL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0D: "CARRIAGE RETURN",
                  0x1B: "ESCAPE", 0x7F: "DELETE", 0x9B: "CONTROL SEQUENCE INTRODUCER"}
