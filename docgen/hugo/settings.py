"""The Markdown settings of a Hugo website that decide how docgen escapes text for it.

Goldmark (Hugo's Markdown) is configured per site under ``markup.goldmark``. Two settings
change what a piece of text must look like to render literally:

- ``extensions.passthrough``: text between its delimiters (the Kubeflow website has ``\\[ \\]``,
  ``$$ $$`` and ``\\( \\)`` for MathJax) is passed through verbatim, Markdown and all, so the usual
  backslash escape of ``[`` must not be written where ``\\[`` opens math;
- ``extensions.typographer``: quotes, ``--`` and ``...`` are curled unless escaped.

``renderer.unsafe`` (raw HTML) changes nothing here: ``<`` is escaped either way, since text
must show it whether Goldmark would pass raw HTML through or drop it. Nor do extensions whose
syntax is escaped always (tables, strikethrough, definition lists: a line never starts with
``:`` unescaped), since a backslash before punctuation is harmless where it is not syntax.

:func:`read_settings` reads them from a website's configuration (``hugo.toml``/``config.toml``,
YAML or JSON, and ``config/_default/``), with Hugo's defaults for what it does not set;
:data:`DEFAULT` (used without a website) is the Kubeflow website's.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kubeflow_devtools.errors import ToolError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

Delimiters = tuple[tuple[str, str], ...]

#: The Kubeflow website's passthrough delimiters (for MathJax; Hugo itself has none by default).
KUBEFLOW_PASSTHROUGH: Delimiters = (("\\[", "\\]"), ("$$", "$$"), ("\\(", "\\)"))
#: Hugo's configuration files, in the order Hugo looks for them.
CONFIG_NAMES = tuple(
    f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)


class SettingsError(ToolError):
    """A website's configuration cannot be read."""


@dataclass(frozen=True)
class MarkdownSettings:
    """What a site's Goldmark does to text (see the module docstring).

    Attributes:
        passthrough: The passthrough delimiters (opening, closing), block and inline; empty
            when the extension is off.
        typographer: Whether quotes, dashes and ellipses are curled.
    """

    passthrough: Delimiters = ()
    typographer: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for the Sphinx configuration and the build fingerprint)."""
        return {
            "passthrough": [list(pair) for pair in self.passthrough],
            "typographer": self.typographer,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MarkdownSettings:
        """The inverse of :meth:`to_dict`."""
        return cls(
            passthrough=tuple((str(a), str(b)) for a, b in data.get("passthrough", ())),
            typographer=bool(data.get("typographer", True)),
        )


#: The Kubeflow website's settings (kubeflow/website ``config.toml``): the default.
DEFAULT = MarkdownSettings(passthrough=KUBEFLOW_PASSTHROUGH, typographer=True)


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path}: cannot read the website's configuration: {exc}") from None
    return _lower(data) if isinstance(data, dict) else {}


def _lower(data: Mapping[str, Any]) -> dict[str, Any]:
    """Hugo's configuration keys are case-insensitive."""
    return {
        str(key).lower(): _lower(value) if isinstance(value, Mapping) else value
        for key, value in data.items()
    }


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        merged[key] = (
            _merge(old, value) if isinstance(old, dict) and isinstance(value, Mapping) else value
        )
    return merged


def site_config(root: Path) -> dict[str, Any]:
    """The configuration of the site at ``root``: its config file, then ``config/_default/``.

    Keys are lowercased. ``markup.*`` files of the configuration folder hold the ``markup`` table.
    """
    config: dict[str, Any] = {}
    found = next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)
    if found is not None:
        config = _load(found)
    folder = root / "config" / "_default"
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            config = _merge(config, _load(folder / name))
    for ext in ("toml", "yaml", "yml", "json"):
        if (folder / f"markup.{ext}").is_file():
            config = _merge(config, {"markup": _load(folder / f"markup.{ext}")})
    return config


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _delimiters(value: Any, where: str) -> Delimiters:
    pairs = []
    for item in value or ():
        if not (
            isinstance(item, list) and len(item) == 2 and all(isinstance(s, str) for s in item)
        ):
            raise SettingsError(f"{where}: passthrough delimiters must be [open, close] pairs")
        pairs.append((item[0], item[1]))
    return tuple(pairs)


def settings_of(config: Mapping[str, Any], where: str = "configuration") -> MarkdownSettings:
    """The Markdown settings a (lowercased) Hugo configuration sets, Hugo's defaults elsewhere."""
    extensions = _table(dict(config), "markup", "goldmark", "extensions")
    passthrough = _table(extensions, "passthrough")
    delimiters: Delimiters = ()
    if passthrough.get("enable") is True:
        table = _table(passthrough, "delimiters")
        block, inline = table.get("block"), table.get("inline")
        delimiters = _delimiters(block, where) + _delimiters(inline, where)
    typographer = extensions.get("typographer", True)
    if isinstance(typographer, dict):
        typographer = not typographer.get("disable", False)
    return MarkdownSettings(passthrough=delimiters, typographer=bool(typographer))


def read_settings(root: Path) -> MarkdownSettings:
    """The Markdown settings of the Hugo site at ``root``.

    Args:
        root: The website checkout.

    Returns:
        What its configuration sets, Hugo's defaults for the rest (and without a config).

    Raises:
        SettingsError: A configuration file cannot be parsed, or sets malformed delimiters.
    """
    return settings_of(site_config(root), str(root))
