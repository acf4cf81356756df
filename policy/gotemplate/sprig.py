"""The sprig functions (Masterminds/sprig@v3.3.0:functions.go) that injection templates use.

Istio parses its templates with ``sprig.TxtFuncMap()`` and then its own functions, so every
sprig name is known to the parser: a template naming one is never rejected as "function not
defined". The hermetic string, list, dict, math, default and encoding functions are
implemented with sprig's semantics (``default`` and ``empty``, ``trimSuffix``'s argument order,
``indent``/``nindent``, ``quote`` skipping nil). The others (dates, random values, crypto,
network, semver) are in :data:`UNSUPPORTED`: calling one is an execution error that says so,
never a silent guess.
"""

from __future__ import annotations

import base64
import hashlib
import os.path
import re
from typing import Any

from kubeflow_devtools.policy.gotemplate.encoding import go_json, go_quote, json_numbers_as_floats
from kubeflow_devtools.policy.gotemplate.functions import (
    GoFunc,
    any_value,
    boolean,
    integer,
    raw,
    string,
)
from kubeflow_devtools.policy.gotemplate.values import (
    MISSING,
    GoError,
    GoStruct,
    StrMap,
    go_float,
    kind_name,
    to_text,
)


def strval(value: Any) -> str:
    """sprig's ``strval``: a string as is, anything else as ``%v`` prints it."""
    return value if isinstance(value, str) else to_text(value)


def strslice(value: Any) -> list[str]:
    """sprig's ``strslice``: a slice's non-nil elements as strings, a scalar as one."""
    if isinstance(value, (list, tuple)):
        return [strval(v) for v in value if v is not None and v is not MISSING]
    if value is None or value is MISSING:
        return []
    return [strval(value)]


def empty(value: Any) -> bool:
    """sprig's ``empty``: nil, false, 0, and empty strings, slices and maps are empty."""
    if value is None or value is MISSING:
        return True
    if isinstance(value, (bool, int, float, str, list, tuple, dict)):
        return not value
    if isinstance(value, GoStruct):
        return value.nil
    return False


def default(fallback: Any, *given: Any) -> Any:
    """``default FALLBACK VALUE``: the value unless it is empty."""
    if not given or empty(given[0]):
        return fallback
    return given[0]


def coalesce(*values: Any) -> Any:
    """The first non-empty argument."""
    return next((v for v in values if not empty(v)), None)


def _to_int(value: Any) -> int:
    """sprig's ``toInt64`` (through ``cast``): numbers, numeric strings, bools."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError:
            try:
                return int(float(value))
            except ValueError:
                return 0
    return 0


def _to_float(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return 0.0
    return 0.0


def _list(value: Any, name: str) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise GoError(f"Cannot {name} on type {kind_name(value)}")


def trunc(count: int, text: str) -> str:
    """The first ``count`` characters (the last ``-count`` when negative)."""
    if count < 0 and len(text) + count > 0:
        return text[len(text) + count :]
    if count >= 0 and len(text) > count:
        return text[:count]
    return text


def indent(spaces: int, text: str) -> str:
    """Every line, the first too, indented by ``spaces``."""
    pad = " " * spaces
    return pad + text.replace("\n", "\n" + pad)


def substr(start: int, end: int, text: str) -> str:
    """sprig's ``substr``."""
    if start < 0:
        return text[:end]
    if end < 0 or end > len(text):
        return text[start:]
    return text[start:end]


