"""Kubernetes label selectors (``matchLabels`` and ``matchExpressions``), evaluated on labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def selector_matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """Whether a ``LabelSelector`` selects ``labels``.

    ``None`` (no selector) selects everything, as in an admission webhook; an empty selector
    ``{}`` selects everything too. A malformed selector selects nothing.
    """
    if selector is None:
        return True
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, Mapping):
        return False
    for key, value in match_labels.items():
        if labels.get(str(key)) != str(value):
            return False
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        return False
    return all(_expression_matches(e, labels) for e in expressions)


def _expression_matches(expression: Any, labels: Mapping[str, str]) -> bool:
    """One ``matchExpressions`` entry: In, NotIn, Exists, DoesNotExist."""
    if not isinstance(expression, Mapping):
        return False
    key = str(expression.get("key", ""))
    operator = expression.get("operator")
    raw_values = expression.get("values") or []
    values = [str(v) for v in raw_values] if isinstance(raw_values, list) else []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def is_empty_selector(selector: Any) -> bool:
    """Whether a selector has neither ``matchLabels`` nor ``matchExpressions``."""
    return (
        isinstance(selector, Mapping)
        and not selector.get("matchLabels")
        and not (selector.get("matchExpressions"))
    )


def string_labels(value: Any) -> dict[str, str]:
    """A ``labels``/``annotations`` mapping with string keys and values (others dropped)."""
    if not isinstance(value, Mapping):
        return {}
    return {
        str(k): v if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in value.items()
        if v is not None
    }
