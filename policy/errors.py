"""rootless-check's errors: bad input names the file and, where known, the line (exit code 2).

Both are :class:`kubeflow_devtools.errors.ToolError` s, which the command shell turns into
one ``rootless-check: error: ...`` line and exit code 2.
"""

from __future__ import annotations

from kubeflow_devtools.errors import InputError, ToolError

__all__ = ["InputError", "UsageError"]


class UsageError(ToolError):
    """A command line or option that makes no sense: exit code 2."""
