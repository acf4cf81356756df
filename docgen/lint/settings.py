"""Which problems a project wants: ``[tool.docgen.lint]``, ``--select``/``--ignore`` and
``# docgen: ignore[rule]`` marks, and the paths reports show.

The configuration lives in ``pyproject.toml`` (or ``docgen.toml``, without the ``tool.docgen``
prefix), as ruff's and pydoclint's do::

    [tool.docgen.lint]
    select = ["unknown-parameter", "undocumented-parameter"]   # default: every rule
    ignore = ["missing-docstring"]
    per-file-ignores = {"kubeflow/trainer/api/*.py" = ["undocumented-raise"]}

Command-line ``--select``/``--ignore`` replace the file's ``select``/``ignore``. A
``# docgen: ignore[rule-a, rule-b]`` comment (or ``# docgen: ignore`` for every rule) on the
line a problem points at, or on the line that defines the object, drops that problem.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from kubeflow_devtools.docgen.config import ConfigError, read_toml
from kubeflow_devtools.docgen.lint.model import Problem
from kubeflow_devtools.docgen.lint.rules import RULES

IGNORE_MARK = re.compile(r"#\s*docgen:\s*ignore(?:\[(?P<rules>[^\]]*)\])?")
"""A line's ``# docgen: ignore[...]`` comment; without ``[...]`` it ignores every rule."""

RULE_IDS = frozenset(rule.id for rule in RULES)


@dataclass(frozen=True)
class LintSettings:
    """The rules a project runs, and the exceptions it makes.

    ``select`` ``None`` runs every rule; ``per_file_ignores`` maps a glob (matched against
    the path a report shows, and against any of its trailing parts) to rule ids.
    """

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    source: str = "defaults"

    def rules(self) -> frozenset[str]:
        """The ids of the rules to run.

        Returns:
            ``select`` (or every rule) without ``ignore``.
        """
        chosen = self.select if self.select is not None else RULE_IDS
        return frozenset(chosen - self.ignore)

    def ignored_in(self, path: str) -> frozenset[str]:
        """The rules ``per-file-ignores`` turns off for a file.

        Args:
            path: The file as reports show it (see :func:`display_path`).

        Returns:
            The union of the rule ids of every pattern that matches it.
        """
        posix = PurePath(path).as_posix()
        parts = posix.split("/")
        tails = ["/".join(parts[i:]) for i in range(len(parts))]
        found: set[str] = set()
        for pattern, rules in self.per_file_ignores:
            if any(fnmatch.fnmatchcase(tail, pattern) for tail in tails):
                found |= rules
        return frozenset(found)


def _rule_list(value: Any, key: str, source: str) -> frozenset[str]:
    """A list of known rule ids from the configuration. Raises :class:`ConfigError`."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{source}: [tool.docgen.lint] {key} must be a list of rule ids")
    unknown = sorted(set(value) - RULE_IDS)
    if unknown:
        raise ConfigError(
            f"{source}: [tool.docgen.lint] {key}: unknown rule {unknown[0]!r} "
            f"(known: {', '.join(rule.id for rule in RULES)})"
        )
    return frozenset(value)


def settings_from_table(table: Mapping[str, Any], source: str) -> LintSettings:
    """Settings from a ``[tool.docgen.lint]`` table.

    Args:
        table: The table's keys (``select``, ``ignore``, ``per-file-ignores``).
        source: The file it came from, for error messages.

    Returns:
        The settings.

    Raises:
        ConfigError: An unknown key, an unknown rule id or a value of the wrong type.
    """
    known = {"select", "ignore", "per-file-ignores"}
    extra = sorted(set(table) - known)
    if extra:
        raise ConfigError(
            f"{source}: [tool.docgen.lint]: unknown key {extra[0]!r} "
            f"(known: {', '.join(sorted(known))})"
        )
    select = _rule_list(table["select"], "select", source) if "select" in table else None
    ignore = _rule_list(table.get("ignore", []), "ignore", source)
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{source}: [tool.docgen.lint] per-file-ignores must be a table")
    pairs = tuple(
        (str(pattern), _rule_list(rules, f"per-file-ignores {pattern!r}", source))
        for pattern, rules in per_file.items()
    )
    return LintSettings(select, ignore, pairs, source)


def load_settings(root: Path, config_file: Path | None = None) -> LintSettings:
    """The lint settings of a project: ``[tool.docgen.lint]`` of ``config_file``, else of
    ``root``'s ``pyproject.toml``, else the ``[lint]`` table of its ``docgen.toml``.

    Args:
        root: The project folder (the working directory).
        config_file: A ``pyproject.toml`` or ``docgen.toml`` to read instead.

    Returns:
        The settings (the defaults when no file has a lint table).

    Raises:
        ConfigError: The file cannot be read, is not TOML, or its table is wrong.
    """
    candidates = [config_file] if config_file else [root / "pyproject.toml", root / "docgen.toml"]
    for path in candidates:
        if path is None or (config_file is None and not path.is_file()):
            continue
        data = read_toml(path)
        pyproject = path.name == "pyproject.toml"
        table: Any = data.get("tool", {}).get("docgen", {}) if pyproject else data
        lint = table.get("lint") if isinstance(table, dict) else None
        if lint is None:
            continue
        if not isinstance(lint, dict):
            raise ConfigError(f"{path}: [tool.docgen.lint] must be a table")
        return settings_from_table(lint, str(path))
    return LintSettings()


def with_options(
    settings: LintSettings, select: Sequence[str], ignore: Sequence[str]
) -> LintSettings:
    """The settings with the command line's ``--select``/``--ignore`` (comma-separated,
    repeatable) in place of the file's.

    Args:
        settings: The settings from the configuration file.
        select: ``--select`` values.
        ignore: ``--ignore`` values.

    Returns:
        The settings to use.

    Raises:
        ConfigError: An unknown rule id.
    """
    chosen = [rule for value in select for rule in value.split(",") if rule.strip()]
    dropped = [rule for value in ignore for rule in value.split(",") if rule.strip()]
    return LintSettings(
        _rule_list([r.strip() for r in chosen], "--select", "command line")
        if chosen
        else settings.select,
        _rule_list([r.strip() for r in dropped], "--ignore", "command line")
        if dropped
        else settings.ignore,
        settings.per_file_ignores,
        settings.source,
    )


def _lines(file: str) -> tuple[str, ...]:
    """The file's lines (read once per version of the file)."""
    try:
        stat = os.stat(file)
    except OSError:
        return ()
    return _read_lines(file, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _read_lines(file: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def marked(file: str, line: int | None, rule: str) -> bool:
    """Whether ``# docgen: ignore[...]`` on that line of the file turns ``rule`` off.

    Args:
        file: The source file.
        line: A 1-based line (``None``: never marked).
        rule: The rule id.

    Returns:
        ``True`` when the line's mark names the rule or names none (every rule).
    """
    lines = _lines(file)
    if line is None or not 0 < line <= len(lines) or "docgen:" not in lines[line - 1]:
        return False
    for match in IGNORE_MARK.finditer(lines[line - 1]):
        rules = match.group("rules")
        if rules is None or rule in {r.strip() for r in rules.split(",")}:
            return True
    return False


def display_path(file: str, search_paths: Iterable[str] = ()) -> str:
    """A file as reports show it: relative to the working directory (the repository, so that
    GitHub can attach it to a diff) when it is there and not an installed package, else
    relative to the search path (or installed-packages folder) it was found in.

    Args:
        file: The absolute path griffe read.
        search_paths: Where packages were looked for (default: ``sys.path``).

    Returns:
        A relative path with forward slashes, or ``file`` itself when no folder contains it.
    """
    path = os.path.abspath(file)
    installed = any(part in ("site-packages", "dist-packages") for part in Path(path).parts)
    found_in = sorted(
        (os.path.abspath(p) for p in (search_paths or [p for p in sys.path if p])),
        key=len,
        reverse=True,
    )
    roots = found_in if installed else [os.getcwd(), *found_in]
    for root in roots:
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return PurePath(os.path.relpath(path, root)).as_posix()
    return file


def keep(problem: Problem, settings: LintSettings) -> bool:
    """Whether a problem survives the settings (``# docgen: ignore`` marks are applied where
    problems are made, see :func:`~kubeflow_devtools.docgen.lint.engine.lint_objects`).

    Args:
        problem: The problem, its ``file`` as reports show it (see :func:`display_path`).
        settings: The project's settings.

    Returns:
        ``False`` when its rule is not selected or is ignored for its file.
    """
    return problem.rule in settings.rules() and problem.rule not in settings.ignored_in(
        problem.file
    )
