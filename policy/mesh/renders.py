"""A rendered injection template to the partial pod it describes, parsed once per skeleton.

A template's output is its own text with the values its actions print in between. Pods that
take the same path through the template get the same text but for those values (names,
ports), so the YAML is parsed once per *skeleton* (the text with each one-line value left out)
and each value's place recorded: the scalar it is in, that scalar's style and what else it
holds. Another output with the same skeleton is the same structure with new values in those
scalars, provided each new value leaves the YAML's structure alone where it stands: no quote
or backslash in a double-quoted scalar, no ``: `` or `` #`` in a plain one, no leading or
trailing white space, ...; a plain scalar's new text is resolved again (``"80"`` is a number).
When a value does not pass, or the skeleton is new, the text is parsed in full: the result is
always the YAML's, only faster.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kubeflow_devtools.policy.documents import Loader
from kubeflow_devtools.policy.gotemplate import Output

PLACEHOLDER = "rootlesscheckvalue{}x"
"""What stands for the value printed at a position while a skeleton is parsed."""
_PLACEHOLDER = re.compile(r"rootlesscheckvalue(\d+)x")
_MARK = "rootlesscheckvalue"
_STR = "tag:yaml.org,2002:str"
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
MAX_SKELETONS = 256


class RenderError(Exception):
    """The output is not YAML, or not a mapping (a partial pod); the message says which."""


@dataclass(frozen=True)
class Site:
    """Where printed values landed: a scalar (``path`` from the root), its style (``'"'``,
    ``"'"``, ``"|"``, ``">"`` or ``None`` for plain), whether it is inside a flow collection,
    and its parts: text, or the number of a printed value."""

    path: tuple[Any, ...]
    style: str | None
    flow: bool
    parts: tuple[str | int, ...]


@dataclass(frozen=True)
class Skeleton:
    """One parsed skeleton: the structure, the values it was parsed with, and their sites."""

    base: dict[str, Any]
    values: tuple[str, ...]
    sites: tuple[Site, ...]
    site_of: tuple[int, ...]
    """For each printed value, the index of its site."""


_skeletons: dict[tuple[Any, ...], Skeleton | None] = {}


def _key(output: Output) -> tuple[tuple[Any, ...], list[int]]:
    """The skeleton key (one-line values left out) and the positions of those values."""
    pieces: list[Any] = list(output.pieces)
    inline = []
    for position in output.printed:
        if "\n" not in pieces[position] and "\r" not in pieces[position]:
            pieces[position] = None
            inline.append(position)
    return tuple(pieces), inline


def parse_yaml(text: str) -> dict[str, Any]:
    """The output parsed in full."""
    try:
        patch = yaml.load(text, Loader=Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (output line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise RenderError(f"its output is not valid YAML{at}: {problem}") from None
    if patch is None:
        return {}
    if not isinstance(patch, Mapping):
        raise RenderError("its output is not a mapping (a partial pod)")
    return dict(patch)


def to_partial_pod(output: Output) -> dict[str, Any]:
    """The partial pod a template's output describes. Raises :class:`RenderError`."""
    key, inline = _key(output)
    values = tuple(output.pieces[p] for p in inline)
    if key not in _skeletons:
        if len(_skeletons) >= MAX_SKELETONS:
            _skeletons.clear()
        _skeletons[key] = _parse_skeleton(output, inline)
    skeleton = _skeletons[key]
    if skeleton is not None:
        patched = _apply(skeleton, values)
        if patched is not None:
            return patched
    return parse_yaml(output.text)


