"""The shell both commands share: one-line usage errors, errors to exit codes, the entry point.

Exit codes everywhere: 0 clean, 1 problems found, 2 usage or input error; 130 interrupted
(Ctrl-C, SIGINT) and 143 terminated (SIGTERM), each with one line and no traceback.
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import NoReturn, TextIO

from kubeflow_devtools.errors import ToolError

USAGE_ERROR = 2
"""The exit code of a usage or input error."""


class Terminated(BaseException):
    """SIGTERM arrived: raised by the handler :func:`entry_point` installs, like Ctrl-C's
    :class:`KeyboardInterrupt`, so that ``finally`` blocks and rollbacks run."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one ``PROG: error: ...`` line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` on one line and exit with code 2.

        Args:
            message: What is wrong with the command line.
        """
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


def describe_os_error(exc: OSError) -> str:
    """``FILE: reason`` for an error of the operating system (only ``reason`` when no file).

    Args:
        exc: The error.

    Returns:
        One line naming the file (when the error has one) and the reason.
    """
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason


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


def hard_exit(code: int) -> NoReturn:
    """End the process with ``code`` without the interpreter's teardown.

    Freeing every object of a process that imported an SDK and ran Sphinx takes more than a
    second (1.4 s after ``docgen build kubeflow``, a tenth of the build); mypy's ``hard_exit``
    skips it the same way. What an ordinary exit does that matters still happens, in its order:
    the ``atexit`` functions run (logging's flush, ``weakref.finalize`` clean-ups), then standard
    output and error are flushed. With another thread still running, it is an ordinary exit
    (which waits for the thread), and so it is under a profiler or debugger (``python -m
    cProfile`` writes its figures after the program returns). A closed output pipe found by
    the flush exits 1.

    Args:
        code: The exit code.
    """
    if threading.active_count() > 1 or sys.getprofile() or sys.gettrace():
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            code = code or 1
        except (OSError, ValueError, AttributeError):  # closed or replaced by something odd
            pass
    os._exit(code)


def entry_point(
    main: Callable[[], int], prog: str | None = None, *, hard: bool = False
) -> NoReturn:
    """Console-script entry point: exit with ``main()``'s code, never with a traceback.

    Ctrl-C (SIGINT) exits 130 and SIGTERM 143, each after one ``PROG: interrupted`` line: both
    are exceptions (:class:`KeyboardInterrupt`, :class:`Terminated`), so the command's
    ``finally`` blocks and rollbacks run first. A closed output pipe exits 1.

    Args:
        main: The command; returns its exit code.
        prog: The command's name in the interruption line (default: the program's file name).
        hard: End the process with :func:`hard_exit` (a console script's own process), not
            with :class:`SystemExit` (which a caller in the same process can catch).
    """
    name = prog or os.path.basename(sys.argv[0])
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        code = main()
    except KeyboardInterrupt:
        print(f"{name}: interrupted (SIGINT)", file=sys.stderr)
        code = 130
    except Terminated:
        print(f"{name}: interrupted (SIGTERM)", file=sys.stderr)
        code = 143
    except BrokenPipeError:
        code = 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    if hard:
        hard_exit(code)
    sys.exit(code)
