"""What both SARIF writers share: the log and its run, rule descriptors, locations,
suppressions, fingerprints, the tool's version and artifact URIs.

SARIF 2.1.0 (OASIS); GitHub code scanning reads ``artifactLocation.uri`` relative to the
repository root, so files are written relative to the working directory where they can be.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

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


def fingerprint(key: Sequence[str]) -> str:
    """A result's stable identity: a hash of the parts that name it (never its line).

    Args:
        key: The parts (rule, object, message...), joined with NUL before hashing.

    Returns:
        32 hex digits.
    """
    return hashlib.sha256("\0".join(key).encode()).hexdigest()[:32]


def rule_descriptor(
    rule_id: str, name: str, title: str, summary: str, doc: str, help_uri: str, level: str,
    tags: Sequence[str],
) -> dict[str, Any]:  # fmt: skip
    """A ``reportingDescriptor`` for one rule, as GitHub code scanning shows it.

    Args:
        rule_id: The rule's id (``ruleId`` of its results).
        name: Its name in PascalCase.
        title: One line (``shortDescription``).
        summary: A paragraph (``fullDescription``).
        doc: The whole documentation (``help``, as text and Markdown).
        help_uri: Where the documentation is published.
        level: ``error``, ``warning`` or ``note`` (``defaultConfiguration``).
        tags: Code scanning's tags for the rule.

    Returns:
        The descriptor.
    """
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": title},
        "fullDescription": {"text": summary},
        "help": {"text": doc, "markdown": doc},
        "helpUri": help_uri,
        "defaultConfiguration": {"level": level},
        "properties": {"tags": list(tags)},
    }


def location(file: str, line: int | None, name: str, kind: str) -> dict[str, Any]:
    """A result's ``location``: the file (and line), and the object it is about.

    Args:
        file: The file, as :func:`artifact_uri` takes it.
        line: Its line, or ``None`` when there is none.
        name: The object's fully qualified name.
        kind: SARIF's kind of logical location (``member``, ``resource``).

    Returns:
        The location.
    """
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    if line is not None:
        physical["region"] = {"startLine": line}
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"fullyQualifiedName": name, "kind": kind}],
    }


def suppression(justification: str) -> dict[str, str]:
    """A suppression accepted outside the code (a baseline, a waiver).

    Args:
        justification: Why it is accepted.

    Returns:
        The ``suppression`` object.
    """
    return {"kind": "external", "status": "accepted", "justification": justification}


def sarif_log(
    tool: str, information_uri: str, rules: list[dict[str, Any]], results: list[dict[str, Any]],
    **run: Any,
) -> dict[str, Any]:  # fmt: skip
    """A SARIF 2.1.0 log of one run of one of this project's tools.

    Args:
        tool: The driver's name (``docgen lint``, ``rootless-check``).
        information_uri: The tool's documentation.
        rules: Its rules' descriptors (:func:`rule_descriptor`).
        results: The run's results.
        **run: More members of the run (``properties``, ``invocations``), in order.

    Returns:
        The log, ready for :func:`json.dumps`.
    """
    driver = {"name": tool, "semanticVersion": tool_version(), "informationUri": information_uri,
              "rules": rules}  # fmt: skip
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results, **run}],
    }
