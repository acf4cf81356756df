"""Helm charts: rendered with ``helm template`` when ``helm`` is installed, else skipped.

A chart's templates are Go templates, not YAML: they are never read as manifests. With
``helm`` on ``PATH`` the chart is rendered with its default values (``helm template
rootless-check CHART``) and the render is checked like a kustomization's; without it the
chart is listed as skipped, with the reason.
"""

from __future__ import annotations

import shutil

from kubeflow_devtools.policy.kustomize import DEFAULT_TIMEOUT, run_tool

RELEASE = "rootless-check"
"""The release name the chart is rendered under."""

NOT_INSTALLED = "helm is not installed: the chart is not rendered"


def helm_binary() -> str | None:
    """The ``helm`` binary on ``PATH``, if any."""
    return shutil.which("helm")


def render_chart(chart: str, timeout: float = DEFAULT_TIMEOUT) -> tuple[bytes | None, str]:
    """``(render, "")``, or ``(None, why)`` when ``helm template`` failed or is missing."""
    helm = helm_binary()
    if helm is None:
        return None, NOT_INSTALLED
    result = run_tool([helm, "template", RELEASE, chart], timeout)
    if isinstance(result, str):
        return None, f"helm template {result}"
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        cause = lines[-1] if lines else "no message"
        return None, f"helm template failed: {cause[:250]}"
    return result.stdout, ""