def _parse_skeleton(output: Output, inline: list[int]) -> Skeleton | None:
    """Parse the output with placeholders for its one-line values; ``None`` when the skeleton
    cannot be reused (a value outside any scalar, in a key, aliases, ...)."""
    if any(_MARK in piece for piece in output.pieces):
        return None
    pieces = list(output.pieces)
    for number, position in enumerate(inline):
        pieces[position] = PLACEHOLDER.format(number)
    try:
        root = yaml.compose("".join(pieces), Loader=Loader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    sites: list[Site] = []
    seen: set[int] = set()
    try:
        base = _build(root, (), False, sites, seen)
    except _NotReusable:
        return None
    site_of = [-1] * len(inline)
    for index, site in enumerate(sites):
        for part in site.parts:
            if isinstance(part, int):
                site_of[part] = index
    if -1 in site_of:
        return None
    values = tuple(output.pieces[p] for p in inline)
    blank = Skeleton(
        base, tuple(PLACEHOLDER.format(n) for n in range(len(inline))), tuple(sites), tuple(site_of)
    )
    filled = _apply(blank, values)
    if filled is None:
        return None
    return Skeleton(filled, values, tuple(sites), tuple(site_of))


class _NotReusable(Exception):
    pass


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_RESOLVER = yaml.resolver.Resolver()


def _build(
    node: yaml.Node, path: tuple[Any, ...], flow: bool, sites: list[Site], seen: set[int]
) -> Any:
    if id(node) in seen:
        raise _NotReusable  # an alias: one node in two places
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if _MARK in node.value:
            one_line = node.start_mark.line == node.end_mark.line
            if node.tag != _STR or (not one_line and node.style not in ("|", ">")):
                raise _NotReusable
            parts: list[str | int] = []
            at = 0
            for match in _PLACEHOLDER.finditer(node.value):
                if match.start() > at:
                    parts.append(node.value[at : match.start()])
                parts.append(int(match.group(1)))
                at = match.end()
            if at < len(node.value):
                parts.append(node.value[at:])
            sites.append(Site(path, node.style or None, flow, tuple(parts)))
        return _construct(node)
    if isinstance(node, yaml.SequenceNode):
        inner = flow or bool(node.flow_style)
        return [_build(item, (*path, i), inner, sites, seen) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        inner = flow or bool(node.flow_style)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or _MARK in key_node.value:
                raise _NotReusable
            key = _construct(key_node)
            if key == "<<" or key in out:
                raise _NotReusable
            out[key] = _build(value_node, (*path, key), inner, sites, seen)
        return out
    raise _NotReusable


def _construct(node: yaml.ScalarNode) -> Any:
    """A scalar's value, as the safe loader makes it."""
    if node.tag == _STR:
        return node.value
    constructor = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if constructor is None:
        raise _NotReusable
    return constructor(_CONSTRUCTOR, node)


_QUOTED = re.compile(r'"[^"\\]*"|\'[^\']*\'')
"""A value that is a whole quoted scalar (what ``quote`` prints), with nothing to unescape."""


def _fits(value: str, site: Site, first: bool) -> bool:
    """Whether ``value`` can stand in ``site`` without changing the YAML's structure."""
    if not value.isprintable() or value != value.strip():
        return False
    style = site.style
    if style is None and len(site.parts) == 1 and _QUOTED.fullmatch(value):
        return True
    if style == '"':
        return '"' not in value and "\\" not in value
    if style == "'":
        return "'" not in value
    if style in ("|", ">"):
        return bool(value)
    if ": " in value or value.endswith(":") or " #" in value or "\t" in value:
        return False
    if first and value and value[0] in _INDICATORS:
        return False
    return not (site.flow and any(c in value for c in ",[]{}"))


def _scalar(site: Site, values: tuple[str, ...]) -> Any:
    text = "".join(values[p] if isinstance(p, int) else p for p in site.parts)
    if site.style is not None:
        return text
    if len(site.parts) == 1 and _QUOTED.fullmatch(text):
        return text[1:-1]
    if not text:
        return None
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR:
        return text
    return _construct(yaml.ScalarNode(tag, text))


def _apply(skeleton: Skeleton, values: tuple[str, ...]) -> dict[str, Any] | None:
    """The skeleton's structure with ``values``; ``None`` when one does not fit its site."""
    changed: set[int] = set()
    for number, (old, new) in enumerate(zip(skeleton.values, values, strict=True)):
        if old != new:
            site = skeleton.sites[skeleton.site_of[number]]
            if not _fits(new, site, site.parts[0] == number):
                return None
            changed.add(skeleton.site_of[number])
    root: Any = skeleton.base
    for index in changed:
        site = skeleton.sites[index]
        root = _assign(root, site.path, _scalar(site, values))
    return dict(root)


def _assign(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``node`` with ``value`` at ``path`` (only the containers along it copied)."""
    if not path:
        return value
    copy: Any = list(node) if isinstance(node, list) else dict(node)
    copy[path[0]] = _assign(node[path[0]], path[1:], value)
    return copy
