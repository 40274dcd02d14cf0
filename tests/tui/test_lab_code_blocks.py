"""Lesson code blocks (an engine function's source, a formula fence) at any width:
long lines wrap, marked ↩, so nothing hides beyond the edge."""
from __future__ import annotations

from lab_fixtures import Harness
from textual.content import Content

from tutor.course.model import EngineBlock
from tutor.widgets.lesson_blocks import EngineSource, LessonMarkdown, wrap_code

LONG = ("    def backward(self, X: np.ndarray, Y: np.ndarray, loss: str, train: bool = False, "
        "out: Gradients | None = None, h: float = 1e-5) -> Gradients:")


def test_wrap_code_keeps_every_character_and_marks_each_cut():
    code = Content("def f():\n" + LONG + "\n\n    return 1")
    wrapped = wrap_code(code, 40).plain.splitlines()
    assert all(len(line) <= 40 for line in wrapped)
    assert wrapped[0] == "def f():" and wrapped[-1] == "    return 1" and "" in wrapped
    pieces = [line for line in wrapped if line.endswith("↩")]
    assert len(pieces) >= 3
    assert unwrap(wrapped[1:-2], indent=8) == [LONG]


def unwrap(lines: list[str], indent: int) -> list[str]:
    """The source lines again: each piece ending in ↩ joined with the next, less its indent."""
    out, joining = [], False
    for line in lines:
        text = line[indent:] if joining else line
        out[-1:] = [out[-1] + text.removesuffix("↩")] if joining else [*out[-1:], text.removesuffix("↩")]
        joining = line.endswith("↩")
    return out


async def test_an_engine_source_wider_than_the_screen_is_wrapped_whole_at_120_and_80_columns():
    block = EngineBlock(function="engine.network.Network.backward", source="def f():\n" + LONG + "\n")
    for width in (120, 80):
        source = EngineSource(block)
        async with Harness(source).run_test(size=(width, 20)) as pilot:
            await pilot.pause()
            shown = str(source.query_one(".engine-code").render())
            lines = shown.splitlines()
            assert unwrap(lines, indent=8) == ["def f():", LONG], shown
            assert max(len(line) for line in lines) <= source.content_size.width <= width
            assert "…" not in shown and "↩" in shown


async def test_a_long_line_in_a_formula_fence_wraps_instead_of_vanishing():
    markdown = LessonMarkdown("```\n" + "σ′(x) = σ(x)(1 − σ(x)) " * 8 + "END\n```\n")
    async with Harness(markdown).run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        label = markdown.query_one("#code-content")
        shown = str(label.render())
        assert "END" in shown and "↩" in shown
        assert max(len(line) for line in shown.splitlines()) <= 80
