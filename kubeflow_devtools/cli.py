"""The shell both commands share: one-line usage errors, errors to exit codes, the entry point.

Exit codes everywhere: 0 clean, 1 problems found, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn, TextIO

from kubeflow_devtools.errors import ToolError

USAGE_ERROR = 2
"""The exit code of a usage or input error."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one ``PROG: error: ...`` line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` on one line and exit with code 2.

        Args:
            message: What is wrong with the command line.
        """
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


def describe_os_error(exc: OSError) -> str:
    """``FILE: reason`` for an error of the operating system (the file may be unknown).

    Args:
        exc: The error.

    Returns:
        One line naming the file and the reason.
    """
    return f"{exc.filename or ''}: {exc.strerror or exc}"


def guard(prog: str, body: Callable[[], int], stderr: TextIO | None = None) -> int:
    """Run a command's body; a :class:`ToolError` or ``OSError`` becomes exit code 2.

    Each problem (each line of the error's message) is printed as one ``PROG: error: ...``
    line on ``stderr``, without a traceback. A broken pipe is left to :func:`entry_point`.

    Args:
        prog: The command's name, for the error lines.
        body: The command; returns its exit code.
        stderr: Where the error lines go (default: ``sys.stderr``).

    Returns:
        The body's exit code, or 2 after an error.
    """
    err = stderr or sys.stderr
    try:
        return body()
    except ToolError as exc:
        for problem in str(exc).splitlines() or [type(exc).__name__]:
            print(f"{prog}: error: {problem}", file=err)
    except BrokenPipeError:
        raise
    except OSError as exc:
        print(f"{prog}: error: {describe_os_error(exc)}", file=err)
    return USAGE_ERROR


def entry_point(main: Callable[[], int]) -> NoReturn:
    """Console-script entry point: exit with ``main()``'s code; no traceback on Ctrl-C (130)
    or on a closed output pipe (1).

    Args:
        main: The command; returns its exit code.
    """
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 1
    sys.exit(code)
