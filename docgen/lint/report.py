"""Lint reports: text, JSON (a documented, versioned contract) and GitHub annotations."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from kubeflow_devtools.docgen.lint.engine import LintReport
from kubeflow_devtools.docgen.lint.model import Problem

JSON_VERSION = 1


def report_to_json(report: LintReport) -> dict[str, Any]:
    """``{"version": 1, "summary": {...}, "problems": [...]}``."""
    return {
        "version": JSON_VERSION,
        "summary": {
            "packages": report.packages,
            "objects": report.objects,
            "problems": sum(1 for p in report.problems if not p.baselined),
            "baselined": sum(1 for p in report.problems if p.baselined),
            "byRule": dict(sorted(Counter(p.rule for p in report.problems).items())),
        },
        "problems": [problem_json(p) for p in report.problems],
    }


def problem_json(problem: Problem) -> dict[str, Any]:
    """One problem as JSON (with its baseline flag)."""
    return {**problem.to_json(), "baselined": problem.baselined}


def render_json(report: LintReport) -> str:
    """The JSON report as text."""
    return json.dumps(report_to_json(report), indent=2) + "\n"


def render_text(report: LintReport) -> str:
    """One line per problem (``file:line: rule object: message``) and a summary line."""
    lines = []
    for p in report.problems:
        mark = " [baseline]" if p.baselined else ""
        lines.append(f"{p.file}:{p.line}: {p.rule} {p.object}: {p.message}{mark}")
    new = sum(1 for p in report.problems if not p.baselined)
    counts = Counter(p.rule for p in report.problems if not p.baselined)
    by_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
    verdict = "FAIL" if new else "ok"
    lines.append(
        f"{verdict}: {new} problem(s) in {report.objects} public object(s) of "
        f"{', '.join(report.packages)}" + (f" ({by_rule})" if by_rule else "")
    )
    return "\n".join(lines) + "\n"


def _escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render_github(report: LintReport) -> str:
    """Workflow annotations: ``::error file=,line=,title=docgen RULE::object: message``."""
    out = []
    for p in report.problems:
        level = "notice" if p.baselined else "error"
        props = f"file={_escape(p.file, True)}"
        if p.line is not None:
            props += f",line={p.line}"
        props += f",title={_escape('docgen ' + p.rule, True)}"
        out.append(f"::{level} {props}::{_escape(f'{p.object}: {p.message}')}\n")
    return "".join(out)


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}
