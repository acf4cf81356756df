"""SDK environments: a virtual environment per set of SDK requirements, created and cached.

Some SDKs cannot share an environment (the unified ``kubeflow`` SDK and the legacy
``kubeflow-katib``/``kubeflow-training`` all install ``kubeflow/__init__.py``), so docgen
builds each in an environment of its own. :func:`sdk_environment` returns the Python of one:
a virtual environment in the cache folder, named by a hash of everything that decides it (the
requirements, the Python, the versions of docgen's own tools), holding the requirements from
the package registries (pip, with the user's pip configuration), docgen's tools pinned to the
versions installed here (so every part of a site is built by the same Sphinx), and this
project's import package, linked (never the rest of this environment's ``site-packages``,
which may hold a conflicting ``kubeflow`` package).

An environment is built in a temporary folder beside its final place and renamed into place
once complete (its marker file, written atomically, last): a failed or killed creation leaves
nothing a later run can take for an environment, and two runs creating the same one at once
both end up using the one that was renamed first.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import kubeflow_devtools
from kubeflow_devtools.atomic import write_atomic
from kubeflow_devtools.cli import describe_os_error
from kubeflow_devtools.errors import ToolError

DISTRIBUTION = "kubeflow-devtools"
"""This project's distribution, whose ``docs`` dependencies an environment gets."""

MARKER = "docgen-env.json"
"""The file an environment holds once it is complete: what it was made from."""

_NOT_FOR_DOCGEN = frozenset({"kubernetes-validate"})
"""Dependencies of this project docgen never imports (rootless-check's schemas, 108 MB)."""

_ALSO_PINNED = ("docutils",)
"""Tools that decide the output without being a direct dependency (Sphinx's markup engine)."""


class SdkEnvironmentError(ToolError):
    """An SDK environment cannot be created (pip failed, no registry): one line, exit 2."""


