"""SDK definitions: the built-in defaults plus ``[tool.docgen]`` in pyproject.toml or docgen.toml.

A configuration names, for every SDK: the distribution on PyPI, the version it must satisfy, the
import package, a title, its public API (names relative to the import package), the package that
holds its generated models, the repository its source links point at and where its pages go.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubeflow_devtools.errors import ToolError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(ToolError):
    """Bad configuration: the message names the file and what is wrong, in one line."""


@dataclass(frozen=True)
class SdkConfig:
    """One SDK to document.

    ``api`` lists public names relative to ``package`` (classes, functions, modules, constants);
    empty means "the package's ``__all__``, else its public top-level names"; ``"sub.*"`` means
    every public name of the subpackage ``sub``, documented in a folder and index of its own.
    ``models`` is the package (relative to ``package``) that holds the generated models,
    documented as field tables.
    """

    id: str
    package: str
    title: str
    distribution: str | None = None
    version_spec: str = ""
    api: tuple[str, ...] = ()
    models: str | None = None
    repository: str | None = None
    source_root: str = ""
    tag: str = "v{version}"
    output: str = ""
    website_section: str = ""
    website_content: str = "content/en"
    website_title: str = "Python SDK"
    website_weight: int = 100
    enabled: bool = True
    """Built when no SDK is named (``enabled = false`` turns a built-in one off)."""
    requirements: tuple[str, ...] = ()
    """What pip installs to build it in an environment of its own (``kubeflow[hub]==0.5.0``);
    empty: :attr:`distribution` and :attr:`version_spec`."""
    environment: str = ""
    """SDKs with the same (non-empty) name may share an environment; an SDK without one gets an
    environment of its own when SDKs are built apart (see :mod:`.environments`)."""

    @property
    def api_paths(self) -> tuple[str, ...]:
        """:attr:`api` as dotted public paths (``kubeflow.katib.KatibClient``)."""
        return tuple(f"{self.package}.{name}" for name in self.api)

    @property
    def pip_requirements(self) -> tuple[str, ...]:
        """:attr:`requirements`, else the distribution at :attr:`version_spec` (else none)."""
        if self.requirements or self.distribution is None:
            return self.requirements
        return (f"{self.distribution}{self.version_spec}",)

    @property
    def out_dir(self) -> str:
        """The folder (relative to the project root) that holds this SDK's pages."""
        return self.output or self.id

    @property
    def section(self) -> str:
        """The website folder (relative to the checkout) that ``docgen publish`` writes into."""
        return (self.website_section or f"{self.website_content}/docs/sdk/{self.id}").strip("/")

    @property
    def content_section(self) -> str:
        """:attr:`section` relative to the website's content folder (Hugo's page paths)."""
        content = self.website_content.strip("/") + "/"
        section = self.section
        return section[len(content) :] if section.startswith(content) else section


KATIB = SdkConfig(
    id="katib",
    package="kubeflow.katib",
    title="Katib SDK",
    distribution="kubeflow-katib",
    version_spec=">=0.19",
    api=(
        "KatibClient",
        "TrainerResources",
        "report_metrics",
        "search",
        "BASE_IMAGE_TENSORFLOW",
        "BASE_IMAGE_TENSORFLOW_GPU",
        "BASE_IMAGE_PYTORCH",
    ),
    models="models",
    repository="https://github.com/kubeflow/katib",
    source_root="sdk/python/v1beta1",
    website_section="content/en/docs/components/katib/reference/python-sdk",
    environment="legacy",  # kubeflow-katib and kubeflow-training install together
)

TRAINING = SdkConfig(
    id="training",
    package="kubeflow.training",
    title="Training Operator (v1) SDK",
    distribution="kubeflow-training",
    version_spec=">=1.9",
    api=("TrainingClient", "constants"),
    models="models",
    repository="https://github.com/kubeflow/training-operator",
    source_root="sdk/python",
    # The v1 docs left the website; the reference lives under Kubeflow Trainer, titled v1.
    website_section="content/en/docs/components/trainer/legacy-v1-python-sdk",
    website_title="Training Operator (v1) SDK",
    environment="legacy",
)

KUBEFLOW = SdkConfig(
    id="kubeflow",
    package="kubeflow",
    title="Kubeflow SDK",
    distribution="kubeflow",
    version_spec=">=0.5",
    # built apart (docgen build kubeflow in an environment without it) with its extras, at the
    # release this definition is verified against; [tool.docgen.sdks.kubeflow] requirements
    # takes a newer one
    requirements=("kubeflow[hub,spark,pipelines]==0.5.0",),
    # every public name of each subpackage (its __all__); kubeflow.common has none in 0.5.0,
    # but documents what the others re-export from it (KubernetesBackendConfig)
    api=("trainer.*", "optimizer.*", "hub.*", "spark.*", "pipelines.*", "common.*"),
    repository="https://github.com/kubeflow/sdk",
    # kubeflow/sdk@0.5.0:scripts (the release writes releases/tag/{version}): tags have no "v"
    tag="{version}",
    website_section="content/en/docs/components/sdk/reference",
    website_title="Python API reference",
)

