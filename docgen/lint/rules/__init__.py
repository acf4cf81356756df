"""The lint rules, one module per rule; this package is their registry.

A rule module's docstring is the rule's documentation (the rule reference in
``docs/docgen-lint.md`` is generated from it); it declares ``ID`` (stable: reports, baselines
and CI annotations use it) and ``TITLE`` at the top, then ``check(obj)``, which yields a
:class:`~kubeflow_devtools.docgen.lint.model.Finding` for each problem in one object. The
engine stamps the rule's id and the object on each. :data:`RULES` lists them in the order they
run and are documented; a new rule is a new module added there (and a fixture in
``tests/docgen/lint/fixtures/``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from kubeflow_devtools.docgen.lint.model import Finding, LintObject
from kubeflow_devtools.docgen.lint.rules import (
    broken_markup,
    example_bad_call,
    example_syntax,
    missing_docstring,
    missing_return_annotation,
    missing_returns,
    returns_mismatch,
    todo_in_docstring,
    undocumented_parameter,
    undocumented_raise,
    unknown_parameter,
    unparsed_section,
    unraised_exception,
)


@dataclass(frozen=True)
class Rule:
    """A lint rule: stable id, one-line title, documentation, and its check."""

    id: str
    title: str
    doc: str
    check: Callable[[LintObject], Iterable[Finding]]

    @classmethod
    def of(cls, module: ModuleType) -> Rule:
        """The rule a rule module declares (``ID``, ``TITLE``, its docstring, ``check``)."""
        return cls(str(module.ID), str(module.TITLE), module.__doc__ or "", module.check)


RULES: tuple[Rule, ...] = tuple(
    Rule.of(module)
    for module in (
        missing_docstring,
        unparsed_section,
        unknown_parameter,
        undocumented_parameter,
        missing_returns,
        missing_return_annotation,
        returns_mismatch,
        undocumented_raise,
        unraised_exception,
        todo_in_docstring,
        broken_markup,
        example_syntax,
        example_bad_call,
    )
)
"""Every rule, in the order they run and are documented."""
