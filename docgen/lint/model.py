"""The objects lint checks and the problems it reports: plain data, no griffe types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubeflow_devtools.docgen.lint.docstrings import ParsedDocstring, Section


@dataclass(frozen=True)
class LintObject:
    """A public function, method or class, as read statically from its source.

    ``parameters`` are the signature's parameter names in order (``None`` for a class whose
    constructor is documented on the class itself); ``positional`` those that can be passed
    by position; ``var_positional``/``var_keyword`` the names of ``*args``/``**kwargs``.
    """

    path: str
    name: str
    kind: str
    file: str
    line: int
    docstring: str | None
    parsed: ParsedDocstring | None
    parameters: tuple[str, ...] | None
    positional: tuple[str, ...]
    var_positional: str | None
    var_keyword: str | None
    returns: str | None
    source: str | None

    @property
    def sectioned(self) -> ParsedDocstring | None:
        """The parsed docstring if it has a section; ``None`` for a summary only, which makes
        no claim to be complete (as pydoclint's ``skip-checking-short-docstrings``)."""
        return self.parsed if self.parsed is not None and self.parsed.sections else None

    def section(self, kind: str) -> Section | None:
        """The docstring's first section of ``kind`` (``args``, ``returns``...), if any."""
        return self.parsed.section(kind) if self.parsed is not None else None

    @property
    def arguments(self) -> tuple[str, ...] | None:
        """The parameters a caller passes (``self`` and ``cls`` left out), if known."""
        if self.parameters is None:
            return None
        return tuple(name for name in self.parameters if name not in ("self", "cls"))


@dataclass(frozen=True)
class Finding:
    """What a rule's check reports: where (``None``: the object's own line) and what.

    The engine turns it into a :class:`Problem`, stamped with the rule's id and the object.
    """

    line: int | None
    message: str


@dataclass(frozen=True)
class Problem:
    """One disagreement between a docstring and the code."""

    rule: str
    object: str
    file: str
    line: int | None
    message: str
    baselined: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies a problem across runs (for baselines): not its line."""
        return (self.rule, self.object, self.message)

    def to_json(self) -> dict[str, Any]:
        """The problem as the JSON report's object."""
        return {
            "rule": self.rule,
            "object": self.object,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }
