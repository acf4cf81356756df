"""docgen lint: each rule on a fixture package, no false positives, and the real SDK releases."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.config import DEFAULTS, KATIB, TRAINING
from kubeflow_devtools.docgen.lint import RULES, collect, lint
from kubeflow_devtools.docgen.lint.cli import main, sdk_target

LEGACY = (KATIB, TRAINING)
"""The built-in SDKs of this environment (the unified kubeflow SDK cannot share it)."""

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "lintbad" / "api.py"


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``text``."""
    found = [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return found[occurrence - 1]


def problems(package: str) -> list[tuple[str, str, int | None]]:
    """(rule, object, line) of every problem in a fixture package."""
    report = lint(package, search_paths=[str(FIXTURES)])
    return [(p.rule, p.object, p.line) for p in report.problems]


def test_good_fixture_has_no_problems() -> None:
    report = lint("lintgood", search_paths=[str(FIXTURES)])
    assert report.objects == 5
    assert report.problems == []


EXPECTED = [
    ("missing-docstring", "lintbad.nodoc", "def nodoc"),
    ("unknown-parameter", "lintbad.Client.unknown", "db-address: Spelled"),
    ("undocumented-parameter", "lintbad.Client.unknown", "def unknown>>Args:"),
    ("undocumented-parameter", "lintbad.Client.undocumented", "def undocumented>>Args:"),
    ("unparsed-section", "lintbad.Client.unparsed", "def unparsed>>Args:"),
    ("missing-returns", "lintbad.Client.no_returns", "def no_returns"),
    ("missing-return-annotation", "lintbad.Client.no_annotation", "def no_annotation"),
    ("returns-mismatch", "lintbad.Client.wrong_returns", "Dict[str, str]: Not what"),
    ("returns-mismatch", "lintbad.Client.returns_nothing", "def returns_nothing>>Returns:"),
    ("undocumented-raise", "lintbad.Client.raises_silently", 'raise ValueError("empty")'),
    ("unraised-exception", "lintbad.Client.raises_nothing", "RuntimeError: Never."),
    ("todo-in-docstring", "lintbad.Client.todo", "TODO: document it"),
    ("broken-markup", "lintbad.Client.markup", "Has `unclosed"),
    ("broken-markup", "lintbad.Client.markup", "```python", 1),
    ("example-syntax", "lintbad.Client.bad_example", 'client.bad_example(name="x"'),
    ("example-bad-call", "lintbad.Client.bad_call", 'client.bad_call(nmae="x")'),
    ("example-bad-call", "lintbad.Client.bad_call", 'client.bad_call("a", "b")'),
]


def _expected_line(text: str, occurrence: int) -> int:
    """``"def f>>Args:"``: the first line holding ``Args:`` after ``def f``."""
    if ">>" in text:
        anchor, _, wanted = text.partition(">>")
        start = line_of(BAD, anchor)
        lines = BAD.read_text().splitlines()
        return next(i for i, line in enumerate(lines, 1) if i > start and wanted in line)
    return line_of(BAD, text, occurrence)


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: f"{c[0]}:{c[1].rsplit('.', 1)[-1]}")
def test_each_rule_is_found_with_its_line(case: tuple[object, ...]) -> None:
    rule, obj, text = case[0], case[1], case[2]
    occurrence = int(case[3]) if len(case) > 3 else 1  # type: ignore[call-overload]
    found = problems("lintbad")
    assert (rule, obj, _expected_line(str(text), occurrence)) in found, found


def test_every_rule_has_a_fixture_case() -> None:
    assert {rule.id for rule in RULES} == {case[0] for case in EXPECTED}


def test_bad_fixture_has_nothing_unexpected() -> None:
    expected = {(c[0], c[1]) for c in EXPECTED}
    assert {(rule, obj) for rule, obj, _ in problems("lintbad")} == expected


