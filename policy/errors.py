"""The one error type for bad input: it names the file and, where known, the line."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be read or parsed: reported as ``file:line: message``, exit code 2."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


class UsageError(Exception):
    """A command line or option that makes no sense: exit code 2."""
