"""Waivers: findings that are known and accepted. Waived findings stay in every report.

Three sources, applied in this order (the first match wins):

- an object's annotation ``rootless-check.kubeflow.org/waive: "rule[,rule]: reason"``;
- the configuration file (``.rootless-check.yaml`` or ``--config``): waivers by rule, kind,
  namespace, name and container (shell-style patterns), each with a required ``reason`` and
  an optional ``expires`` date. An expired waiver no longer applies and fails the run
  (``waiverExpired``); one that matches nothing is reported (``waiverUnused``);
- the built-in list, which waives the mesh's node agents: they need root, host paths and
  extra capabilities by design: ``istio-cni-node`` (the CNI plugin's DaemonSet) and
  ``ztunnel`` (ambient mode's DaemonSet)
  (:data:`~kubeflow_devtools.policy.model.waivers.DEFAULT_WAIVERS`). ``--no-default-waivers``
  or ``defaultWaivers: false`` in the configuration turns it off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kubeflow_devtools.policy.documents import Chunk, LineDict, parse_chunk
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.waivers import Exclusion, Waiver

WAIVE_ANNOTATION = "rootless-check.kubeflow.org/waive"
"""An object annotation that waives rules for that object: ``"rule[,rule]: reason"``."""

CONFIG_FILE = ".rootless-check.yaml"
"""The configuration file read from the current directory when ``--config`` is not given."""


@dataclass(frozen=True)
class Config:
    """The configuration file: waivers, whether the built-in ones stay in force, and for a
    repository run the inputs to exclude and the mesh overlay to assume.

    ``mesh_overlay`` and the exclusion patterns are relative to the folder of the file.
    """

    waivers: tuple[Waiver, ...] = ()
    default_waivers: bool = True
    file: str | None = None
    exclude: tuple[Exclusion, ...] = ()
    mesh_overlay: str | None = None


_WAIVER_KEYS = {"rule", "rules", "kind", "namespace", "name", "container", "reason", "expires"}


def load_config(path: str) -> Config:
    """Read a configuration file (``.rootless-check.yaml``).

    Raises :class:`InputError` naming the file and line for anything malformed: unknown
    keys, a waiver without a reason, a bad date.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = getattr(exc, "strerror", None) or str(exc)
        raise InputError(path, None, f"cannot read configuration: {message}") from None
    data = parse_chunk(path, Chunk(0, 1, text)).data
    if data is None:
        return Config(file=path)
    if not isinstance(data, Mapping):
        raise InputError(path, 1, "configuration must be a mapping")
    unknown = set(data) - {"waivers", "defaultWaivers", "exclude", "meshOverlay"}
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise InputError(path, _line(data, key), f"unknown configuration key {key!r}")
    default = data.get("defaultWaivers", True)
    if not isinstance(default, bool):
        raise InputError(
            path, _line(data, "defaultWaivers"), "defaultWaivers must be true or false"
        )
    entries = data.get("waivers") or []
    if not isinstance(entries, list):
        raise InputError(path, _line(data, "waivers"), "waivers must be a list")
    lines = getattr(entries, "item_lines", [None] * len(entries))
    waivers = tuple(_waiver(path, entry, line) for entry, line in zip(entries, lines, strict=False))
    overlay = data.get("meshOverlay")
    if overlay is not None and (not isinstance(overlay, str) or not overlay.strip()):
        raise InputError(path, _line(data, "meshOverlay"), "meshOverlay must be a folder path")
    return Config(
        waivers=waivers,
        default_waivers=default,
        file=path,
        exclude=_exclusions(path, data),
        mesh_overlay=overlay,
    )


def _exclusions(path: str, data: Mapping[str, Any]) -> tuple[Exclusion, ...]:
    """``exclude:``: patterns (strings), or ``{path: PATTERN, reason: TEXT}`` mappings."""
    entries = data.get("exclude") or []
    if not isinstance(entries, list):
        raise InputError(path, _line(data, "exclude"), "exclude must be a list")
    lines = getattr(entries, "item_lines", [None] * len(entries))
    out = []
    for entry, line in zip(entries, lines, strict=False):
        if isinstance(entry, str) and entry.strip():
            out.append(Exclusion(entry.strip(), f"excluded by {path}"))
            continue
        if not isinstance(entry, Mapping) or set(entry) - {"path", "reason"}:
            raise InputError(path, line, "an exclude entry is a path pattern or {path, reason}")
        pattern, reason = entry.get("path"), entry.get("reason")
        if not isinstance(pattern, str) or not pattern.strip():
            raise InputError(path, line, "an exclude entry needs a path pattern")
        text = reason.strip() if isinstance(reason, str) and reason.strip() else None
        out.append(Exclusion(pattern.strip(), text or f"excluded by {path}"))
    return tuple(out)


def _line(mapping: Any, key: str) -> int | None:
    return mapping.key_lines.get(key) if isinstance(mapping, LineDict) else None


def _waiver(path: str, entry: Any, line: int | None) -> Waiver:
    """One waiver entry of the configuration file."""
    if not isinstance(entry, Mapping):
        raise InputError(path, line, "a waiver must be a mapping")
    unknown = set(entry) - _WAIVER_KEYS
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise InputError(path, _line(entry, key) or line, f"unknown waiver key {key!r}")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise InputError(path, line, "a waiver needs a reason")
    rules: Any = entry.get("rules", entry.get("rule", "*"))
    rules = [rules] if isinstance(rules, str) else rules
    if not isinstance(rules, list) or not rules or not all(isinstance(r, str) for r in rules):
        raise InputError(path, line, "rules must be a rule id or a list of rule ids")
    fields: dict[str, str | None] = {}
    for key in ("kind", "namespace", "name", "container"):
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(path, _line(entry, key) or line, f"{key} must be a string")
        fields[key] = value
    expires_value = entry.get("expires")
    expires: date | None = None
    if expires_value is not None:
        try:
            expires = date.fromisoformat(str(expires_value))
        except ValueError:
            where = _line(entry, "expires") or line
            raise InputError(
                path, where, f"expires {expires_value!r} is not a YYYY-MM-DD date"
            ) from None
    return Waiver(
        reason=reason.strip(),
        rules=tuple(rules),
        expires=expires,
        source="config",
        file=path,
        line=line,
        **fields,
    )


_ANNOTATION = re.compile(r"^\s*([A-Za-z0-9_*,\s-]+?)\s*:\s*(\S.*)$", re.DOTALL)


def annotation_waiver(
    value: Any, *, file: str, line: int | None, kind: str, namespace: str | None, name: str
) -> Waiver:
    """The waiver an object's ``rootless-check.kubeflow.org/waive`` annotation declares.

    Raises :class:`InputError` when the value is not ``"rule[,rule]: reason"``.
    """
    match = _ANNOTATION.match(value) if isinstance(value, str) else None
    if match is None:
        raise InputError(file, line, f'{WAIVE_ANNOTATION} must be "rule[,rule]: reason"')
    rules = tuple(r.strip() for r in match.group(1).split(",") if r.strip())
    if not rules:
        raise InputError(file, line, f"{WAIVE_ANNOTATION} names no rule")
    return Waiver(
        reason=match.group(2).strip(),
        rules=rules,
        kind=kind,
        namespace=namespace,
        name=name,
        source="annotation",
        file=file,
        line=line,
    )