def test_cli_formats_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    search = ["--search-path", str(FIXTURES)]
    assert main(["--package", "lintgood", *search]) == 0
    assert capsys.readouterr().out.startswith("ok: 0 problem(s)")
    assert main(["--package", "lintbad", *search, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == 1
    assert report["summary"]["problems"] == len(EXPECTED)
    first = report["problems"][0]
    assert set(first) == {"rule", "object", "file", "line", "message", "baselined"}
    assert main(["--package", "lintbad", *search, "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert all(line.startswith("::error file=") and ",line=" in line for line in lines)


def test_baseline_only_new_problems_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    search = ["--search-path", str(FIXTURES)]
    baseline = tmp_path / "baseline.json"
    assert main(["--package", "lintbad", *search, "--format", "json", "-o", str(baseline)]) == 1
    assert main(["--package", "lintbad", *search, "--baseline", str(baseline)]) == 0
    data = json.loads(baseline.read_text())
    data["problems"] = data["problems"][1:]
    baseline.write_text(json.dumps(data))
    assert main(["--package", "lintbad", *search, "--baseline", str(baseline)]) == 1
    assert "1 problem(s)" in capsys.readouterr().out.splitlines()[-1]


@pytest.mark.parametrize(
    "argv",
    [["--package", "no_such_package_here"], ["nosuchsdk"], ["--baseline", "/nonexistent.json"]],
)
def test_errors_are_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main([*argv, "--search-path", str(FIXTURES), "--package", "lintgood"])
    except SystemExit as exc:  # argparse usage errors
        code = int(str(exc.code))
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("docgen lint: error:") and err.count("\n") == 1


def test_this_projects_own_code_is_clean() -> None:
    root = Path(__file__).resolve().parents[2]
    for package in ("kubeflow_devtools.policy", "kubeflow_devtools.docgen"):
        report = lint(package, search_paths=[str(root)], recursive=True)
        assert report.objects > 20
        assert report.problems == [], report.problems


# --- the real SDK releases ------------------------------------------------------------------

SDKS_INSTALLED = all(
    importlib.util.find_spec(name) is not None for name in ("kubeflow.katib", "kubeflow.training")
)
needs_sdks = pytest.mark.skipif(not SDKS_INSTALLED, reason="kubeflow-katib/-training not installed")


def sdk_file(package: str, relative: str) -> Path:
    """The installed source file of an SDK module."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / relative


@pytest.fixture(scope="module")
def sdk_problems() -> set[tuple[str, str, int | None]]:
    """(rule, object, line) for both SDKs with the built-in targets."""
    found: set[tuple[str, str, int | None]] = set()
    for package, targets in map(sdk_target, LEGACY):
        found |= {(p.rule, p.object, p.line) for p in lint(package, targets).problems}
    return found


FORMER_TARGETS = {
    "katib": (
        "kubeflow.katib",
        (
            "kubeflow.katib.KatibClient",
            "kubeflow.katib.report_metrics",
            "kubeflow.katib.search",
            "kubeflow.katib.TrainerResources",
        ),
    ),
    "training": ("kubeflow.training", ("kubeflow.training.TrainingClient",)),
}
"""What ``docgen lint katib|training`` linted when lint kept its own list of the SDKs."""


@needs_sdks
@pytest.mark.parametrize("sdk", sorted(FORMER_TARGETS))
def test_sdks_from_the_config_lint_what_they_always_linted(sdk: str) -> None:
    package, targets = sdk_target(DEFAULTS[sdk])
    linted = {obj.path for obj in collect(package, targets)}
    assert (package, linted) == (
        FORMER_TARGETS[sdk][0],
        {obj.path for obj in collect(*FORMER_TARGETS[sdk])},
    )
    own = {path for path in linted if path.startswith(package + ".")}
    assert len(own) == {"katib": 27, "training": 17}[sdk]
    # plus the classes their signatures name, defined elsewhere (KatibClient.tune's), as
    # docgen build documents them
    storage = "kubeflow.storage_initializer"
    assert (
        linted - own
        == {
            "katib": {
                f"{storage}.hugging_face.HuggingFaceModelParams",
                f"{storage}.hugging_face.HuggingFaceDatasetParams",
                f"{storage}.hugging_face.HuggingFaceTrainerParams",
                f"{storage}.s3.S3DatasetParams",
                f"{storage}.s3.S3DatasetParams.is_valid_url",
            },
            "training": set(),
        }[sdk]
    )
    top = {path.removeprefix(package + ".").split(".")[0] for path in own}
    assert (
        top
        == {
            "katib": {"KatibClient", "TrainerResources", "report_metrics", "search"},
            "training": {"TrainingClient"},
        }[sdk]
    )


@needs_sdks
def test_known_sdk_defects_are_found(sdk_problems: set[tuple[str, str, int | None]]) -> None:
    katib = sdk_file("kubeflow.katib", "api/katib_client.py")
    training = sdk_file("kubeflow.training", "api/training_client.py")
    expected = {
        (
            "unknown-parameter",
            "kubeflow.katib.KatibClient.get_trial_metrics",
            line_of(katib, "db-manager-address: Address for the Katib DB Manager"),
        ),
        (
            "unknown-parameter",
            "kubeflow.training.TrainingClient.get_job_logs",
            line_of(training, "container: Pod container to get the logs."),
        ),
        (
            "returns-mismatch",
            "kubeflow.training.TrainingClient.get_job_logs",
            line_of(training, "Dict[str, str]: A dictionary in which the keys are object kind"),
        ),
        (
            "todo-in-docstring",
            "kubeflow.training.TrainingClient.train",
            line_of(training, "for more information about this feature: TODO"),
        ),
    }
    for state in ("failed", "restarting", "succeeded"):
        start = line_of(katib, f"def is_experiment_{state}(")
        args = next(
            i
            for i, line in enumerate(katib.read_text().splitlines(), 1)
            if i > start and line.strip() == "Args:"
        )
        expected.add(
            ("unparsed-section", f"kubeflow.katib.KatibClient.is_experiment_{state}", args)
        )
    assert expected <= sdk_problems, expected - sdk_problems
    no_annotation = {obj for rule, obj, _ in sdk_problems if rule == "missing-return-annotation"}
    assert len(no_annotation) >= 15  # most methods declare no return type


@needs_sdks
def test_lint_does_not_import_the_sdks() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from kubeflow_devtools.docgen.lint.cli import main;"
        "main(['katib', 'training', '-o', '/dev/null']);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'kubeflow'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_rule_is_documented() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "docgen-lint.md").read_text()
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.title} |" in page
