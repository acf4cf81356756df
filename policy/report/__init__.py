"""Report writers: each turns a :class:`~kubeflow_devtools.policy.model.report.Report` into text.

A renderer reads the report and nothing else: it imports only the data model
(:mod:`kubeflow_devtools.policy.model`), never the scan.
"""

from __future__ import annotations

from collections.abc import Callable

from kubeflow_devtools.policy.model.report import Report
from kubeflow_devtools.policy.report.github import render_github
from kubeflow_devtools.policy.report.json import render_json
from kubeflow_devtools.policy.report.junit import render_junit
from kubeflow_devtools.policy.report.markdown import render_markdown
from kubeflow_devtools.policy.report.sarif import render_sarif
from kubeflow_devtools.policy.report.text import render_text

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "github": render_github,
    "markdown": render_markdown,
}
"""Format name to renderer."""

__all__ = [
    "RENDERERS",
    "render_github",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "render_text",
]
