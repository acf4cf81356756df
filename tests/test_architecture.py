"""docs/architecture.md names every module, and every module it names exists.

Each half has its own section (its heading names the folder, ``policy/`` or ``docgen/``), the
shared package's modules are in the section about the one import package; a module is named in
the first column of a table row, by its path inside its folder (``pss/checks/*.py`` may name a
folder of one-per-check modules). Modules with no code (only a docstring) need no row.
"""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
FOLDERS = {"policy": "`policy/`", "docgen": "`docgen/`", "kubeflow_devtools": "One import package"}
"""Each folder and the text its section's heading contains."""


def sections() -> dict[str, str]:
    """The text of each ``## `` section, by heading."""
    parts = re.split(r"^## (.+)$", DOC.read_text(encoding="utf-8"), flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def named(folder: str) -> list[str]:
    """The module names (or patterns) in the first column of the folder's section tables."""
    (text,) = [body for heading, body in sections().items() if FOLDERS[folder] in heading]
    return re.findall(r"^\| `([^`]+\.py)` \|", text, flags=re.M)


def modules(folder: str) -> list[str]:
    """Every module of the folder that holds code, as a path inside the folder."""
    base = ROOT / folder
    paths = base.glob("*.py") if folder == "kubeflow_devtools" else base.rglob("*.py")
    out = []
    for path in sorted(paths):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        if body and path.name != "__main__.py":
            out.append(path.relative_to(base).as_posix())
    return out


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_module_is_named(folder: str) -> None:
    names = named(folder)
    missing = [m for m in modules(folder) if not any(fnmatch(m, n) for n in names)]
    assert not missing, f"docs/architecture.md does not name these {folder}/ modules: {missing}"


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_named_module_exists(folder: str) -> None:
    present = modules(folder) + [p.relative_to(ROOT / folder).as_posix()
                                 for p in (ROOT / folder).rglob("*.py")]  # fmt: skip
    stale = [n for n in named(folder) if not any(fnmatch(m, n) for m in present)]
    assert not stale, f"docs/architecture.md names {folder}/ modules that do not exist: {stale}"
