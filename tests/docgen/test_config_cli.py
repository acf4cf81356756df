"""Configuration loading and the docgen command line (errors: one line, exit 2)."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.cli import main
from kubeflow_devtools.docgen.config import (
    DEFAULTS,
    ConfigError,
    adhoc_sdk,
    default_sdks,
    load_config,
)


def test_defaults_name_both_sdks() -> None:
    assert DEFAULTS["katib"].distribution == "kubeflow-katib"
    assert DEFAULTS["katib"].package == "kubeflow.katib"
    assert "KatibClient" in DEFAULTS["katib"].api
    assert DEFAULTS["training"].distribution == "kubeflow-training"
    assert DEFAULTS["training"].package == "kubeflow.training"


def test_pyproject_overrides_and_adds(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docgen.sdk.katib]\ntitle = "Katib"\n'
        '[tool.docgen.sdk.mine]\npackage = "mypkg"\napi = ["Client"]\n'
    )
    sdks = load_config(tmp_path)
    assert sdks["katib"].title == "Katib"
    assert sdks["katib"].package == "kubeflow.katib"
    assert sdks["mine"].api == ("Client",)
    assert sdks["mine"].title == "mypkg"
    assert sdks["training"] == DEFAULTS["training"]


def test_docgen_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.docgen.sdk.katib]\ntitle = "A"\n')
    (tmp_path / "docgen.toml").write_text('[sdk.katib]\ntitle = "B"\n')
    assert load_config(tmp_path)["katib"].title == "B"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sdk.x\n", "invalid TOML"),
        ('[sdk.x]\napi = ["A"]\n', "'package' is required"),
        ('[sdk.katib]\nnope = "1"\n', "unknown key(s) nope"),
        ("[sdk.katib]\napi = 3\n", "'api' must be a list of strings"),
        ('sdk = "x"\n', "'sdk' must be a table of tables"),
    ],
)
def test_bad_config_names_the_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "docgen.toml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(str(tmp_path / "docgen.toml"))
    assert message in str(info.value)


def test_adhoc_sdk() -> None:
    sdk = adhoc_sdk("some.pkg")
    assert (sdk.id, sdk.package, sdk.api, sdk.models) == ("pkg", "some.pkg", (), None)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["publish", "--website", "{tmp}/nowhere"], "nowhere: not a website checkout"),
        (["publish", "--website", "{tmp}"], "not a Hugo website checkout (no content/en/ folder)"),
        (["publish", "--website", "{tmp}", "nosuch"], "unknown SDK(s): nosuch"),
        (["build", "nosuch"], "unknown SDK(s): nosuch"),
        (["build", "--package", "no_such_package_here"], "cannot import no_such_package_here"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "html").exists()


def test_bad_config_file_from_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "docgen.toml"
    config.write_text("[sdk.katib\n")
    result = subprocess.run(
        [sys.executable, "-m", "kubeflow_devtools.docgen.cli", "build", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"docgen: error: {config}: invalid TOML")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_version_spec_not_met_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docgen.toml").write_text('[sdk.katib]\nversion_spec = ">=99"\n')
    code = main(["build", "katib", "--root", str(tmp_path), "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "kubeflow-katib" in err and ">=99" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_builds_the_fixture_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert main(["build", "--package", "fixturesdk", "--out", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    assert "built" in text and "docstring defect(s)" in text
    # the last line: the defects by kind with counts (from defects.json), and where they are
    rows = json.loads((out / "html" / "defects.json").read_text())
    kinds = Counter(row["kind"] for row in rows)
    assert kinds["unknown-parameter"] == 1
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    last = text.splitlines()[-1]
    report = out / "html" / "defects.json"
    assert last == f"docgen: {len(rows)} docstring defect(s) ({counts}), see {report}"
    assert (out / "html" / "fixturesdk" / "Client.html").is_file()
    assert main(["build", "--package", "fixturesdk", "--out", str(out), "-q"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_enabled_sdks_that_are_installed_are_built_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Built-ins can be turned off, and an SDK whose distribution is not installed (the legacy
    SDKs next to the unified ``kubeflow`` one) is skipped with a note, not a failed import."""
    (tmp_path / "docgen.toml").write_text(
        "[sdk.katib]\nenabled = false\n[sdk.training]\nenabled = false\n"
        "[sdk.kubeflow]\nenabled = false\n"
        '[sdk.fix]\npackage = "fixturesdk"\n'
        '[sdk.gone]\npackage = "nosuchsdk"\ndistribution = "no-such-distribution-here"\n'
    )
    out = tmp_path / "site"
    assert main(["build", "--root", str(tmp_path), "--out", str(out), "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("docgen: fix: built ")
    assert captured.err == "docgen: skipping gone: no-such-distribution-here is not installed\n"
    assert (out / "html" / "fix" / "Client.html").is_file()
    (tmp_path / "docgen.toml").write_text(
        "[sdk.katib]\nenabled = false\n[sdk.training]\nenabled = false\n"
        "[sdk.kubeflow]\nenabled = false\n"
        '[sdk.gone]\npackage = "nosuchsdk"\ndistribution = "no-such-distribution-here"\n'
    )
    assert main(["build", "--root", str(tmp_path), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        "docgen: error: no configured SDK is installed: gone (no-such-distribution-here); "
        "install one or use --package"
    )
    website = ["publish", "--root", str(tmp_path), "--website", str(tmp_path), "-q"]
    assert main(website) == 2  # publish takes the same SDKs (here: none), one line
    assert capsys.readouterr().err == (
        "docgen publish: error: no configured SDK is installed: gone "
        "(no-such-distribution-here); install one or use --package\n"
    )
    (tmp_path / "docgen.toml").write_text("[sdk.katib]\nenabled = 1\n")
    assert main(["build", "--root", str(tmp_path), "--out", str(out), "-q"]) == 2
    assert "'enabled' must be true or false" in capsys.readouterr().err


def test_the_built_ins_installed_here_are_the_default() -> None:
    """The legacy Katib and Training SDKs and the unified kubeflow SDK never share an
    environment: with no SDK named, docgen builds the family installed here, skips the other."""
    chosen, missing = default_sdks(DEFAULTS)
    present = {sdk.id for sdk in DEFAULTS.values() if _distribution_installed(sdk.distribution)}
    assert {sdk.id for sdk in chosen} == present
    assert {sdk.id for sdk in missing} == set(DEFAULTS) - present
    assert present in ({"katib", "training"}, {"kubeflow"})


def _distribution_installed(name: str | None) -> bool:
    try:
        importlib.metadata.distribution(str(name))
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def test_the_unified_sdk_is_built_in() -> None:
    kubeflow = DEFAULTS["kubeflow"]
    assert (kubeflow.distribution, kubeflow.package) == ("kubeflow", "kubeflow")
    assert kubeflow.repository == "https://github.com/kubeflow/sdk"
    assert kubeflow.tag.format(version="0.5.0") == "0.5.0"  # releases/tag/0.5.0 upstream
    assert load_config(Path("/nonexistent"))["kubeflow"] == kubeflow


def test_a_package_documented_ad_hoc_shows_its_distribution_version() -> None:
    """``--package kubeflow.trainer`` is titled with kubeflow's version, not "unknown"."""
    import yaml

    from kubeflow_devtools.docgen.inventory import distribution_of, installed_version

    assert distribution_of("yaml") == "PyYAML"
    assert installed_version(adhoc_sdk("yaml"), yaml) == importlib.metadata.version("PyYAML")
    assert distribution_of("no_such_package_here") is None
