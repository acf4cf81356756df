"""Template functions: how arguments reach them (Go's type checks), and Go's builtins.

A :class:`GoFunc` is a Python callable with the Go parameter types of the function it stands
for; :func:`call` converts each argument as Go's ``reflect`` call would (an ``int`` is not a
``string``, an integer constant fits a ``float64``, a missing value becomes nil where nil is
allowed) and turns a :class:`GoError` into ``error calling NAME: ...``.

The builtins are Go's (golang/go@go1.24:src/text/template/funcs.go): ``and``/``or`` are
special forms of the executor (they short-circuit); the rest are here.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kubeflow_devtools.policy.gotemplate.values import (
    MISSING,
    GoEnum,
    GoError,
    GoStruct,
    StrMap,
    go_float,
    kind_name,
    to_text,
    truth,
)

Converter = Callable[[Any], Any]
"""Checks (and converts) one argument for a parameter type; raises :class:`GoError`."""


def any_value(value: Any) -> Any:
    """``interface{}``: anything; no value becomes nil."""
    return None if value is MISSING else value


def raw(value: Any) -> Any:
    """``reflect.Value``: the value as it is (the builtins inspect it themselves)."""
    return value


def _typed(
    name: str, accepts: Callable[[Any], bool], zero: Any = MISSING, exact: type | None = None
) -> Converter:
    """A converter for a Go type: ``exact`` is the Python class always accepted as it is (the
    usual case, checked first); ``accepts`` decides the others."""

    def convert(value: Any) -> Any:
        if value.__class__ is exact:
            return value
        if value is MISSING or value is None:
            if zero is not MISSING:
                return zero
            raise GoError(f"invalid value; expected {name}")
        if not accepts(value):
            raise GoError(f"wrong type for value; expected {name}; got {kind_name(value)}")
        return value

    return convert


string: Converter = _typed("string", lambda v: isinstance(v, str), exact=str)
"""``string``."""
integer: Converter = _typed(
    "int", lambda v: isinstance(v, int) and not isinstance(v, bool), exact=int
)
"""``int`` (any Go integer type)."""
boolean: Converter = _typed("bool", lambda v: isinstance(v, bool), exact=bool)
"""``bool``."""
str_map: Converter = _typed(
    "map[string]string", lambda v: isinstance(v, StrMap), StrMap(), exact=StrMap
)
"""``map[string]string``; nil is an empty map."""
slice_value: Converter = _typed("[]interface {}", lambda v: isinstance(v, list), [], exact=list)
"""``[]interface{}``; nil is an empty slice."""


def floating(value: Any) -> Any:
    """``float64``: a float, or an integer constant."""
    if isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if value is MISSING or value is None:
        raise GoError("invalid value; expected float64")
    raise GoError(f"wrong type for value; expected float64; got {kind_name(value)}")


@dataclass(frozen=True)
class GoFunc:
    """A template function: the callable and its Go parameter types.

    ``variadic``: the type of the ``...`` parameter, if the function has one. ``lazy``: the
    function takes its arguments unevaluated (``and``, ``or``).
    """

    fn: Callable[..., Any]
    params: tuple[Converter, ...] = ()
    variadic: Converter | None = None


def call(name: str, func: GoFunc, args: Sequence[Any]) -> Any:
    """Call ``func`` with ``args`` as Go's template engine would (count and type checks)."""
    return caller(name, func)(*args)


def caller(name: str, func: GoFunc) -> Callable[..., Any]:
    """``func`` as a Python callable with Go's checks: the argument count, each argument's
    type (:data:`Converter`), errors as ``error calling NAME: ...``; nil results are no value."""
    params = func.params
    wanted = len(params)
    variadic = func.variadic
    fn = func.fn
    checked = tuple((at, p) for at, p in enumerate(params) if p is not raw)
    rest_checked = variadic is not None and variadic is not raw

    def invoke(*args: Any) -> Any:
        count = len(args)
        if variadic is None and count != wanted:
            raise GoError(f"wrong number of args for {name}: want {wanted} got {count}")
        if count < wanted:
            raise GoError(f"wrong number of args for {name}: want at least {wanted} got {count}")
        if checked or rest_checked:
            converted = list(args)
            try:
                for at, convert in checked:
                    converted[at] = convert(converted[at])
                if rest_checked:
                    assert variadic is not None
                    for at in range(wanted, count):
                        converted[at] = variadic(converted[at])
            except GoError as exc:
                raise GoError(f"wrong type for value in call to {name}: {exc}") from None
            args = tuple(converted)
        try:
            result = fn(*args)
        except GoError as exc:
            raise GoError(f"error calling {name}: {exc}") from None
        except (
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            ZeroDivisionError,
            OverflowError,
        ) as exc:
            raise GoError(f"error calling {name}: {exc}") from None
        return MISSING if result is None else result

    return invoke


