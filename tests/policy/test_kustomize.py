"""Kustomization folders are rendered with real kustomize (kubectl kustomize) and checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kubeflow_devtools.policy import Options, scan
from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.kustomize import is_kustomization, render
from kubeflow_devtools.policy.pss import Level

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "kubeflow-manifests"
ISTIO = CORPUS / "src" / "common" / "istio" / "istio-install"

needs_kustomize = pytest.mark.skipif(
    not (shutil.which("kustomize") or shutil.which("kubectl")), reason="no kustomize or kubectl"
)
needs_corpus = pytest.mark.skipif(not ISTIO.is_dir(), reason=f"{ISTIO} is not present")

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


def make_kustomization(folder: Path, resources: list[str]) -> Path:
    """A kustomization folder listing ``resources``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"- {r}\n" for r in resources)
    (folder / "kustomization.yaml").write_text(f"resources:\n{lines}")
    return folder


def test_detects_kustomization_files(tmp_path: Path) -> None:
    assert not is_kustomization(str(tmp_path))
    (tmp_path / "Kustomization").write_text("resources: []\n")
    assert is_kustomization(str(tmp_path))


@needs_kustomize
def test_folder_is_rendered_and_findings_name_it(tmp_path: Path) -> None:
    folder = make_kustomization(tmp_path / "app", ["pod.yaml"])
    (folder / "pod.yaml").write_text(POD)
    report = scan([str(folder)], Options(level=Level.BASELINE))
    assert report.errors == []
    [finding] = report.findings
    assert (finding.file, finding.rule, finding.name) == (str(folder), "privileged", "p")


@needs_kustomize
def test_failed_render_is_exit_2_with_kustomize_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_kustomization(tmp_path / "broken", ["missing.yaml"])
    assert main([str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"rootless-check: error: {folder}: kustomize build failed:")
    assert "missing.yaml" in err


@needs_kustomize
def test_render_timeout(tmp_path: Path) -> None:
    folder = make_kustomization(tmp_path / "app", ["pod.yaml"])
    (folder / "pod.yaml").write_text(POD)
    with pytest.raises(Exception, match="timed out"):
        render(str(folder), timeout=0.000001)


OVERLAYS = (
    sorted(
        p.parent.relative_to(ISTIO)
        for p in ISTIO.glob("**/kustomization.yaml")
        if "components" not in p.parts
    )
    if ISTIO.is_dir()
    else []
)


@needs_kustomize
@needs_corpus
@pytest.mark.parametrize("overlay", [str(o) for o in OVERLAYS])
def test_istio_install_overlays_render_and_scan(overlay: str) -> None:
    report = scan([str(ISTIO / overlay)], Options())
    assert report.errors == []
    assert report.summary.resources > 0
    assert report.summary.pod_specs >= 2  # istiod and the ingress gateway at least


@needs_kustomize
@needs_corpus
@pytest.mark.parametrize(
    ("overlay", "render_file"),
    [
        ("base", "istio-base.yaml"),
        ("overlays/insecure", "istio-insecure.yaml"),
        ("overlays/ambient", "istio-ambient.yaml"),
    ],
)
def test_render_matches_the_corpus_render(overlay: str, render_file: str) -> None:
    rendered = render(str(ISTIO / overlay))
    assert rendered == (CORPUS / "master-009c880" / render_file).read_bytes()
