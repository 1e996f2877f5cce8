"""Dependencies point one way: every app may use `core`, and `core` uses no app, so that the kernel
the apps copy can be read, tested and changed on its own (#19 item 6)."""

import ast
from pathlib import Path

import comity.core

CORE = Path(comity.core.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_core_imports_no_app():
    sources = [p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts]
    assert len(sources) > 20  # the walk found the kernel
    outside = {
        f"{path.relative_to(CORE)}: {module}"
        for path in sources
        for module in _imported_modules(path)
        if module.startswith("comity.") and not module.startswith("comity.core")
    }
    assert not outside, "core imports an app: " + "; ".join(sorted(outside))


def test_the_check_sees_an_import_of_an_app(tmp_path):
    """The walk is not blind: a module importing an app, even inside a function, is found."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from comity.accounts.models import User\n    import comity.ledger\n")
    assert _imported_modules(module) == {"comity.accounts.models", "comity.ledger"}