DEFAULTS: Mapping[str, SdkConfig] = {KATIB.id: KATIB, TRAINING.id: TRAINING, KUBEFLOW.id: KUBEFLOW}
"""The built-in SDKs. The legacy ``katib`` and ``training`` and the unified ``kubeflow`` cannot
share an environment (both install ``kubeflow/__init__.py``): ``docgen build`` with no SDK named
builds those that are installed (:func:`default_sdks`)."""

_FIELDS = {f.name for f in dataclasses.fields(SdkConfig)}


def sdk_from_table(sdk_id: str, table: Mapping[str, Any], source: str) -> SdkConfig:
    """Build an :class:`SdkConfig` from a TOML table, over the built-in default of the same id."""
    unknown = sorted(set(table) - _FIELDS)
    if unknown:
        raise ConfigError(f"{source}: sdk {sdk_id!r}: unknown key(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in ("api", "requirements"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{source}: sdk {sdk_id!r}: {key!r} must be a list of strings")
            values[key] = tuple(value)
        elif key == "enabled":
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: sdk {sdk_id!r}: 'enabled' must be true or false")
            values[key] = value
        elif key == "website_weight":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{source}: sdk {sdk_id!r}: 'website_weight' must be an integer")
            values[key] = value
        elif not isinstance(value, str):
            raise ConfigError(f"{source}: sdk {sdk_id!r}: {key!r} must be a string")
        else:
            values[key] = value
    base = DEFAULTS.get(sdk_id)
    if base is not None:
        return dataclasses.replace(base, **values)
    if "package" not in values:
        raise ConfigError(f"{source}: sdk {sdk_id!r}: 'package' is required")
    values.setdefault("title", values["package"])
    return SdkConfig(id=sdk_id, **values)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict. Raises :class:`ConfigError` (naming it) if unreadable or invalid."""
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
            return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def load_config(root: Path, config_file: Path | None = None) -> dict[str, SdkConfig]:
    """Return the SDKs known in ``root``: the defaults, then pyproject.toml, then docgen.toml.

    With ``config_file`` only that file is read (a docgen.toml, or a pyproject.toml whose
    ``[tool.docgen]`` table is used). Later definitions of the same id override earlier keys.
    """
    sdks: dict[str, SdkConfig] = dict(DEFAULTS)
    candidates = [config_file] if config_file else [root / "pyproject.toml", root / "docgen.toml"]
    for path in candidates:
        if path is None or (config_file is None and not path.is_file()):
            continue
        data = read_toml(path)
        table: Any = (
            data.get("tool", {}).get("docgen", {}) if path.name == "pyproject.toml" else data
        )
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.docgen] must be a table")
        sdk_tables = table.get("sdk", {})
        if not isinstance(sdk_tables, dict):
            raise ConfigError(f"{path}: 'sdk' must be a table of tables")
        for sdk_id, sdk_table in sdk_tables.items():
            if not isinstance(sdk_table, dict):
                raise ConfigError(f"{path}: sdk {sdk_id!r} must be a table")
            sdks[sdk_id] = sdk_from_table(sdk_id, sdk_table, str(path))
    return sdks


def installed(sdk: SdkConfig) -> bool:
    """Whether the SDK's distribution is installed (an SDK without one is assumed to be).

    Args:
        sdk: The SDK definition.

    Returns:
        ``True`` when ``importlib.metadata`` finds its distribution.
    """
    if sdk.distribution is None:
        return True
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        distribution(sdk.distribution)
    except PackageNotFoundError:
        return False
    return True


def default_sdks(configured: Mapping[str, SdkConfig]) -> tuple[list[SdkConfig], list[SdkConfig]]:
    """What ``docgen build`` builds when no SDK is named: the enabled SDKs that are installed,
    and the enabled ones left out because they are not (the legacy Katib and Training SDKs and
    the unified ``kubeflow`` SDK cannot share an environment).

    Args:
        configured: The SDKs of :func:`load_config`.

    Returns:
        ``(to build, not installed)``.
    """
    enabled = [sdk for sdk in configured.values() if sdk.enabled]
    return [s for s in enabled if installed(s)], [s for s in enabled if not installed(s)]


def adhoc_sdk(package: str) -> SdkConfig:
    """An SDK definition for any installed package, with the inventory's default API."""
    sdk_id = package.rsplit(".", 1)[-1]
    return SdkConfig(id=sdk_id, package=package, title=package)
