"""The source lines of live objects, each object read once per process.

The build asks for the same function's or class's source several times: lint's live defects
(the object, its docstring's line, its return annotation as written), the source links, the
types a signature imports inside its body. :func:`inspect.getsourcelines` finds a class by
parsing its whole module again on every call, which made these reads a tenth of the reading
phase on the unified SDK. Objects are held weakly: the cache never keeps a module alive.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Sequence
from typing import Any

_Found = tuple[Sequence[str], int] | None

_CACHE: weakref.WeakKeyDictionary[Any, _Found] = weakref.WeakKeyDictionary()


def _read(obj: Any) -> _Found:
    try:
        lines, start = inspect.getsourcelines(obj)
    except (OSError, TypeError):
        return None
    return tuple(lines), start


def source_lines(obj: Any) -> tuple[Sequence[str], int] | None:
    """The lines of ``obj``'s source and the line they start at, as
    :func:`inspect.getsourcelines` gives them (a module starts at 0).

    Args:
        obj: A module, class, function or method.

    Returns:
        The lines and the first line's number; ``None`` when ``obj`` has no source (a builtin,
        a class made at run time, a file that is gone).
    """
    try:
        return _CACHE[obj]
    except KeyError:
        pass
    except TypeError:  # not weakly referable (or not hashable): read, not kept
        return _read(obj)
    found = _read(obj)
    _CACHE[obj] = found
    return found


def source(obj: Any) -> str | None:
    """``obj``'s source text, as :func:`inspect.getsource` gives it (``None`` when it has none).

    Args:
        obj: A module, class, function or method.

    Returns:
        The text, or ``None``.
    """
    found = source_lines(obj)
    return "".join(found[0]) if found is not None else None
