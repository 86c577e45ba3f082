"""The layer contract in pyproject.toml is live: the real tree keeps it, and a copy of the tree
with one import too many breaks it.

Each case copies the package's Python files to a temporary directory, adds one module and
runs the same ``lint-imports`` that ``make lint`` runs, with the project's own pyproject.toml,
against the copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(source: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.run(  # noqa: S603 - a fixed program from the project's own environment
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(CONFIG)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of src/ (Python files only) to add a module to."""
    def only_python(directory: str, names: list[str]) -> list[str]:
        return [name for name in names
                if name == "__pycache__" or not (name.endswith(".py") or (Path(directory) / name).is_dir())]

    shutil.copytree(ROOT / "src" / "ipx", tmp_path / "src" / "ipx", ignore=only_python)
    return tmp_path / "src"


def add_module(tree: Path, dotted: str, text: str) -> None:
    path = tree.joinpath(*dotted.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.relative_to(tree).parents:
        if parent != Path(".") and not (tree / parent / "__init__.py").exists():
            (tree / parent / "__init__.py").write_text("")
    path.write_text(text)


def test_the_real_tree_keeps_the_contracts() -> None:
    result = lint_imports(ROOT / "src", ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_copied_tree_keeps_the_contracts(tree: Path) -> None:
    # The cases below differ from this one by the single module they add.
    result = lint_imports(tree, tree.parent)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_layers(tree: Path) -> None:
    add_module(tree, "ipx.accounts.upward", "from ipx.deals import models  # noqa: F401\n")

    result = lint_imports(tree, tree.parent)

    assert result.returncode == 1
    assert "IPX layers: imports point down only BROKEN" in result.stdout
    assert "ipx.accounts is not allowed to import ipx.deals:" in result.stdout
    assert "- ipx.accounts.upward -> ipx.deals.models (l.1)" in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_layers(tree: Path) -> None:
    # Importing late to dodge a circular import at start-up is still an upward dependency.
    add_module(tree, "ipx.catalog.late", "def f():\n    from ipx.listings import models\n    return models\n")

    result = lint_imports(tree, tree.parent)

    assert result.returncode == 1
    assert "ipx.catalog is not allowed to import ipx.listings:" in result.stdout
    assert "- ipx.catalog.late -> ipx.listings.models (l.2)" in result.stdout


def test_an_upward_import_from_the_kernel_breaks_the_layers(tree: Path) -> None:
    add_module(tree, "ipx.core.upward", "from ipx.accounts.models import User  # noqa: F401\n")

    result = lint_imports(tree, tree.parent)

    assert result.returncode == 1
    assert "ipx.core is not allowed to import ipx.accounts:" in result.stdout


def test_independent_siblings_may_not_import_each_other(tree: Path) -> None:
    add_module(tree, "ipx.ledger.sideways", "from ipx.catalog import models  # noqa: F401\n")

    result = lint_imports(tree, tree.parent)

    assert result.returncode == 1
    assert "ipx.ledger is not allowed to import ipx.catalog:" in result.stdout


def test_a_cycle_between_siblings_breaks_the_acyclic_contract(tree: Path) -> None:
    # search imports listings; listings importing search back closes a cycle that the
    # layers contract allows (same layer) and the acyclic one does not.
    add_module(tree, "ipx.listings.back", "from ipx.search import selectors  # noqa: F401\n")

    result = lint_imports(tree, tree.parent)

    assert result.returncode == 1
    assert "IPX layers: imports point down only KEPT" in result.stdout
    assert "IPX apps: no import cycles between them BROKEN" in result.stdout
    assert "No cycles are allowed in ipx." in result.stdout


def test_an_app_without_a_layer_breaks_the_layers(tree: Path) -> None:
    add_module(tree, "ipx.insurance.models", "")

    result = lint_imports(tree, tree.parent)

    assert result.returncode == 1
    assert "The following modules are not listed as layers:" in result.stdout
    assert "- ipx.insurance\n" in result.stdout


def test_tests_may_reach_across_layers(tree: Path) -> None:
    add_module(tree, "ipx.accounts.tests.test_across", "from ipx.deals import models  # noqa: F401\n")

    result = lint_imports(tree, tree.parent)

    assert result.returncode == 0, result.stdout + result.stderr