def default_cache() -> Path:
    """Where environments are kept: ``$DOCGEN_CACHE``, else the user's cache folder.

    Returns:
        ``$DOCGEN_CACHE``, else ``$XDG_CACHE_HOME`` (or ``~/.cache``) +
        ``kubeflow-devtools/docgen-envs``.
    """
    if os.environ.get("DOCGEN_CACHE"):
        return Path(os.environ["DOCGEN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kubeflow-devtools" / "docgen-envs"


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def tool_pins() -> tuple[str, ...]:
    """docgen's own dependencies, pinned to the versions installed in this environment.

    This project's dependencies and its ``docs`` extra, without the SDKs of its ``sdks`` extra
    (they are what an environment is for) and without what only rootless-check needs; a
    dependency not installed here keeps its specifier.

    Returns:
        Requirements such as ``sphinx==8.1.3``, sorted.

    Raises:
        SdkEnvironmentError: This project is not installed (its dependencies are unknown).
    """
    from packaging.requirements import Requirement

    try:
        declared = [Requirement(r) for r in importlib.metadata.requires(DISTRIBUTION) or ()]
    except importlib.metadata.PackageNotFoundError:
        raise SdkEnvironmentError(
            f"{DISTRIBUTION} is not installed: cannot tell which tools an SDK environment needs"
        ) from None

    def wanted(req: Requirement, extra: str) -> bool:
        return req.marker is None or req.marker.evaluate({"extra": extra})

    sdks = {_canonical(r.name) for r in declared if wanted(r, "sdks") and not wanted(r, "")}
    pins = {}
    for req in declared:
        name = _canonical(req.name)
        if not wanted(req, "docs") or name in sdks or name in _NOT_FOR_DOCGEN:
            continue
        pins[name] = f"{name}{req.specifier}"
    for name in (*pins, *_ALSO_PINNED):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            pins[name] = f"{name}=={importlib.metadata.version(name)}"
    return tuple(sorted(pins.values()))


def _project_package() -> Path:
    """The folder of this project's import package (a checkout's or the installed one)."""
    return Path(kubeflow_devtools.__file__).resolve().parent


def environment_key(requirements: Sequence[str], tools: Sequence[str]) -> str:
    """The name of the environment for ``requirements``: a hash of everything that decides it.

    Args:
        requirements: What the SDKs need (``kubeflow[hub]==0.5.0``), in any order.
        tools: docgen's pinned tools (:func:`tool_pins`).

    Returns:
        ``env-`` and 20 hexadecimal digits.
    """
    decided = {
        "requirements": sorted(set(requirements)),
        "tools": sorted(set(tools)),
        "python": [sys.implementation.name, sys.version, sys.base_prefix],
        "project": str(_project_package()),
    }
    digest = hashlib.sha256(json.dumps(decided, sort_keys=True).encode()).hexdigest()
    return f"env-{digest[:20]}"


def _python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _complete(env: Path) -> bool:
    """Whether ``env`` is a finished environment whose project link still leads somewhere."""
    project = _site_packages(env) / kubeflow_devtools.__name__ / "__init__.py"
    return (env / MARKER).is_file() and _python(env).exists() and project.is_file()


def _site_packages(env: Path) -> Path:
    if os.name == "nt":  # pragma: no cover - docgen runs on POSIX
        return env / "Lib" / "site-packages"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return env / "lib" / version / "site-packages"


def sdk_environment(
    requirements: Sequence[str],
    *,
    cache: Path | None = None,
    status: TextIO | None = None,
    tools: Sequence[str] | None = None,
) -> Path:
    """The Python of an environment holding ``requirements`` and docgen, created if needed.

    An environment made earlier for the same requirements, Python and tools is reused as it
    is. Otherwise a new one is made: ``python -m venv``, then ``pip install`` of the
    requirements and the tools from the registries, then a link to this project's import
    package; it is renamed into the cache only when complete.

    Args:
        requirements: What the SDKs need, as pip reads it (``kubeflow[hub,spark]==0.5.0``).
        cache: The folder holding the environments (default :func:`default_cache`).
        status: Where to say which environment is used or created.
        tools: docgen's tools to install (default :func:`tool_pins`).

    Returns:
        The environment's Python executable.

    Raises:
        SdkEnvironmentError: The environment cannot be created (pip failed: the message names
            the requirements and pip's error).
    """
    pinned = tuple(tool_pins() if tools is None else tools)
    folder = cache or default_cache()
    env = folder / environment_key(requirements, pinned)
    wanted = ", ".join(requirements) or "no SDK"
    if _complete(env):
        with contextlib.suppress(OSError):  # its last use, for the removal of unused ones
            os.utime(env / MARKER)
        if status is not None:
            print(f"docgen: environment for {wanted}: {env}", file=status)
        return _python(env)
    if status is not None:
        print(f"docgen: creating the environment for {wanted} in {env}", file=status)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _sweep(folder)
        staging = Path(tempfile.mkdtemp(prefix=f".{env.name}.", suffix=".tmp", dir=folder))
    except OSError as exc:
        why = describe_os_error(exc)
        raise SdkEnvironmentError(f"cannot create an SDK environment in {folder}: {why}") from None
    try:
        _create(staging, list(requirements), pinned, wanted)
        if env.exists() and not _complete(env):  # damaged by hand: replaced
            shutil.rmtree(env, ignore_errors=True)
        try:
            staging.rename(env)
        except OSError:
            if not _complete(env):  # not another run that made the same environment first
                raise
    except OSError as exc:
        why = describe_os_error(exc)
        raise SdkEnvironmentError(f"cannot create the environment for {wanted}: {why}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _python(env)


_STALE = 24 * 3600.0
"""Seconds after which a staging folder is taken for one a killed run left behind."""

UNUSED = 30 * 24 * 3600.0
"""Seconds after its last use after which an environment is removed (when another is made):
each upgrade of docgen's tools makes new environments, the old ones are not used again."""


def _sweep(folder: Path) -> None:
    """Remove from ``folder`` the staging folders killed runs left (a day old or more) and the
    environments unused for :data:`UNUSED` seconds."""
    now = time.time()
    for entry in folder.glob(".env-*.tmp"):
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > _STALE:
                shutil.rmtree(entry)
    for marker in folder.glob(f"env-*/{MARKER}"):
        with contextlib.suppress(OSError):
            if now - marker.stat().st_mtime > UNUSED:  # renamed first: never half there
                doomed = folder / f".{marker.parent.name}.unused.tmp"
                marker.parent.rename(doomed)
                shutil.rmtree(doomed)


def _create(env: Path, requirements: list[str], tools: Sequence[str], wanted: str) -> None:
    """Make a complete environment in ``env`` (an empty folder); raise if anything fails."""
    own_pip = _pip_with_python_option()
    _run([sys.executable, "-m", "venv", *(["--without-pip"] if own_pip else []), str(env)],
         f"cannot create a virtual environment for {wanted}")  # fmt: skip
    python = _python(env)
    # This environment's pip installs into the new one (pip >= 22.3): no pip copied there.
    pip = [sys.executable, "-m", "pip", "--python", str(python)] if own_pip else [
        str(python), "-m", "pip"]  # fmt: skip
    _run([*pip, "install", "--no-input", "--disable-pip-version-check", "-q",
          *requirements, *tools], f"cannot install {wanted}")  # fmt: skip
    link = _site_packages(env) / kubeflow_devtools.__name__
    link.symlink_to(_project_package(), target_is_directory=True)
    record = {"requirements": requirements, "tools": list(tools), "python": sys.version,
              "project": str(_project_package())}  # fmt: skip
    write_atomic(env / MARKER, json.dumps(record, indent=2, sort_keys=True) + "\n")


def _pip_with_python_option() -> bool:
    """Whether this environment's pip can install into another one (``--python``, pip 22.3)."""
    if importlib.util.find_spec("pip") is None:
        return False
    from packaging.version import InvalidVersion, Version

    try:
        return Version(importlib.metadata.version("pip")) >= Version("22.3")
    except (importlib.metadata.PackageNotFoundError, InvalidVersion):
        return False


def _run(command: list[str], failure: str) -> None:
    """Run ``command``; on failure raise with ``failure`` and the command's last error line."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return
    lines = [line.strip() for line in (result.stderr + result.stdout).splitlines()]
    errors = [line for line in lines if line.startswith("ERROR:")] or [
        line for line in lines if line
    ]
    reason = errors[-1].removeprefix("ERROR: ") if errors else f"exit code {result.returncode}"
    raise SdkEnvironmentError(f"{failure}: {reason}")
