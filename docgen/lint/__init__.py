"""``docgen lint``: static checks that docstrings agree with the code (griffe, no imports)."""

from kubeflow_devtools.docgen.lint.engine import LintError, LintReport, collect, lint
from kubeflow_devtools.docgen.lint.model import Finding, LintObject, Problem
from kubeflow_devtools.docgen.lint.rules import RULES, Rule

__all__ = [
    "RULES",
    "Finding",
    "LintError",
    "LintObject",
    "LintReport",
    "Problem",
    "Rule",
    "collect",
    "lint",
]
