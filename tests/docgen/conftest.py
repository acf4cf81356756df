"""Shared builds: the real SDK reference and the fixture package's, each built once a session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.build import BuildResult, build
from kubeflow_devtools.docgen.config import DEFAULTS, adhoc_sdk
from tests.docgen.helpers import SDK_FORMATS

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
        list(DEFAULTS.values()),
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
