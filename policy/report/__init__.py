"""Report writers: each turns a :class:`policy.scan.Report` into text of one format."""

from __future__ import annotations

from collections.abc import Callable

from policy.report.json import render_json
from policy.report.text import render_text
from policy.scan import Report

RENDERERS: dict[str, Callable[[Report], str]] = {"text": render_text, "json": render_json}
"""Format name to renderer."""

__all__ = ["RENDERERS", "render_json", "render_text"]
