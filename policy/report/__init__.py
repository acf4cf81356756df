"""Report writers: each turns a :class:`policy.scan.Report` into text of one format."""

from __future__ import annotations

from collections.abc import Callable

from policy.report.github import render_github
from policy.report.json import render_json
from policy.report.junit import render_junit
from policy.report.markdown import render_markdown
from policy.report.sarif import render_sarif
from policy.report.text import render_text
from policy.scan import Report

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