# Comparison (Go's basicKind rules).
_BOOL, _INT, _FLOAT, _STRING, _OTHER = range(5)


def _kind(value: Any) -> int:
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, int):
        return _INT
    if isinstance(value, float):
        return _FLOAT
    if isinstance(value, str):
        return _STRING
    return _OTHER


def _plain(value: Any) -> Any:
    return None if value is MISSING else value


def eq(first: Any, *others: Any) -> bool:
    """``eq a b c...``: whether ``a`` equals any of the others (basic kinds, or nil)."""
    if not others:
        raise GoError("missing argument for comparison")
    first = _plain(first)
    k1 = _kind(first)
    for other in others:
        other = _plain(other)
        k2 = _kind(other)
        if k1 != k2:
            if first is not None and other is not None:
                raise GoError("incompatible types for comparison")
            continue
        if k1 == _OTHER:
            if first is None or other is None:
                if (first is None) == (other is None):
                    return True
                continue
            if isinstance(first, (list, dict)) or isinstance(other, (list, dict)):
                raise GoError(f"non-comparable type {kind_name(first)}")
            if first == other:
                return True
        elif first == other:
            return True
    return False


def ne(first: Any, second: Any) -> bool:
    """``ne a b``."""
    return not eq(first, second)


def _ordered(first: Any, second: Any) -> tuple[Any, Any]:
    first, second = _plain(first), _plain(second)
    k1, k2 = _kind(first), _kind(second)
    if k1 in (_BOOL, _OTHER) or k2 in (_BOOL, _OTHER):
        raise GoError("invalid type for comparison")
    if k1 != k2:
        raise GoError("incompatible types for comparison")
    return first, second


def lt(first: Any, second: Any) -> bool:
    """``lt a b``."""
    a, b = _ordered(first, second)
    return bool(a < b)


def le(first: Any, second: Any) -> bool:
    """``le a b``."""
    a, b = _ordered(first, second)
    return bool(a <= b)


def gt(first: Any, second: Any) -> bool:
    """``gt a b``."""
    return not le(first, second)


def ge(first: Any, second: Any) -> bool:
    """``ge a b``."""
    return not lt(first, second)


def not_(value: Any) -> bool:
    """``not x``."""
    return not truth(value)


def length(value: Any) -> int:
    """``len x``: of a string, slice or map."""
    if isinstance(value, (str, list, tuple, dict)):
        return len(value.encode() if isinstance(value, str) else value)
    if value is MISSING or value is None:
        raise GoError("len of nil pointer")
    raise GoError(f"len of type {kind_name(value)}")


