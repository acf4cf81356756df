"""Lint reports: text, JSON (a documented, versioned contract), GitHub annotations, SARIF 2.1.0
(for code scanning) and JUnit XML.

Baselined problems are listed by the JSON report (it is the next baseline) and, only with
``--show-baselined``, by the others (SARIF marks them suppressed, GitHub as notices)."""

from __future__ import annotations

import inspect
import json
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

from kubeflow_devtools.docgen.lint.engine import LintReport
from kubeflow_devtools.docgen.lint.model import Problem
from kubeflow_devtools.docgen.lint.rules import RULES, Rule
from kubeflow_devtools.sarif import (
    fingerprint,
    location,
    rule_descriptor,
    sarif_log,
    suppression,
)

DOCS_URL = "https://github.com/kubeflow/kubeflow-devtools/blob/main/docs/docgen-lint.md"
"""The rule reference (``docs/docgen-lint.md``); each rule is an anchor in it."""

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
    for p in report.shown:
        mark = " [baseline]" if p.baselined else ""
        lines.append(f"{p.file}:{p.line}: {p.rule} {p.object}: {p.message}{mark}")
    new = sum(1 for p in report.problems if not p.baselined)
    counts = Counter(p.rule for p in report.problems if not p.baselined)
    by_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
    verdict = "FAIL" if new else "ok"
    hidden = len(report.problems) - len(report.shown)
    lines.append(
        f"{verdict}: {new} problem(s) in {report.objects} public object(s) of "
        f"{', '.join(report.packages)}"
        + (f" ({by_rule})" if by_rule else "")
        + (f"; {hidden} baselined, not shown (--show-baselined)" if hidden else "")
    )
    return "\n".join(lines) + "\n"


def _escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render_github(report: LintReport) -> str:
    """Workflow annotations: ``::error file=,line=,title=docgen RULE::object: message``."""
    out = []
    for p in report.shown:
        level = "notice" if p.baselined else "error"
        props = f"file={_escape(p.file, True)}"
        if p.line is not None:
            props += f",line={p.line}"
        props += f",title={_escape('docgen ' + p.rule, True)}"
        out.append(f"::{level} {props}::{_escape(f'{p.object}: {p.message}')}\n")
    return "".join(out)


def _sarif_result(problem: Problem, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": problem.rule,
        "ruleIndex": index[problem.rule],
        "level": "error",
        "message": {"text": f"{problem.object}: {problem.message}"},
        "partialFingerprints": {"docgenLint/v1": fingerprint(problem.key)},
        "locations": [location(problem.file, problem.line or None, problem.object, "member")],
    }
    if problem.baselined:
        result["suppressions"] = [suppression("in the baseline")]
    return result


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    doc = inspect.cleandoc(rule.doc)
    name = "".join(part.title() for part in rule.id.split("-"))
    summary, tags = doc.split("\n\n")[0], ["documentation", "docstring"]
    return rule_descriptor(rule.id, name, rule.title, summary, doc, f"{DOCS_URL}#{rule.id}",
                           "error", tags)  # fmt: skip


def report_to_sarif(report: LintReport) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log: every rule with its documentation, one result per
    problem with a fingerprint that ignores the line (rule, object, message)."""
    index = {rule.id: i for i, rule in enumerate(RULES)}
    rules = [_sarif_rule(rule) for rule in RULES]
    results = [_sarif_result(p, index) for p in report.shown]
    properties = {"packages": report.packages, "objects": report.objects}
    return sarif_log("docgen lint", DOCS_URL, rules, results, properties=properties)


def render_sarif(report: LintReport) -> str:
    """The SARIF log as text."""
    return json.dumps(report_to_sarif(report), indent=2) + "\n"


def render_junit(report: LintReport) -> str:
    """JUnit XML: one test suite per package linted, one test case per object with problems
    (one failure each), and one passing case when a package has none."""
    root = ET.Element("testsuites", name="docgen lint")
    shown = report.shown
    for package in report.packages or ["docgen lint"]:
        mine = [p for p in shown if p.object == package or p.object.startswith(package + ".")]
        suite = ET.SubElement(root, "testsuite", name=package)
        by_object: dict[str, list[Problem]] = {}
        for problem in mine:
            by_object.setdefault(problem.object, []).append(problem)
        failures = 0
        for name, problems in by_object.items():
            case = ET.SubElement(suite, "testcase", classname=package, name=name)
            case.set("file", problems[0].file)
            if problems[0].line is not None:
                case.set("line", str(problems[0].line))
            for p in problems:
                if p.baselined:
                    out = ET.SubElement(case, "system-out")
                    out.text = f"{p.rule} (baselined): {p.message}"
                    continue
                failures += 1
                failure = ET.SubElement(case, "failure", type=p.rule, message=p.message)
                failure.text = f"{p.file}:{p.line}: {p.rule} {p.object}: {p.message}"
        if not by_object:
            ET.SubElement(suite, "testcase", classname=package, name="docstrings")
        suite.attrib.update(
            tests=str(max(len(by_object), 1)), failures=str(failures), errors="0", skipped="0"
        )
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


RENDERERS = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "junit": render_junit,
}
