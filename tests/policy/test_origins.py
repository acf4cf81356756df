"""Findings in a kustomize render with origin annotations point at the source files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kubeflow_devtools.policy import Options, scan
from kubeflow_devtools.policy.pss import Level

needs_kustomize = pytest.mark.skipif(
    not (shutil.which("kustomize") or shutil.which("kubectl")), reason="no kustomize or kubectl"
)

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: busybox
    securityContext:
      privileged: true
"""


def project(tmp_path: Path, origin: bool = True) -> Path:
    """An overlay over a base, with a patch that adds hostNetwork."""
    base = tmp_path / "app" / "base"
    base.mkdir(parents=True)
    (base / "kustomization.yaml").write_text("resources:\n- pod.yaml\n")
    (base / "pod.yaml").write_text(POD)
    overlay = tmp_path / "app"
    meta = "buildMetadata: [originAnnotations]\n" if origin else ""
    (overlay / "kustomization.yaml").write_text(
        f"namespace: apps\n{meta}resources:\n- base\npatches:\n- path: patch.yaml\n"
    )
    (overlay / "patch.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n"
    )
    return overlay


@needs_kustomize
def test_findings_point_at_the_source_file(tmp_path: Path) -> None:
    overlay = project(tmp_path)
    report = scan([str(overlay)], Options(level=Level.BASELINE))
    by_rule = {f.rule: f for f in report.findings}
    privileged = by_rule["privileged"]
    assert privileged.file == str(overlay / "base" / "pod.yaml")
    assert privileged.line == 10  # the `privileged: true` line of base/pod.yaml
    # hostNetwork comes from the patch: the source has no such field, so its closest
    # existing parent (`spec:`) in the source file is named
    host = by_rule["hostNamespaces"]
    assert (host.file, host.line) == (str(overlay / "base" / "pod.yaml"), 5)


@needs_kustomize
def test_rendered_file_with_origins_resolves_next_to_the_render(tmp_path: Path) -> None:
    overlay = project(tmp_path)
    render = overlay / "rendered.yaml"
    command = [shutil.which("kubectl") or "kubectl", "kustomize", str(overlay)]
    render.write_bytes(subprocess.run(command, capture_output=True, check=True).stdout)
    report = scan([str(render)], Options(level=Level.BASELINE))
    privileged = next(f for f in report.findings if f.rule == "privileged")
    assert (privileged.file, privileged.line) == (str(overlay / "base" / "pod.yaml"), 10)


@needs_kustomize
def test_without_origin_annotations_findings_name_the_folder(tmp_path: Path) -> None:
    overlay = project(tmp_path, origin=False)
    report = scan([str(overlay)], Options(level=Level.BASELINE))
    assert {f.file for f in report.findings} == {str(overlay)}


def test_remote_origins_keep_the_render_location(tmp_path: Path) -> None:
    render = tmp_path / "r.yaml"
    render.write_text(
        POD.replace(
            "metadata:\n",
            "metadata:\n  annotations:\n    config.kubernetes.io/origin: |\n"
            "      path: pod.yaml\n      repo: https://example.com/x\n",
        )
    )
    report = scan([str(render)], Options(level=Level.BASELINE))
    assert {f.file for f in report.findings} == {str(render)}
