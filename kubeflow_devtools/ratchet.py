"""The baseline ratchet: problems an earlier run already reported do not fail this one.

Both commands keep a JSON report of an earlier run as a baseline. An item matches a baseline
entry by a key that leaves out what moves with unrelated edits (line numbers), and each entry
absorbs one item: two identical items where the baseline had one leave one new item.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from kubeflow_devtools.errors import InputError

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def load_entries(path: str, *, tool: str, entries: str) -> list[dict[str, Any]]:
    """The ``entries`` list of a version-1 JSON report written by ``tool``.

    Args:
        path: The report file.
        tool: The tool that writes such reports, for the error message.
        entries: The report's list of items (``findings``, ``problems``).

    Returns:
        The entries (JSON objects).

    Raises:
        InputError: The file cannot be read or is not such a report.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, None, f"cannot read baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(path, line, "baseline is not a JSON report") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise InputError(path, None, f"baseline is not a {tool} JSON report (version 1)")
    items = data.get(entries)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InputError(path, None, f"baseline has no {entries} list")
    return items


def absorbed(
    items: Iterable[T],
    known: Counter[K],
    key: Callable[[T], K],
    eligible: Callable[[T], bool] | None = None,
) -> list[bool]:
    """For each item in order, whether an entry of ``known`` absorbs it (one entry, one item).

    Args:
        items: The items of this run.
        known: The keys of the baseline, with their multiplicity.
        key: An item's matching key.
        eligible: Which items a baseline may absorb at all (default: every item); the others
            get ``False`` and use up no entry.

    Returns:
        One flag per item.
    """
    remaining = Counter(known)
    flags = []
    for item in items:
        hit = (eligible is None or eligible(item)) and remaining[key(item)] > 0
        if hit:
            remaining[key(item)] -= 1
        flags.append(hit)
    return flags


def diff(base: Iterable[T], head: Iterable[T], key: Callable[[T], K]) -> tuple[list[T], list[T]]:
    """``(added, fixed)``: head items the base lacks, and base items the head lacks.

    Args:
        base: The items before a change.
        head: The items after it.
        key: An item's matching key.

    Returns:
        The added and the fixed items, each in its run's order.
    """
    base_list, head_list = list(base), list(head)
    added = absorbed(head_list, Counter(key(i) for i in base_list), key)
    fixed = absorbed(base_list, Counter(key(i) for i in head_list), key)
    return (
        [i for i, hit in zip(head_list, added, strict=True) if not hit],
        [i for i, hit in zip(base_list, fixed, strict=True) if not hit],
    )
