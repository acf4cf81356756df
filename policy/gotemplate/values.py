"""Go values in Python, as ``text/template`` sees them through reflection.

The mapping:

- ``str``, ``bool``, ``int``, ``float``: Go's string, bool, integer and float64 kinds.
- ``list``: a slice. ``dict``: a ``map[string]interface{}``, whose missing keys read as nil;
  :class:`StrMap`: a ``map[string]string``, whose missing keys read as ``""`` (``index``).
- ``None``: nil (a nil interface or pointer). :data:`MISSING`: Go's invalid ``reflect.Value``,
  what a missing map key or nil interface becomes: it prints ``<no value>``, is false, and a
  field of it is again :data:`MISSING`.
- :class:`GoStruct`: a struct (or a pointer to one, :attr:`GoStruct.nil` when nil), with fields
  and methods by their Go names. :class:`GoEnum`: a protobuf enum (an int32 with ``String()``).

:func:`truth`, :func:`to_text` and :func:`go_float` are Go's truthiness and ``fmt.Sprint``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any


class GoError(Exception):
    """An execution error, as Go's template engine reports it (without position)."""


class _Missing:
    """The invalid ``reflect.Value``: a missing map key, or what a nil interface becomes."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
"""The one invalid value."""


class StrMap(dict[str, str]):
    """A ``map[string]string`` (labels, annotations): ``index`` of a missing key is ``""``."""


class GoEnum:
    """A protobuf enum value: prints its name, compares as its type."""

    __slots__ = ("name", "number", "type_name")

    def __init__(self, type_name: str, name: str, number: int) -> None:
        self.type_name = type_name
        self.name = name
        self.number = number

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, GoEnum)
            and other.type_name == self.type_name
            and other.number == self.number
        )

    def __hash__(self) -> int:
        return hash((self.type_name, self.number))


class GoStruct:
    """A Go struct or pointer to one: fields and methods by name.

    Subclasses implement :meth:`field` and :meth:`method`; ``nil`` marks a nil pointer (its
    methods still run, as protobuf getters do; its fields are an error).
    """

    type_name = "struct"
    nil = False

    def field(self, name: str) -> Any:
        """The field ``name``; raises ``KeyError`` when the type has no such field."""
        raise KeyError(name)

    def method(self, name: str) -> Callable[..., Any] | None:
        """The method ``name`` bound to this value, or ``None``."""
        return None

    def lookup(self, name: str) -> Any:
        """``value.Name`` as a field chain step reads it: a method without arguments, else the
        field. Raises :class:`GoError`."""
        method = self.method(name)
        if method is not None:
            return method()
        if self.nil:
            raise GoError(f"nil pointer evaluating {self.type_name}.{name}")
        try:
            return self.field(name)
        except KeyError:
            raise GoError(f"can't evaluate field {name} in type {self.type_name}") from None

    def to_json(self) -> Any:
        """The value as Go's ``encoding/json`` would write it (plain data)."""
        return {}

    def __repr__(self) -> str:
        return f"<{self.type_name}{' nil' if self.nil else ''}>"


def truth(value: Any) -> bool:
    """Go's ``if``: false, 0, nil, an empty string, slice or map, or no value are false."""
    if value is None or value is MISSING:
        return False
    if isinstance(value, (bool, int, float, str, list, dict, tuple)):
        return bool(value)
    if isinstance(value, GoStruct):
        return not value.nil
    if isinstance(value, GoEnum):
        return value.number != 0
    return True


def go_float(value: float, exponent_from: int = 6) -> str:
    """A float64 as ``fmt.Sprint`` writes it: the shortest digits that read back, in
    exponent form when the exponent is below -4 or at least ``exponent_from`` (6 for
    ``fmt``'s ``%v``, 21 for ``encoding/json``).
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if value.is_integer() and abs(value) < 10.0**exponent_from:
        return str(int(value))  # what the digits below give for a whole number, faster
    from decimal import Decimal  # whole numbers (the usual case) never get here

    sign_bit, raw_digits, raw_exp = Decimal(repr(value)).as_tuple()
    sign = "-" if sign_bit else ""
    digits = "".join(map(str, raw_digits)).lstrip("0")
    assert isinstance(raw_exp, int)
    point = len(digits) + raw_exp
    digits = digits.rstrip("0") or "0"
    exp = point - 1
    if exp < -4 or exp >= exponent_from:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def to_text(value: Any) -> str:
    """``fmt.Sprint(value)``: how a template prints a value."""
    if isinstance(value, str):
        return value
    if value is MISSING:
        return "<no value>"
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(_nested(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=str)
        return "map[" + " ".join(f"{to_text(k)}:{_nested(value[k])}" for k in keys) + "]"
    if isinstance(value, GoEnum):
        return value.name
    if isinstance(value, GoStruct):
        if value.nil:
            return "<nil>"
        stringer = value.method("String")
        if stringer is not None:
            return str(stringer())
        return "{" + " ".join(_nested(v) for v in _flat(value.to_json())) + "}"
    return str(value)


def _nested(value: Any) -> str:
    """An element inside a printed slice or map (nil is ``<nil>`` there too)."""
    return "<nil>" if value is MISSING else to_text(value)


def _flat(data: Any) -> list[Any]:
    return list(data.values()) if isinstance(data, dict) else [data]


def kind_name(value: Any) -> str:
    """The Go type of ``value``, for messages."""
    if value is None:
        return "<nil>"
    if value is MISSING:
        return "invalid value"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, StrMap):
        return "map[string]string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    if isinstance(value, GoEnum):
        return value.type_name
    if isinstance(value, GoStruct):
        return value.type_name
    return type(value).__name__


def get_field(value: Any, name: str) -> Any:
    """``value.Name`` as a field chain step evaluates it (methods without arguments included)."""
    if isinstance(value, dict):
        return value.get(name, MISSING)
    if value is MISSING:
        return MISSING
    if isinstance(value, GoStruct):
        return value.lookup(name)
    if isinstance(value, GoEnum):
        if name == "String":
            return value.name
        if name == "Number":
            return value.number
    if value is None:
        raise GoError(f"nil pointer evaluating interface {{}}.{name}")
    raise GoError(f"can't evaluate field {name} in type {kind_name(value)}")


def to_plain(value: Any) -> Any:
    """Plain data (dicts, lists, scalars) for JSON and YAML output."""
    if value is MISSING:
        return None
    if isinstance(value, GoStruct):
        return None if value.nil else to_plain(value.to_json())
    if isinstance(value, GoEnum):
        return value.name
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value
