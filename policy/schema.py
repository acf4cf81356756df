"""``--schema``: every object against the Kubernetes OpenAPI schema of one Kubernetes version.

The schemas are the JSON Schema conversions of Kubernetes' OpenAPI documents that
``kubernetes-validate`` ships, one folder per minor version. An object is validated against the
schema of its ``kind`` and ``apiVersion``; each way it does not match becomes a ``schema``
finding naming the field (``path``) and its line. Kinds Kubernetes does not define (custom
resources, whose schemas live in their CustomResourceDefinitions) have no schema: they are
counted as skipped, never reported as errors.

Validation is off by default: it is a different question from Pod Security, and it costs a
JSON Schema validation per object. Schemas and validators are loaded once per kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kubeflow_devtools.policy.errors import InputError, UsageError
from kubeflow_devtools.policy.model.findings import Finding
from kubeflow_devtools.policy.model.objects import Resource, format_path
from kubeflow_devtools.policy.origins import OriginResolver, where
from kubeflow_devtools.policy.rules import SCHEMA

MAX_MESSAGE = 200
"""Longest message kept as written; longer ones (a whole object quoted) are shortened."""


@dataclass
class SchemaResult:
    """What validation found: findings, objects without a schema, and objects that broke it."""

    findings: list[Finding] = field(default_factory=list)
    skipped: int = 0
    errors: list[InputError] = field(default_factory=list)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@cache
def kubernetes_versions() -> tuple[str, ...]:
    """The Kubernetes versions (``major.minor``) whose schemas are installed, oldest first."""
    from kubernetes_validate import utils  # type: ignore[import-untyped]

    versions = {".".join(v.split(".")[:2]) for v in utils.all_versions()}
    return tuple(sorted(versions, key=_version_key))


def latest_kubernetes_version() -> str:
    """The newest Kubernetes version the installed schemas cover: the default."""
    return kubernetes_versions()[-1]


_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


def parse_kubernetes_version(text: str) -> str:
    """``1.30``, ``v1.30`` or ``1.30.2`` as ``1.30``; ``latest`` as the newest installed.

    Raises :class:`UsageError` for a malformed version or one without installed schemas.
    """
    known = kubernetes_versions()
    if text == "latest":
        return known[-1]
    match = _VERSION.match(text.strip())
    if match is None:
        raise UsageError(f"invalid Kubernetes version {text!r} (expected 1.N, v1.N or latest)")
    version = f"{int(match[1])}.{int(match[2])}"
    if version not in known:
        raise UsageError(
            f"no schemas for Kubernetes {version}: kubernetes-validate has {known[0]} to "
            f"{known[-1]}"
        )
    return version


def _schema_file(kind: str, api_version: str) -> str:
    """kubernetes-validate's file name for a kind (``deployment-apps-v1.json``)."""
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{group_version}.json"


@cache
def _registry(version: str) -> Any:
    """The shared definitions of one version, as a ``referencing`` registry."""
    from kubernetes_validate import utils
    from referencing import Registry, Resource

    folder = _folder(version)
    definitions = utils.schema_contents(
        f"kubernetes-json-schema/{folder}/_definitions.json", version
    )
    return Resource.from_contents(definitions) @ Registry()


@cache
def _folder(version: str) -> str:
    from kubernetes_validate import utils

    full = [v for v in utils.all_versions() if v.startswith(f"{version}.")]
    return f"v{full[-1]}-local"


@cache
def validator_for(version: str, kind: str, api_version: str) -> Any:
    """A JSON Schema validator for one kind, or ``None`` when Kubernetes has no such kind.

    A schema counts only when it declares this exact ``apiVersion``: kubernetes-validate's
    file names drop the API group's domain, so ``Gateway`` of ``networking.istio.io/v1`` must
    not be checked as some other group's ``Gateway``.
    """
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
    from kubernetes_validate import utils

    if not re.fullmatch(r"[A-Za-z0-9]+", kind) or not re.fullmatch(r"[A-Za-z0-9./-]+", api_version):
        return None
    name = f"kubernetes-json-schema/{_folder(version)}/{_schema_file(kind, api_version)}"
    try:
        schema = utils.schema_contents(name, version)
    except FileNotFoundError:
        return None
    declared = schema.get("properties", {}).get("apiVersion", {}).get("enum")
    if declared is not None and api_version not in declared:
        return None
    return Draft202012Validator(schema, registry=_registry(version))


def check_schemas(
    resources: Iterable[Resource], version: str, origins: OriginResolver | None = None
) -> SchemaResult:
    """Validate each resource against Kubernetes ``version``'s schema for its kind.

    Returns a ``schema`` finding per mismatch (with the field path and its line), the number
    of objects skipped because their kind has no schema, and an error for any object the
    validator could not process (the other objects are still validated). With ``origins``,
    findings point at the source files of a kustomize render, like the other rules'.
    """
    result = SchemaResult()
    for resource in resources:
        validator = validator_for(version, resource.kind, resource.api_version)
        if validator is None:
            result.skipped += 1
            continue
        try:
            errors = list(validator.iter_errors(resource.obj))
        except Exception as exc:  # a value the validator cannot handle must not stop the rest
            where = f"{resource.kind} {resource.name}"
            result.errors.append(
                InputError(resource.file, resource.line, f"cannot validate {where}: {exc!r}")
            )
            continue
        found = [_finding(resource, error, version, origins) for error in errors]
        result.findings += sorted(found, key=lambda f: (f.line or 0, f.path))
    return result


def _finding(
    resource: Resource, error: Any, version: str, origins: OriginResolver | None
) -> Finding:
    """One validation error as a ``schema`` finding."""
    path: tuple[str | int, ...] = tuple(error.absolute_path)
    message = error.message
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [p for p in error.validator_value if p not in error.instance]
        if missing:  # one error per missing field, named first in its message
            name = next((p for p in missing if message.startswith(repr(p))), missing[0])
            path = (*path, name)
            message = f"required field {name!r} is missing"
    elif error.validator == "type":
        message = f"expected {_types(error.validator_value)}, got {_describe(error.instance)}"
    elif error.validator == "oneOf" and _simple_types(error.validator_value):
        message = (
            f"expected {_types(_simple_types(error.validator_value))}, "
            f"got {_describe(error.instance)}"
        )
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    field_name = format_path(path) or "(object)"
    return Finding.of(
        SCHEMA,
        resource,
        f"{field_name}: {message} (Kubernetes {version} schema)",
        at=where(resource, path, origins),
        path=format_path(path),
    )


def _simple_types(alternatives: Any) -> list[str]:
    """The types of a ``oneOf`` made only of ``{"type": ...}`` entries (IntOrString)."""
    types: list[str] = []
    for alternative in alternatives if isinstance(alternatives, list) else []:
        if not isinstance(alternative, dict) or set(alternative) != {"type"}:
            return []
        value = alternative["type"]
        types += value if isinstance(value, list) else [value]
    return types


def _types(value: Any) -> str:
    """``["integer", "null"]`` as ``integer``: null is allowed everywhere, so not worth naming."""
    names = value if isinstance(value, list) else [value]
    shown = list(dict.fromkeys(str(n) for n in names if n != "null")) or ["null"]
    return " or ".join(shown)


_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"))


def _describe(value: Any) -> str:
    """A value's JSON type, with the value itself when it is short."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    name = next((n for t, n in _JSON_TYPES if isinstance(value, t)), type(value).__name__)
    text = repr(value)
    return f"{name} {text}" if len(text) <= 60 else name
