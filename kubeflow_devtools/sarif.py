"""What both SARIF writers share: the schema URI, the tool's version and artifact URIs.

SARIF 2.1.0 (OASIS); GitHub code scanning reads ``artifactLocation.uri`` relative to the
repository root, so files are written relative to the working directory where they can be.
"""

from __future__ import annotations

import os
from pathlib import PurePath

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
"""The ``$schema`` of every SARIF log written here."""


def tool_version() -> str:
    """The installed version of kubeflow-devtools (``0+unknown`` when not installed).

    Returns:
        The distribution's version string.
    """
    from importlib.metadata import PackageNotFoundError, version  # slow to import: on use

    try:
        return version("kubeflow-devtools")
    except PackageNotFoundError:
        return "0+unknown"


def artifact_uri(file: str) -> str:
    """A file name as a SARIF artifact URI: relative where possible, forward slashes.

    Args:
        file: A path as a report holds it (absolute or relative to the working directory).

    Returns:
        The relative path with forward slashes, or a ``file://`` URI for a file outside the
        working directory.
    """
    path = PurePath(file)
    if path.is_absolute():
        try:
            path = PurePath(os.path.relpath(path))
        except ValueError:
            return path.as_uri()
        if path.parts and path.parts[0] == "..":
            return PurePath(os.path.abspath(file)).as_uri()
    return path.as_posix().removeprefix("./")
