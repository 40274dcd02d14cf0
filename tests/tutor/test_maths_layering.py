"""tutor.maths is a leaf: the course and the screens use it, it uses nothing of theirs.

Every import is read from the source, those inside functions too (the lazy ones
are the ones a quick read misses), so a helper added to the wrong side fails here.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tutor.maths

MATHS = Path(tutor.maths.__file__).resolve().parent


def imported_modules(source: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file; relative imports resolved."""
    found = []
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = ["tutor", "maths"]  # where every file checked here lives
            base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            # `from tutor import course` names the module in the alias
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def outside_maths(module: str) -> bool:
    inside = module == "tutor.maths" or module.startswith("tutor.maths.")
    return (module == "tutor" or module.startswith("tutor.")) and not inside


def test_the_maths_package_imports_nothing_from_the_rest_of_tutor():
    sources = sorted(MATHS.glob("*.py"))
    assert {path.stem for path in sources} >= {"mathparse", "expr", "symbolic", "judge",
                                               "drills", "drill_plan", "leitner"}
    wrong = [f"{path.name}:{line}: {module}" for path in sources
             for line, module in imported_modules(path) if outside_maths(module)]
    assert wrong == []


def test_the_rule_sees_lazy_and_relative_imports(tmp_path):
    source = tmp_path / "bad.py"
    source.write_text("def f():\n    from tutor.course.loader import load_course\n"
                      "from .. import course\nimport tutor.course\nfrom tutor import progress\n"
                      "from .judge import judge\n")
    assert sorted(m for _, m in imported_modules(source) if outside_maths(m)) == [
        "tutor.course", "tutor.course", "tutor.course.loader.load_course", "tutor.progress"]


def test_importing_the_package_loads_none_of_its_modules():
    """Start-up stays cheap: `import tutor.maths` costs nothing until a module is asked for."""
    code = ("import sys, tutor.maths; "
            "print(sorted(m for m in sys.modules if m.startswith('tutor.maths.') "
            "or m in ('numpy', 'sympy', 'tutor.course')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
