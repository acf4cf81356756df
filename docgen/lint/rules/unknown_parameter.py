"""The reference would document an argument users cannot pass (often a renamed or removed
parameter, or a spelling such as `db-manager-address` for `db_manager_address`).

Entries for `*args` and `**kwargs` may be written with or without their stars. A keyword
that a function forwards through `**kwargs` is not a parameter of its own: document it in the
`**kwargs` entry. A class is checked against its constructor.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "unknown-parameter"
TITLE = "A documented parameter that the signature does not have"


def check(obj: LintObject) -> Iterator[Finding]:
    """Args entries that name no parameter."""
    section = obj.section("args")
    if section is None or obj.parameters is None:
        return
    names = set(obj.parameters)
    accepts_kwargs = obj.var_keyword is not None
    for entry in section.entries:
        if entry.name not in names and not (accepts_kwargs and entry.name == obj.var_keyword):
            hint = entry.name.replace("-", "_")
            extra = f" (did you mean '{hint}'?)" if hint != entry.name and hint in names else ""
            yield Finding(
                entry.line,
                f"documents parameter '{entry.name}', which {obj.name}() does not have{extra}",
            )
