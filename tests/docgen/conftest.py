"""Shared builds, each once a session: the real SDK reference, the fixture package's, and the
real Kubeflow website with both references published."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.build import BuildResult, build
from kubeflow_devtools.docgen.cli import main
from kubeflow_devtools.docgen.config import KATIB, TRAINING, adhoc_sdk
from tests.docgen import kubeflow_env
from tests.docgen.helpers import SDK_FORMATS
from tests.docgen.hugo_helpers import problems, run_hugo, snapshot
from tests.docgen.kubeflow_env import PublicName
from tests.docgen.real_site import copy_real_site

FIXTURES = Path(__file__).parent / "fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))


@pytest.fixture(scope="session")
def sdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output folder of the real Katib + Training build (built by ``sdk_site``)."""
    return tmp_path_factory.mktemp("sdk-reference")


@pytest.fixture(scope="session")
def sdk_site(sdk_out: Path) -> BuildResult:
    """Build the real references of both default SDKs (HTML and Hugo pages), warnings as
    errors, nitpicky."""
    return build(
        [KATIB, TRAINING],
        sdk_out,
        nitpicky=True,
        warnings_as_errors=True,
        formats=SDK_FORMATS,
    )


@pytest.fixture(scope="session")
def fixture_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output folder of the fixture package's build."""
    return tmp_path_factory.mktemp("fixture-reference")


@pytest.fixture(scope="session")
def fixture_site(fixture_out: Path) -> BuildResult:
    """Build the fixture package ad hoc (``--package fixturesdk``)."""
    return build([adhoc_sdk("fixturesdk")], fixture_out)


HUGOSDK_SECTION = "content/en/docs/components/sdk/hugosdk"
"""Where the real website gets the hostile ``hugosdk`` fixture (under Kubeflow SDK)."""


@dataclass(frozen=True)
class PublishedWebsite:
    """A copy of the real Kubeflow website with both SDK references (and the ``hugosdk``
    fixture, whose docstrings try to inject markup) published, built by Hugo.

    Attributes:
        root: The website copy (its node packages installed).
        config: The docgen.toml that adds ``hugosdk``.
        build: The kept docgen build (``--out``): a later ``publish`` of the same SDKs with
            the same configuration skips Sphinx.
        before: Every file under ``content/`` before publishing (bytes, modification time).
        publish_code: ``docgen publish``'s exit code.
        hugo_code: Hugo's exit code.
        hugo_problems: Hugo's warning and error lines.
    """

    root: Path
    config: Path
    build: Path
    before: dict[str, tuple[bytes, int]]
    publish_code: int
    hugo_code: int
    hugo_problems: list[str]

    @property
    def public(self) -> Path:
        """Hugo's output."""
        return self.root / "public"


@pytest.fixture(scope="session")
def kubeflow_website(tmp_path_factory: pytest.TempPathFactory) -> PublishedWebsite:
    """``docgen publish katib training hugosdk`` into a copy of the real website, then Hugo on
    it (one copy per session: ``npm ci`` runs once)."""
    root = copy_real_site(tmp_path_factory.mktemp("kubeflow-website") / "site", npm=True)
    before = snapshot(root / "content")
    build_dir = tmp_path_factory.mktemp("kubeflow-website-build")
    config = build_dir.parent / f"{build_dir.name}.toml"
    config.write_text(
        '[sdk.hugosdk]\npackage = "hugosdk"\ntitle = "Hugo fixture SDK"\n'
        f'website_section = "{HUGOSDK_SECTION}"\n'
    )
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["publish", "--config", str(config), "--website", str(root),
                     "--out", str(build_dir), "-q", *PUBLISHED])  # fmt: skip
    result = run_hugo(root)
    return PublishedWebsite(
        root, config, build_dir, before, code, result.returncode, problems(result)
    )


PUBLISHED = ("katib", "training", "hugosdk")
"""What the session publishes into the real website."""


@dataclass(frozen=True)
class KubeflowBuild:
    """``docgen build kubeflow --format all`` in an environment with only the unified SDK.

    Attributes:
        python: That environment's Python.
        out: The build's ``--out``.
        result: The command's exit code and output.
        names: Every public name of trainer, optimizer, hub, spark and pipelines, read from
            their ``__all__`` in that environment.
    """

    python: Path
    out: Path
    result: subprocess.CompletedProcess[str]
    names: list[PublicName]


@pytest.fixture(scope="session")
def kubeflow_build(tmp_path_factory: pytest.TempPathFactory) -> KubeflowBuild:
    """The unified SDK's reference, built once a session in an environment of its own."""
    python = kubeflow_env.create()
    out = tmp_path_factory.mktemp("kubeflow-reference")
    result = kubeflow_env.run_docgen(
        python, "build", "kubeflow", "--format", "all", "--out", str(out), "-q", cwd=out
    )
    return KubeflowBuild(python, out, result, kubeflow_env.public_names(python))


@pytest.fixture(scope="session")
def kubeflow_website_build(
    kubeflow_build: KubeflowBuild, tmp_path_factory: pytest.TempPathFactory
) -> PublishedWebsite:
    """``docgen publish kubeflow`` (reusing the build) into a copy of the real website, then
    Hugo on it."""
    root = copy_real_site(tmp_path_factory.mktemp("kubeflow-sdk-website") / "site", npm=True)
    before = snapshot(root / "content")
    published = kubeflow_env.run_docgen(
        kubeflow_build.python, "publish", "kubeflow", "--website", str(root),
        "--out", str(kubeflow_build.out), "-q", cwd=kubeflow_build.out,
    )  # fmt: skip
    assert published.returncode == 0, published.stdout + published.stderr
    result = run_hugo(root)
    return PublishedWebsite(
        root, kubeflow_build.out, kubeflow_build.out, before, published.returncode,
        result.returncode, problems(result),
    )  # fmt: skip
