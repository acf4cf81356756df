"""Go's text encodings that template functions produce: JSON, YAML and quoted strings.

- :func:`go_json`: ``encoding/json.Marshal`` (map keys sorted, ``<``, ``>`` and ``&`` escaped,
  whole floats without a fraction).
- :func:`go_yaml`: ``sigs.k8s.io/yaml.Marshal`` (through JSON, so keys are sorted and whole
  numbers are integers; block style, sequences not indented under their key).
- :func:`go_quote`: ``strconv.Quote`` (what ``%q`` and sprig's ``quote`` write).
"""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

import yaml

from kubeflow_devtools.policy.gotemplate.values import go_float, to_plain


def _json_ready(value: Any) -> Any:
    """Plain data with Go's number forms: a whole float is written as an integer."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def json_numbers_as_floats(value: Any) -> Any:
    """Decoded JSON as Go's ``encoding/json`` gives it to templates: numbers are float64.

    Args:
        value: What ``json.loads`` returned.

    Returns:
        The same structure with every integer (not booleans) as a float.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {k: json_numbers_as_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_numbers_as_floats(v) for v in value]
    return value


def go_json(value: Any, indent: str | None = None) -> str:
    """``json.Marshal(value)`` (``json.MarshalIndent`` with ``indent``)."""
    data = _json_ready(to_plain(value))
    if isinstance(data, float) and not math.isfinite(data):
        raise ValueError(f"json: unsupported value: {go_float(data)}")
    text = json.dumps(
        data,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":") if indent is None else (",", ": "),
        indent=indent,
        allow_nan=False,
    )
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_Dumper: Any = getattr(yaml, "CSafeDumper", None) or yaml.SafeDumper


_yaml_texts: dict[str, str] = {}


def go_yaml(value: Any) -> str:
    """``sigs.k8s.io/yaml.Marshal(value)``; ``"null\\n"`` for nil.

    Remembered by the value's JSON (templates print the same values for every pod).
    """
    data = _json_ready(to_plain(value))
    try:
        key = json.dumps(data, sort_keys=True)
    except (TypeError, ValueError):
        key = None
    if key is not None and key in _yaml_texts:
        return _yaml_texts[key]
    text = _dump_yaml(data)
    if key is not None and len(_yaml_texts) < 1024:
        _yaml_texts[key] = text
    return text


def _dump_yaml(data: Any) -> str:
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        default_flow_style=False,
        sort_keys=True,
        allow_unicode=True,
        width=1 << 30,
    )
    return text[: -len("...\n")] if text.endswith("\n...\n") else text


_QUOTE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(text: str) -> str:
    """``strconv.Quote(text)``: double quotes, Go escapes for what is not printable."""
    out = ['"']
    for char in text:
        if char in _QUOTE_ESCAPES:
            out.append(_QUOTE_ESCAPES[char])
        elif char == " " or (char.isprintable() and unicodedata.category(char) != "Zs"):
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)
