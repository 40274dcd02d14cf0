"""engine/ is the from-scratch engine a learner reads on its own: it imports NumPy and
the standard library, never the app (tutor) that is built on it.

Every import is read from the source, those inside functions too, so a lazy
`from tutor... import` added for convenience fails here.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import engine

ENGINE = Path(engine.__file__).resolve().parent


def imported_modules(source: Path) -> list[tuple[int, str]]:
    """(line, top-level package) for every absolute import in the file."""
    found = []
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def test_the_engine_imports_only_numpy_the_standard_library_and_itself():
    sources = sorted(ENGINE.rglob("*.py"))
    assert {"training.py", "network.py", "metrics.py"} <= {path.name for path in sources}
    allowed = set(sys.stdlib_module_names) | {"numpy", "engine"}
    wrong = [f"{path.name}:{line}: {module}" for path in sources
             for line, module in imported_modules(path) if module not in allowed]
    assert wrong == []


def test_the_rule_sees_lazy_imports_of_tutor(tmp_path):
    source = tmp_path / "bad.py"
    source.write_text("import math\nfrom engine.losses import LOSSES\n"
                      "def f():\n    from tutor.widgets.series import Envelope\n    import tutor.cli\n")
    assert [module for _, module in imported_modules(source)] == ["math", "engine", "tutor", "tutor"]
