"""tutor.visible: control characters shown, never sent to the terminal."""
from tutor.visible import control_characters, visible, visible_line


def test_escape_sequences_become_visible_symbols_and_ordinary_text_is_kept():
    assert visible("a\x1b]2;title\x07b") == "a␛]2;title␇b"
    assert visible("σ′(x) = σ(1 − σ)\n\tnext") == "σ′(x) = σ(1 − σ)\n\tnext"
    assert visible("\x9b31m\x7f\u202e") == "<U+009B>31m␡<U+202E>"
    assert visible_line("a\nb\tc") == "a␤b␉c"


def test_control_characters_are_found_with_their_line():
    assert control_characters("fine\nbad \x1b[2J\r\nfine\r\n\x00") == [
        (2, "control character U+001B (ESCAPE)"), (4, "control character U+0000 (NUL)")]