def _dict(*pairs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(0, len(pairs), 2):
        key = strval(pairs[i])
        out[key] = pairs[i + 1] if i + 1 < len(pairs) else ""
    return out


def _dict_arg(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise GoError(f"expected map[string]interface {{}}; got {kind_name(value)}")


def _set(target: Any, key: str, value: Any) -> Any:
    _dict_arg(target)[key] = value
    return target


def _unset(target: Any, key: str) -> Any:
    _dict_arg(target).pop(key, None)
    return target


def _pick(target: Any, *keys: str) -> dict[str, Any]:
    source = _dict_arg(target)
    return {k: source[k] for k in keys if k in source}


def _sprig_omit(target: Any, *keys: str) -> dict[str, Any]:
    source = _dict_arg(target)
    return {k: v for k, v in source.items() if k not in keys}


def _merge(dst: Any, *sources: Any) -> Any:
    target = _dict_arg(dst)
    for source in sources:
        for key, value in _dict_arg(source).items():
            if key not in target or empty(target[key]):
                target[key] = value
            elif isinstance(target[key], dict) and isinstance(value, dict):
                _merge(target[key], value)
    return target


def _dig(*args: Any) -> Any:
    if len(args) < 3:
        raise GoError("dig needs at least three arguments")
    keys, fallback, current = args[:-2], args[-2], args[-1]
    for key in keys:
        if isinstance(current, dict) and strval(key) in current:
            current = current[strval(key)]
        else:
            return fallback
    return current


def _first(value: Any) -> Any:
    items = _list(value, "find first")
    return items[0] if items else None


def _last(value: Any) -> Any:
    items = _list(value, "find last")
    return items[-1] if items else None


def _uniq(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(value, "uniq"):
        if item not in out:
            out.append(item)
    return out


def _until(count: int) -> list[int]:
    step = 1 if count >= 0 else -1
    return list(range(0, count, step))


def _until_step(start: int, stop: int, step: int) -> list[int]:
    if step == 0 or (step > 0 and start >= stop) or (step < 0 and start <= stop):
        return []
    return list(range(start, stop, step))


def _regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise GoError(f"error parsing regexp: {exc}") from None


def _split(sep: str, text: str) -> dict[str, str]:
    return {f"_{i}": part for i, part in enumerate(text.split(sep))}


def _splitn(sep: str, count: int, text: str) -> dict[str, str]:
    parts = text.split(sep, count - 1) if count > 0 else []
    return {f"_{i}": part for i, part in enumerate(parts)}


def _wrap(width: int, text: str) -> str:
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "\n".join(lines)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", text)


def _float_text(value: float) -> Any:
    return value


def _to_json(value: Any) -> str:
    try:
        return go_json(value)
    except (ValueError, TypeError):
        return ""


def _b64dec(text: str) -> str:
    try:
        return base64.b64decode(text, validate=True).decode("utf-8", "replace")
    except ValueError as exc:
        return str(exc)


def _kind_of(value: Any) -> str:
    name = kind_name(value)
    return {
        "map[string]interface {}": "map",
        "map[string]string": "map",
        "[]interface {}": "slice",
        "<nil>": "invalid",
        "float64": "float64",
    }.get(name, name)


def _fail(message: str) -> str:
    raise GoError(message)


def _unsupported(name: str) -> GoFunc:
    def refuse(*args: Any) -> Any:
        raise GoError(f"sprig function {name!r} is not supported by rootless-check")

    return GoFunc(refuse, (), any_value)


UNSUPPORTED = (
    "ago",
    "bcrypt",
    "buildCustomCert",
    "date",
    "dateInZone",
    "dateModify",
    "date_in_zone",
    "date_modify",
    "decryptAES",
    "derivePassword",
    "duration",
    "durationRound",
    "encryptAES",
    "genCA",
    "genCAWithKey",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "getHostByName",
    "htmlDate",
    "htmlDateInZone",
    "htpasswd",
    "mustDateModify",
    "mustToDate",
    "must_date_modify",
    "now",
    "randAlpha",
    "randAlphaNum",
    "randAscii",
    "randBytes",
    "randInt",
    "randNumeric",
    "semver",
    "semverCompare",
    "shuffle",
    "toDate",
    "unixEpoch",
    "urlJoin",
    "urlParse",
    "uuidv4",
    "expandenv",
    "env",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "hello",
    "toDecimal",
    "typeIsLike",
    "deepCopy",
    "mustDeepCopy",
    "chunk",
    "mustChunk",
)
"""sprig names the parser knows but rootless-check does not run: time, randomness,
cryptography, the network, the process environment, and a few rarely used helpers."""


def _num2(fn: Any) -> GoFunc:
    return GoFunc(lambda a, b: fn(_to_int(a), _to_int(b)), (any_value, any_value))


def _numf(fn: Any) -> GoFunc:
    return GoFunc(lambda *a: fn(*[_to_float(x) for x in a]), (any_value,), any_value)


def _div(a: int, b: int) -> int:
    if b == 0:
        raise GoError("integer divide by zero")
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


def _mod(a: int, b: int) -> int:
    if b == 0:
        raise GoError("integer divide by zero")
    return a - b * _div(a, b)


def _mustlist(name: str, fn: Any) -> GoFunc:
    return GoFunc(fn, (raw,))


FUNCTIONS: dict[str, GoFunc] = {
    # Defaults and logic.
    "default": GoFunc(default, (any_value,), any_value),
    "empty": GoFunc(empty, (any_value,)),
    "coalesce": GoFunc(coalesce, (), any_value),
    "all": GoFunc(lambda *v: all(not empty(x) for x in v), (), any_value),
    "any": GoFunc(lambda *v: any(not empty(x) for x in v), (), any_value),
    "ternary": GoFunc(lambda t, f, c: t if c else f, (any_value, any_value, boolean)),
    "fail": GoFunc(_fail, (string,)),
    # Strings.
    "trunc": GoFunc(trunc, (integer, string)),
    "trim": GoFunc(lambda s: s.strip(" \t\n\r\v\f"), (string,)),
    "trimAll": GoFunc(lambda c, s: s.strip(c), (string, string)),
    "trimall": GoFunc(lambda c, s: s.strip(c), (string, string)),
    "trimSuffix": GoFunc(lambda a, b: b[: -len(a)] if a and b.endswith(a) else b, (string, string)),
    "trimPrefix": GoFunc(lambda a, b: b[len(a) :] if b.startswith(a) else b, (string, string)),
    "upper": GoFunc(str.upper, (string,)),
    "lower": GoFunc(str.lower, (string,)),
    "title": GoFunc(lambda s: re.sub(r"\b\w", lambda m: m.group().upper(), s), (string,)),
    "untitle": GoFunc(lambda s: re.sub(r"\b\w", lambda m: m.group().lower(), s), (string,)),
    "substr": GoFunc(substr, (integer, integer, string)),
    "repeat": GoFunc(lambda n, s: s * max(n, 0), (integer, string)),
    "nospace": GoFunc(lambda s: "".join(s.split()), (string,)),
    "initials": GoFunc(lambda s: "".join(w[0] for w in s.split()), (string,)),
    "swapcase": GoFunc(str.swapcase, (string,)),
    "snakecase": GoFunc(lambda s: "_".join(w.lower() for w in _words(s)), (string,)),
    "camelcase": GoFunc(
        lambda s: "".join(w.capitalize() for w in re.split(r"[_\W]+", s)), (string,)
    ),
    "kebabcase": GoFunc(lambda s: "-".join(w.lower() for w in _words(s)), (string,)),
    "abbrev": GoFunc(
        lambda n, s: s if len(s) <= n else s[: max(n - 3, 0)] + "...", (integer, string)
    ),
    "abbrevboth": GoFunc(
        lambda left, n, s: s if len(s) <= n else "..." + s[left : n - 3] + "...",
        (integer, integer, string),
    ),
    "wrap": GoFunc(_wrap, (integer, string)),
    "wrapWith": GoFunc(lambda n, sep, s: _wrap(n, s).replace("\n", sep), (integer, string, string)),
    "contains": GoFunc(lambda sub, s: sub in s, (string, string)),
    "hasPrefix": GoFunc(lambda p, s: s.startswith(p), (string, string)),
    "hasSuffix": GoFunc(lambda p, s: s.endswith(p), (string, string)),
    "quote": GoFunc(
        lambda *v: " ".join(go_quote(strval(x)) for x in v if x is not None), (), any_value
    ),
    "squote": GoFunc(
        lambda *v: " ".join(f"'{strval(x)}'" for x in v if x is not None), (), any_value
    ),
    "cat": GoFunc(lambda *v: " ".join(strval(x) for x in v if x is not None), (), any_value),
    "indent": GoFunc(indent, (integer, string)),
    "nindent": GoFunc(lambda n, s: "\n" + indent(n, s), (integer, string)),
    "replace": GoFunc(lambda old, new, s: s.replace(old, new), (string, string, string)),
    "plural": GoFunc(lambda one, many, n: one if n == 1 else many, (string, string, integer)),
    "toString": GoFunc(strval, (any_value,)),
    "toStrings": GoFunc(strslice, (any_value,)),
    "join": GoFunc(lambda sep, v: sep.join(strslice(v)), (string, any_value)),
    "split": GoFunc(_split, (string, string)),
    "splitList": GoFunc(lambda sep, s: s.split(sep) if sep else list(s), (string, string)),
    "splitn": GoFunc(_splitn, (string, integer, string)),
    "sortAlpha": GoFunc(lambda v: sorted(strslice(v)), (any_value,)),
    "regexMatch": GoFunc(lambda p, s: _regex(p).search(s) is not None, (string, string)),
    "mustRegexMatch": GoFunc(lambda p, s: _regex(p).search(s) is not None, (string, string)),
    "regexFind": GoFunc(
        lambda p, s: m.group() if (m := _regex(p).search(s)) else "", (string, string)
    ),
    "mustRegexFind": GoFunc(
        lambda p, s: m.group() if (m := _regex(p).search(s)) else "", (string, string)
    ),
    "regexFindAll": GoFunc(
        lambda p, s, n: [m.group() for m in _regex(p).finditer(s)][: (None if n < 0 else n)],
        (string, string, integer),
    ),
    "mustRegexFindAll": GoFunc(
        lambda p, s, n: [m.group() for m in _regex(p).finditer(s)][: (None if n < 0 else n)],
        (string, string, integer),
    ),
    "regexReplaceAll": GoFunc(
        lambda p, s, r: _regex(p).sub(re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", r), s),
        (string, string, string),
    ),
    "mustRegexReplaceAll": GoFunc(
        lambda p, s, r: _regex(p).sub(re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", r), s),
        (string, string, string),
    ),
    "regexReplaceAllLiteral": GoFunc(
        lambda p, s, r: _regex(p).sub(lambda m: r, s), (string, string, string)
    ),
    "mustRegexReplaceAllLiteral": GoFunc(
        lambda p, s, r: _regex(p).sub(lambda m: r, s), (string, string, string)
    ),
    "regexSplit": GoFunc(
        lambda p, s, n: _regex(p).split(s, max(n - 1, 0) if n > 0 else 0), (string, string, integer)
    ),
    "mustRegexSplit": GoFunc(
        lambda p, s, n: _regex(p).split(s, max(n - 1, 0) if n > 0 else 0), (string, string, integer)
    ),
    "regexQuoteMeta": GoFunc(re.escape, (string,)),
    # Conversions and math.
    "atoi": GoFunc(lambda s: _to_int(s) if re.fullmatch(r"[+-]?\d+", s.strip()) else 0, (string,)),
    "int": GoFunc(_to_int, (any_value,)),
    "int64": GoFunc(_to_int, (any_value,)),
    "float64": GoFunc(_to_float, (any_value,)),
    "add1": GoFunc(lambda a: _to_int(a) + 1, (any_value,)),
    "add": GoFunc(lambda *a: sum(_to_int(x) for x in a), (), any_value),
    "sub": _num2(lambda a, b: a - b),
    "mul": GoFunc(
        lambda first, *rest: _product([_to_int(first), *[_to_int(x) for x in rest]]),
        (any_value,),
        any_value,
    ),
    "div": _num2(_div),
    "mod": _num2(_mod),
    "max": GoFunc(
        lambda first, *rest: max([_to_int(first), *[_to_int(x) for x in rest]]),
        (any_value,),
        any_value,
    ),
    "min": GoFunc(
        lambda first, *rest: min([_to_int(first), *[_to_int(x) for x in rest]]),
        (any_value,),
        any_value,
    ),
    "biggest": GoFunc(
        lambda first, *rest: max([_to_int(first), *[_to_int(x) for x in rest]]),
        (any_value,),
        any_value,
    ),
    "add1f": GoFunc(lambda a: _to_float(a) + 1, (any_value,)),
    "addf": _numf(lambda *a: sum(a)),
    "subf": _numf(lambda first, *rest: first - sum(rest)),
    "mulf": _numf(lambda *a: _product(list(a))),
    "divf": _numf(lambda first, *rest: _divf(first, rest)),
    "maxf": _numf(max),
    "minf": _numf(min),
    "ceil": GoFunc(lambda a: float(-(-_to_float(a) // 1)), (any_value,)),
    "floor": GoFunc(lambda a: float(_to_float(a) // 1), (any_value,)),
    "round": GoFunc(
        lambda a, p, *r: round(_to_float(a), _to_int(p)), (any_value, any_value), any_value
    ),
    "until": GoFunc(_until, (integer,)),
    "untilStep": GoFunc(_until_step, (integer, integer, integer)),
    "seq": GoFunc(
        lambda *a: " ".join(str(i) for i in _seq([_to_int(x) for x in a])), (), any_value
    ),
    # Encodings.
    "b64enc": GoFunc(lambda s: base64.b64encode(s.encode()).decode(), (string,)),
    "b64dec": GoFunc(_b64dec, (string,)),
    "b32enc": GoFunc(lambda s: base64.b32encode(s.encode()).decode(), (string,)),
    "b32dec": GoFunc(lambda s: base64.b32decode(s).decode("utf-8", "replace"), (string,)),
    "sha1sum": GoFunc(lambda s: hashlib.sha1(s.encode()).hexdigest(), (string,)),
    "sha256sum": GoFunc(lambda s: hashlib.sha256(s.encode()).hexdigest(), (string,)),
    "sha512sum": GoFunc(lambda s: hashlib.sha512(s.encode()).hexdigest(), (string,)),
    "adler32sum": GoFunc(lambda s: str(__import__("zlib").adler32(s.encode())), (string,)),
    "toJson": GoFunc(_to_json, (any_value,)),
    "mustToJson": GoFunc(go_json, (any_value,)),
    "toPrettyJson": GoFunc(lambda v: go_json(v, "  "), (any_value,)),
    "mustToPrettyJson": GoFunc(lambda v: go_json(v, "  "), (any_value,)),
    "toRawJson": GoFunc(_to_json, (any_value,)),
    "mustToRawJson": GoFunc(go_json, (any_value,)),
    "fromJson": GoFunc(lambda s: _from_json(s, strict=False), (string,)),
    "mustFromJson": GoFunc(lambda s: _from_json(s, strict=True), (string,)),
    # Paths.
    "base": GoFunc(
        lambda p: os.path.basename(p.rstrip("/")) or ("/" if p.startswith("/") else "."), (string,)
    ),
    "dir": GoFunc(lambda p: os.path.dirname(p) or ".", (string,)),
    "clean": GoFunc(lambda p: os.path.normpath(p) if p else ".", (string,)),
    "ext": GoFunc(lambda p: os.path.splitext(p)[1], (string,)),
    "isAbs": GoFunc(lambda p: p.startswith("/"), (string,)),
    # Types.
    "typeOf": GoFunc(kind_name, (any_value,)),
    "typeIs": GoFunc(lambda t, v: kind_name(v) == t, (string, any_value)),
    "kindOf": GoFunc(_kind_of, (any_value,)),
    "kindIs": GoFunc(lambda k, v: _kind_of(v) == k, (string, any_value)),
    "deepEqual": GoFunc(lambda a, b: a == b, (any_value, any_value)),
    # Lists.
    "list": GoFunc(lambda *v: list(v), (), any_value),
    "tuple": GoFunc(lambda *v: list(v), (), any_value),
    "append": GoFunc(lambda lst, v: [*_list(lst, "push"), v], (any_value, any_value)),
    "mustAppend": GoFunc(lambda lst, v: [*_list(lst, "push"), v], (any_value, any_value)),
    "prepend": GoFunc(lambda lst, v: [v, *_list(lst, "prepend")], (any_value, any_value)),
    "mustPrepend": GoFunc(lambda lst, v: [v, *_list(lst, "prepend")], (any_value, any_value)),
    "first": GoFunc(_first, (any_value,)),
    "mustFirst": GoFunc(_first, (any_value,)),
    "last": GoFunc(_last, (any_value,)),
    "mustLast": GoFunc(_last, (any_value,)),
    "rest": GoFunc(lambda v: _list(v, "find rest")[1:], (any_value,)),
    "mustRest": GoFunc(lambda v: _list(v, "find rest")[1:], (any_value,)),
    "initial": GoFunc(lambda v: _list(v, "find initial")[:-1], (any_value,)),
    "mustInitial": GoFunc(lambda v: _list(v, "find initial")[:-1], (any_value,)),
    "reverse": GoFunc(lambda v: _list(v, "reverse")[::-1], (any_value,)),
    "mustReverse": GoFunc(lambda v: _list(v, "reverse")[::-1], (any_value,)),
    "uniq": GoFunc(_uniq, (any_value,)),
    "mustUniq": GoFunc(_uniq, (any_value,)),
    "compact": GoFunc(lambda v: [x for x in _list(v, "compact") if not empty(x)], (any_value,)),
    "mustCompact": GoFunc(lambda v: [x for x in _list(v, "compact") if not empty(x)], (any_value,)),
    "without": GoFunc(
        lambda v, *drop: [x for x in _list(v, "without") if x not in drop], (any_value,), any_value
    ),
    "mustWithout": GoFunc(
        lambda v, *drop: [x for x in _list(v, "without") if x not in drop], (any_value,), any_value
    ),
    "has": GoFunc(lambda needle, v: needle in _list(v, "has"), (any_value, any_value)),
    "mustHas": GoFunc(lambda needle, v: needle in _list(v, "has"), (any_value, any_value)),
    "slice": GoFunc(
        lambda v, *i: _list(v, "slice")[slice(*[_to_int(x) for x in i])], (any_value,), any_value
    ),
    "mustSlice": GoFunc(
        lambda v, *i: _list(v, "slice")[slice(*[_to_int(x) for x in i])], (any_value,), any_value
    ),
    "concat": GoFunc(
        lambda *lists: [x for lst in lists for x in _list(lst, "concat")], (), any_value
    ),
    # Dicts.
    "dict": GoFunc(_dict, (), any_value),
    "get": GoFunc(lambda d, k: _dict_arg(d).get(k, ""), (any_value, string)),
    "set": GoFunc(_set, (any_value, string, any_value)),
    "unset": GoFunc(_unset, (any_value, string)),
    "hasKey": GoFunc(lambda d, k: k in _dict_arg(d), (any_value, string)),
    "pluck": GoFunc(
        lambda k, *ds: [_dict_arg(d)[k] for d in ds if k in _dict_arg(d)], (string,), any_value
    ),
    "keys": GoFunc(lambda *ds: [k for d in ds for k in _dict_arg(d)], (), any_value),
    "values": GoFunc(lambda d: list(_dict_arg(d).values()), (any_value,)),
    "pick": GoFunc(_pick, (any_value,), string),
    "omit": GoFunc(_sprig_omit, (any_value,), string),
    "merge": GoFunc(_merge, (any_value,), any_value),
    "mustMerge": GoFunc(_merge, (any_value,), any_value),
    "mergeOverwrite": GoFunc(lambda d, *s: _merge_overwrite(d, s), (any_value,), any_value),
    "mustMergeOverwrite": GoFunc(lambda d, *s: _merge_overwrite(d, s), (any_value,), any_value),
    "dig": GoFunc(_dig, (), any_value),
}
"""The implemented sprig functions, by name."""

FUNCTIONS.update({name: _unsupported(name) for name in UNSUPPORTED})


def _product(values: list[Any]) -> Any:
    out: Any = 1
    for value in values:
        out *= value
    return out


def _divf(first: float, rest: tuple[float, ...]) -> float:
    out = first
    for value in rest:
        if value == 0:
            raise GoError("division by zero")
        out /= value
    return out


def _seq(args: list[int]) -> list[int]:
    if len(args) == 1:
        end = args[0]
        return list(range(1, end + 1)) if end >= 1 else list(range(1, end - 1, -1))
    if len(args) == 2:
        start, end = args
        step = 1 if end >= start else -1
        return list(range(start, end + step, step))
    if len(args) == 3:
        start, step, end = args
        if step == 0:
            return []
        return list(range(start, end + (1 if step > 0 else -1), step))
    return []


def _merge_overwrite(dst: Any, sources: tuple[Any, ...]) -> Any:
    target = _dict_arg(dst)
    for source in sources:
        for key, value in _dict_arg(source).items():
            if isinstance(target.get(key), dict) and isinstance(value, dict):
                _merge_overwrite(target[key], (value,))
            else:
                target[key] = value
    return target


def _from_json(text: str, *, strict: bool) -> Any:
    import json

    try:
        return json_numbers_as_floats(json.loads(text))
    except ValueError as exc:
        if strict:
            raise GoError(str(exc)) from None
        return {}


__all__ = ["FUNCTIONS", "UNSUPPORTED", "StrMap", "empty", "go_float", "strval"]
