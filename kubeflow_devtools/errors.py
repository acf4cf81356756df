"""The errors both commands turn into exit code 2: bad usage or bad input, never a traceback.

Every error a user can cause derives from :class:`ToolError`; :func:`kubeflow_devtools.cli.guard`
prints each line of its message as one ``PROG: error: ...`` line (one line per problem) and
exits 2.
"""

from __future__ import annotations


class ToolError(Exception):
    """A usage or input error: exit code 2, one line per problem, no traceback.

    Its message holds one problem per line.
    """


class InputError(ToolError):
    """Input that cannot be read or parsed: reported as ``file:line: message``."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.message = message

    def __reduce__(self) -> tuple[type[InputError], tuple[str, int | None, str]]:
        """Pickle by the constructor's arguments (the build cache stores reports)."""
        return (type(self), (self.file, self.line, self.message))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"
