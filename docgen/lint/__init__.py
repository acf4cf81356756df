"""``docgen lint``: static checks that docstrings agree with the code (griffe, no imports)."""

from docgen.lint.engine import LintError, LintReport, collect, lint
from docgen.lint.model import LintObject, Problem
from docgen.lint.rules import RULES, Rule

__all__ = ["RULES", "LintError", "LintObject", "LintReport", "Problem", "Rule", "collect", "lint"]
