"""Namespaces and their labels: from ``Namespace`` objects in the input and ``--namespace-labels``.

Labels given on the command line (``NS=k=v,k2=v2``, or a YAML/JSON file mapping each
namespace to its labels) describe namespaces defined outside the input, so a partial render
can be checked; they are merged over the labels of a Namespace object of the same name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from kubeflow_devtools.policy.documents import Loader
from kubeflow_devtools.policy.errors import InputError, UsageError
from kubeflow_devtools.policy.model.objects import Namespace, Namespaces, Resource
from kubeflow_devtools.policy.selectors import string_labels


def collect_namespaces(
    resources: Iterable[Resource], extra: Mapping[str, Mapping[str, str]] | None = None
) -> Namespaces:
    """Namespaces of the input's ``Namespace`` objects, with ``extra`` labels merged over them."""
    result = Namespaces()
    for resource in resources:
        if resource.kind == "Namespace" and resource.group == "" and resource.name:
            labels = resource.obj.get("metadata", {})
            labels = string_labels(labels.get("labels") if isinstance(labels, Mapping) else None)
            result.known[resource.name] = Namespace(resource.name, labels, resource)
    for name, labels in (extra or {}).items():
        current = result.known.get(name)
        merged = {**(current.labels if current else {}), **labels}
        result.known[name] = Namespace(name, merged, current.resource if current else None)
    return result


def parse_namespace_labels(values: Iterable[str]) -> dict[str, dict[str, str]]:
    """Parse ``--namespace-labels`` values: ``NS=k=v,k2=v2`` or the path of a YAML/JSON file.

    Raises :class:`UsageError` for a malformed value, :class:`InputError` for a bad file.
    """
    result: dict[str, dict[str, str]] = {}
    for value in values:
        if "=" not in value:
            for name, labels in _read_labels_file(value).items():
                result.setdefault(name, {}).update(labels)
            continue
        name, _, pairs = value.partition("=")
        if not name:
            raise UsageError(f"--namespace-labels {value!r}: expected NS=key=value[,key=value]")
        labels = result.setdefault(name, {})
        for pair in filter(None, pairs.split(",")):
            key, sep, label = pair.partition("=")
            if not sep or not key:
                raise UsageError(f"--namespace-labels {value!r}: {pair!r} is not key=value")
            labels[key] = label
    return result


def _read_labels_file(path: str) -> dict[str, dict[str, str]]:
    """A file mapping namespace names to label mappings."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, None, exc.strerror or str(exc)) from None
    except UnicodeDecodeError:
        raise InputError(path, None, "not UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(path, line, "invalid YAML in namespace labels file") from None
    if not isinstance(data, Mapping) or not all(isinstance(v, Mapping) for v in data.values()):
        raise InputError(path, None, "expected a mapping of namespace name to labels")
    return {str(name): string_labels(labels) for name, labels in data.items()}