def _int_index(value: Any, size: int, cap: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise GoError(f"cannot index slice/array with type {kind_name(value)}")
    if value < 0 or value >= (size if cap is None else cap):
        raise GoError(f"index out of range: {value}")
    return value


def index(item: Any, *keys: Any) -> Any:
    """``index x k1 k2...``: map keys (missing: the element type's zero) and slice indices."""
    if item is MISSING or item is None:
        raise GoError("index of untyped nil")
    for key in keys:
        key = _plain(key)
        if isinstance(item, dict):
            if not isinstance(key, str):
                raise GoError(f"value has type {kind_name(key)}; should be string")
            missing = "" if isinstance(item, StrMap) else None
            item = item.get(key, missing)
        elif isinstance(item, (list, tuple)):
            item = item[_int_index(key, len(item))]
        elif isinstance(item, str):
            item = item.encode()[_int_index(key, len(item.encode()))]
        elif item is None:
            raise GoError("index of nil pointer")
        else:
            raise GoError(f"can't index item of type {kind_name(item)}")
    return item


def slice_(item: Any, *indices: Any) -> Any:
    """``slice x i j``: a sub-slice or substring."""
    if not isinstance(item, (str, list)):
        raise GoError(f"can't slice item of type {kind_name(item)}")
    if len(indices) > 3 or (isinstance(item, str) and len(indices) > 2):
        raise GoError("too many slice indexes")
    size = len(item)
    bounds = [_int_index(i, size, size + 1) for i in indices]
    start = bounds[0] if bounds else 0
    end = bounds[1] if len(bounds) > 1 else size
    if start > end:
        raise GoError(f"invalid slice index: {start} > {end}")
    return item[start:end]


def sprint(*args: Any) -> str:
    """``print``: ``fmt.Sprint`` (a space between operands when neither is a string)."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(to_text(_nil(arg)))
    return "".join(out)


def sprintln(*args: Any) -> str:
    """``println``: ``fmt.Sprintln``."""
    return " ".join(to_text(_nil(a)) for a in args) + "\n"


def _nil(value: Any) -> Any:
    return None if value is MISSING else value


_VERB = re.compile(r"%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])")


def sprintf(fmt: str, *args: Any) -> str:
    """``printf``: ``fmt.Sprintf`` for the verbs templates use (``%s %d %v %t %q %x %f %g %e``)."""
    values = [_nil(a) for a in args]
    used = 0
    out: list[str] = []
    pos = 0
    for match in _VERB.finditer(fmt):
        out.append(fmt[pos : match.start()])
        pos = match.end()
        flags, width, precision, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        if used >= len(values):
            out.append(f"%!{verb}(MISSING)")
            continue
        value = values[used]
        used += 1
        out.append(_pad(_format(verb, value, precision), flags, width))
    out.append(fmt[pos:])
    if used < len(values):
        extra = ", ".join(f"{kind_name(v)}={to_text(v)}" for v in values[used:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _pad(text: str, flags: str, width: str | None) -> str:
    if not width or width == "*":
        return text
    size = int(width)
    if "-" in flags:
        return text.ljust(size)
    if "0" in flags and text.lstrip("-").replace(".", "").isdigit():
        sign = "-" if text.startswith("-") else ""
        return sign + text.lstrip("-").rjust(size - len(sign), "0")
    return text.rjust(size)


def _format(verb: str, value: Any, precision: str | None) -> str:
    if verb in ("v", "s"):
        if verb == "s" and isinstance(value, (int, float, bool)) and not isinstance(value, str):
            return f"%!s({kind_name(value)}={to_text(value)})"
        text = to_text(value)
        if precision not in (None, "", "*"):
            text = text[: int(precision)]
        return text
    if verb == "q":
        if isinstance(value, str):
            return json.dumps(value, ensure_ascii=False)
        if isinstance(value, int) and not isinstance(value, bool):
            return "'" + chr(value) + "'"
    if verb == "t" and isinstance(value, bool):
        return to_text(value)
    if verb == "d" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if verb in ("x", "X"):
        if isinstance(value, int) and not isinstance(value, bool):
            text = format(value, "x")
        elif isinstance(value, str):
            text = value.encode().hex()
        else:
            return f"%!{verb}({kind_name(value)}={to_text(value)})"
        return text.upper() if verb == "X" else text
    if verb in ("f", "F", "e", "g") and isinstance(value, (int, float)):
        if isinstance(value, int) and not isinstance(value, float):
            return f"%!{verb}(int={value})"
        if verb == "g" and precision in (None, ""):
            return go_float(value, 21)
        digits = 6 if precision in (None, "", "*") else int(precision)
        return format(value, f".{digits}{verb.lower()}")
    if verb == "c" and isinstance(value, int):
        return chr(value)
    return f"%!{verb}({kind_name(value)}={to_text(value)})"


def html(*args: Any) -> str:
    """``html``: the escaped text of the arguments."""
    import html as html_module

    return html_module.escape(sprint(*args), quote=True).replace("&#x27;", "&#39;")


def urlquery(*args: Any) -> str:
    """``urlquery``: the arguments escaped for a URL query."""
    return urllib.parse.quote_plus(sprint(*args))


def js(*args: Any) -> str:
    """``js``: the arguments escaped for JavaScript."""
    text = sprint(*args)
    table = {
        "\\": "\\\\",
        "'": "\\'",
        '"': "\\u0022",
        "<": "\\u003C",
        ">": "\\u003E",
        "&": "\\u0026",
        "=": "\\u003D",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
    }
    return "".join(table.get(c, c) for c in text)


def call_builtin(fn: Any, *args: Any) -> Any:
    """``call f args``: templates here have no function values to call."""
    raise GoError(f"non-function of type {kind_name(fn)}")


BUILTINS: dict[str, GoFunc] = {
    "call": GoFunc(call_builtin, (raw,), raw),
    "eq": GoFunc(eq, (raw,), raw),
    "ge": GoFunc(ge, (raw, raw)),
    "gt": GoFunc(gt, (raw, raw)),
    "html": GoFunc(html, (), any_value),
    "index": GoFunc(index, (raw,), raw),
    "js": GoFunc(js, (), any_value),
    "le": GoFunc(le, (raw, raw)),
    "len": GoFunc(length, (raw,)),
    "lt": GoFunc(lt, (raw, raw)),
    "ne": GoFunc(ne, (raw, raw)),
    "not": GoFunc(not_, (raw,)),
    "print": GoFunc(sprint, (), any_value),
    "printf": GoFunc(sprintf, (string,), any_value),
    "println": GoFunc(sprintln, (), any_value),
    "slice": GoFunc(slice_, (raw,), raw),
    "urlquery": GoFunc(urlquery, (), any_value),
}
"""Go's builtin functions (``and`` and ``or`` are handled by the executor)."""

SPECIAL_FORMS = frozenset({"and", "or"})
"""Builtins that take their arguments unevaluated."""

__all__ = [
    "BUILTINS",
    "SPECIAL_FORMS",
    "GoEnum",
    "GoFunc",
    "GoStruct",
    "any_value",
    "boolean",
    "call",
    "floating",
    "integer",
    "raw",
    "slice_value",
    "str_map",
    "string",
]
