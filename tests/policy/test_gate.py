"""The CI gate: waivers (config file and annotation, expiry, unused), baselines, and diff."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from kubeflow_devtools.policy import Options, scan, scan_text
from kubeflow_devtools.policy.baseline import apply_baseline, diff_findings, load_baseline
from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.pss import Level
from kubeflow_devtools.policy.waivers import load_config

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "kubeflow-manifests"

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
{annotations}spec:
  containers:
  - name: main
    image: busybox
    securityContext:
      privileged: true
"""


def pod(name: str = "p", ns: str = "apps", annotation: str | None = None) -> str:
    """A privileged pod, optionally with a waive annotation."""
    annotations = ""
    if annotation is not None:
        annotations = (
            f"  annotations:\n    rootless-check.kubeflow.org/waive: {json.dumps(annotation)}\n"
        )
    return POD.format(name=name, ns=ns, annotations=annotations)


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a file under tmp_path."""
    path = tmp_path / name
    path.write_text(text)
    return path


def run(tmp_path: Path, manifest: str, config: str, *extra: str) -> int:
    """The CLI at the baseline level with a config file."""
    m = write(tmp_path, "m.yaml", manifest)
    c = write(tmp_path, "c.yaml", config)
    return main([str(m), "--profile", "baseline", "--config", str(c), *extra])


# --- waivers ---------------------------------------------------------------------------------


def test_config_waiver_matches_and_stays_visible(tmp_path: Path) -> None:
    c = write(
        tmp_path,
        "c.yaml",
        "waivers:\n- rule: privileged\n  kind: Pod\n  namespace: apps\n  name: 'p*'\n"
        "  container: main\n  reason: 'legacy agent, tracked in #42'\n",
    )
    config = load_config(str(c))
    report = scan_text("m.yaml", pod(), Options(level=Level.BASELINE, waivers=config.waivers))
    [finding] = report.findings
    assert finding.waived and finding.waiver_reason == "legacy agent, tracked in #42"
    assert report.exit_code == 0


@pytest.mark.parametrize(
    "fields",
    ["kind: Deployment", "namespace: other", "name: q", "container: side", "rule: runAsUser"],
)
def test_config_waiver_must_match_every_field(tmp_path: Path, fields: str) -> None:
    config = f"waivers:\n- {fields}\n  reason: r\n"
    if not fields.startswith("rule"):
        config = f"waivers:\n- rule: privileged\n  {fields}\n  reason: r\n"
    assert run(tmp_path, pod(), config) == 1


def test_expired_waiver_fails_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = "waivers:\n- rule: privileged\n  reason: temporary\n  expires: 2020-01-31\n"
    assert run(tmp_path, pod(), config, "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    rules = {f["rule"]: f for f in report["findings"]}
    assert not rules["privileged"]["waived"]
    assert rules["waiverExpired"]["file"].endswith("c.yaml")
    assert rules["waiverExpired"]["line"] == 2
    assert "2020-01-31" in rules["waiverExpired"]["message"]


def test_waiver_valid_through_its_expiry_day(tmp_path: Path) -> None:
    c = write(
        tmp_path, "c.yaml", "waivers:\n- rule: privileged\n  reason: r\n  expires: 2026-03-01\n"
    )
    waivers = load_config(str(c)).waivers
    on_the_day = Options(level=Level.BASELINE, waivers=waivers, today=date(2026, 3, 1))
    assert scan_text("m.yaml", pod(), on_the_day).exit_code == 0
    after = Options(level=Level.BASELINE, waivers=waivers, today=date(2026, 3, 2))
    assert scan_text("m.yaml", pod(), after).exit_code == 1


def test_unused_waiver_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = (
        "waivers:\n- rule: privileged\n  reason: used\n"
        "- rule: hostPorts\n  name: gone\n  reason: fixed long ago\n"
    )
    assert run(tmp_path, pod(), config, "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    [unused] = [f for f in report["findings"] if f["rule"] == "waiverUnused"]
    assert (unused["severity"], unused["line"]) == ("warning", 4)
    assert "fixed long ago" in unused["message"]


def test_annotation_waiver(tmp_path: Path) -> None:
    report = scan_text(
        "m.yaml", pod(annotation="privileged, hostPorts: node agent"), Options(level=Level.BASELINE)
    )
    [finding] = report.findings
    assert finding.waived and finding.waiver_reason == "node agent"
    other = scan_text("m.yaml", pod(annotation="hostPorts: no"), Options(level=Level.BASELINE))
    assert {f.rule for f in other.findings} == {"privileged", "waiverUnused"}
    assert other.exit_code == 1


def test_annotation_waiver_on_the_pod_template() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: a\nspec:\n"
        "  template:\n    metadata:\n      annotations:\n"
        "        rootless-check.kubeflow.org/waive: 'privileged: needs the device'\n"
        "    spec:\n      containers:\n"
        "      - {name: c, image: i, securityContext: {privileged: true}}\n"
    )
    report = scan_text("d.yaml", text, Options(level=Level.BASELINE))
    assert [f.waived for f in report.findings] == [True]


def test_malformed_annotation_is_an_input_error() -> None:
    report = scan_text("m.yaml", pod(annotation="no reason given"), Options(level=Level.BASELINE))
    [error] = report.errors
    assert (error.file, error.line) == ("m.yaml", 7)
    assert "rule[,rule]: reason" in error.message
    assert report.exit_code == 2


@pytest.mark.parametrize(
    ("config", "line", "message"),
    [
        ("waivers:\n- rule: privileged\n", 2, "needs a reason"),
        ("waivers:\n- rule: privileged\n  reason: r\n  expires: soon\n", 4, "YYYY-MM-DD"),
        ("waivers:\n- rule: privileged\n  reason: r\n  colour: red\n", 4, "unknown waiver key"),
        ("wavers: []\n", 1, "unknown configuration key"),
        ("waivers: {a: 1}\n", 1, "must be a list"),
        ("waivers: [\n", None, "invalid YAML"),
    ],
)
def test_bad_config_is_exit_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, line: int | None, message: str
) -> None:
    assert run(tmp_path, pod(), config) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    where = f"c.yaml:{line}:" if line else "c.yaml"
    assert where in err and message in err


def test_default_config_file_is_read_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "m.yaml", pod())
    monkeypatch.chdir(tmp_path)
    assert main(["m.yaml", "--profile", "baseline"]) == 1
    write(tmp_path, ".rootless-check.yaml", "waivers:\n- rule: privileged\n  reason: ok\n")
    assert main(["m.yaml", "--profile", "baseline"]) == 0


def test_default_waivers_can_be_turned_off_in_the_config(tmp_path: Path) -> None:
    agent = pod(name="istio-cni-node", ns="kube-system")
    daemonset = (
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: istio-cni-node\n"
        "  namespace: kube-system\nspec:\n  template:\n    spec:\n      containers:\n"
        "      - {name: c, image: i, securityContext: {privileged: true}}\n"
    )
    assert run(tmp_path, daemonset, "waivers: []\n") == 0
    assert run(tmp_path, daemonset, "defaultWaivers: false\n") == 1
    # a Pod of that name is not the DaemonSet: not waived
    assert run(tmp_path, agent, "waivers: []\n") == 1


# --- baselines ---------------------------------------------------------------------------------


def test_baseline_ratchet(tmp_path: Path) -> None:
    manifest = write(tmp_path, "m.yaml", pod("a"))
    baseline = tmp_path / "baseline.json"
    assert main([str(manifest), "--profile", "baseline", "--write-baseline", str(baseline)]) == 1
    assert main([str(manifest), "--profile", "baseline", "--baseline", str(baseline)]) == 0
    # moving the finding to another line does not make it new
    write(tmp_path, "m.yaml", "# a comment\n\n" + pod("a"))
    assert main([str(manifest), "--profile", "baseline", "--baseline", str(baseline)]) == 0
    # a new workload with the same problem is new
    write(tmp_path, "m.yaml", pod("a") + "---\n" + pod("b"))
    assert main([str(manifest), "--profile", "baseline", "--baseline", str(baseline)]) == 1
    report = scan(
        [str(manifest)], Options(level=Level.BASELINE, baseline=load_baseline(str(baseline)))
    )
    assert [(f.name, f.baselined) for f in report.findings] == [("a", True), ("b", False)]


def test_baseline_counts_duplicates() -> None:
    report = scan_text("m.yaml", pod("a"), Options(level=Level.BASELINE))
    twice = report.findings * 2
    marked = apply_baseline(twice, Counter([twice[0].key]))
    assert [f.baselined for f in marked] == [True, False]


@pytest.mark.parametrize("content", ["not json", '{"version": 2}', '{"version": 1}', "[]"])
def test_bad_baseline_is_exit_2(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write(tmp_path, "m.yaml", pod())
    baseline = write(tmp_path, "b.json", content)
    assert main([str(manifest), "--baseline", str(baseline)]) == 2
    assert capsys.readouterr().err.startswith(f"rootless-check: error: {baseline}")


def test_missing_baseline_is_exit_2(tmp_path: Path) -> None:
    manifest = write(tmp_path, "m.yaml", pod())
    with pytest.raises(InputError):
        load_baseline(str(tmp_path / "none.json"))
    assert main([str(manifest), "--baseline", str(tmp_path / "none.json")]) == 2


# --- diff ----------------------------------------------------------------------------------------


def test_diff_added_and_fixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write(tmp_path, "base.yaml", pod("old"))
    head = write(tmp_path, "head.yaml", pod("new"))
    assert main(["diff", str(base), str(head), "--profile", "baseline", "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["name"]) for f in result["added"]] == [("privileged", "new")]
    assert [(f["rule"], f["name"]) for f in result["fixed"]] == [("privileged", "old")]
    # a change that only fixes passes
    clean = write(tmp_path, "clean.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    assert main(["diff", str(base), str(clean), "--profile", "baseline"]) == 0
    assert "1 finding(s) fixed:" in capsys.readouterr().out


def test_diff_input_error_is_exit_2(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", pod())
    assert main(["diff", str(base), str(tmp_path / "missing.yaml")]) == 2


def test_diff_helpers_are_multisets() -> None:
    one = scan_text("m.yaml", pod("a"), Options(level=Level.BASELINE)).findings
    added, fixed = diff_findings(one, one * 2)
    assert (len(added), len(fixed)) == (1, 0)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
def test_diff_between_releases_shows_run_as_non_root_fixed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = CORPUS / "v1.10.2" / "example.yaml"
    head = CORPUS / "master-009c880" / "example.yaml"
    code = main(["diff", str(base), str(head), "--format", "json"])
    assert code in (0, 1)
    result = json.loads(capsys.readouterr().out)
    fixed = {(f["rule"], f["kind"], f["name"]) for f in result["fixed"]}
    gained = {name for rule, kind, name in fixed if rule == "runAsNonRoot" and kind == "Deployment"}
    assert len(gained) >= 10, sorted(gained)
    assert code == (1 if result["added"] else 0)
