"""Report writers: each turns a :class:`~kubeflow_devtools.policy.model.report.Report` into text.

A renderer reads the report and nothing else: it imports only the data model
(:mod:`kubeflow_devtools.policy.model`), never the scan. :data:`RENDERERS` imports a format's
module only when that format is asked for, so a run pays for the writers it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from kubeflow_devtools.policy.model.report import Report

Renderer = Callable[[Report], str]
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")
"""Every format, each written by ``render_<format>`` of the module of that name."""


class Renderers(Mapping[str, Renderer]):
    """Format name to renderer, imported on first use."""

    def __getitem__(self, name: str) -> Renderer:
        if name not in FORMATS:
            raise KeyError(name)
        module = importlib.import_module(f"{__name__}.{name}")
        renderer: Renderer = getattr(module, f"render_{name}")
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(FORMATS)

    def __len__(self) -> int:
        return len(FORMATS)


RENDERERS: Mapping[str, Renderer] = Renderers()
"""Format name to renderer."""


def __getattr__(name: str) -> Renderer:
    """``render_<format>``, imported when asked for."""
    if name.startswith("render_") and name[len("render_") :] in FORMATS:
        return RENDERERS[name[len("render_") :]]
    raise AttributeError(name)


__all__ = ["FORMATS", "RENDERERS", "Renderer", "Renderers"]
