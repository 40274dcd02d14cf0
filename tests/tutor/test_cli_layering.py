"""cli.py parses and dispatches; the commands share tutor/commands/common.py. The
dependency goes one way: cli.py imports the commands (common at once, the others
when they run), and no command imports cli.py.

Every import is read from the source, those inside functions too."""
from __future__ import annotations

import ast
from pathlib import Path

import tutor.cli
import tutor.commands

COMMANDS = Path(tutor.commands.__file__).resolve().parent


def imported_modules(source: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{source.name}: a relative import"
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_no_command_imports_the_command_line_module():
    sources = sorted(COMMANDS.glob("*.py"))
    assert {path.stem for path in sources} >= {"common", "train", "app", "quiz", "serve"}
    for source in sources:
        modules = imported_modules(source)
        assert not {"tutor.cli", "tutor.cli.main"} & modules and "tutor.cli" not in \
            {module.rsplit(".", 1)[0] for module in modules}, f"{source.name} imports tutor.cli"


def test_the_command_line_module_imports_the_shared_helpers_and_no_other_tutor_module_at_once():
    tree = ast.parse(Path(tutor.cli.__file__).read_text())
    top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    from_tutor = [node.module for node in top_level
                  if isinstance(node, ast.ImportFrom) and node.module.startswith("tutor")]
    assert from_tutor == ["tutor.commands.common"]
