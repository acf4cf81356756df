"""Running ``docgen`` the way a user does, in other processes, for the publish safety tests.

:func:`forked` runs the real entry point (``kubeflow_devtools.docgen.cli.run``: signal handlers,
exit codes) in a process forked from a server that imported docgen once, so that a run costs
tens of milliseconds instead of a Python start-up and the imports of Sphinx: the crash tests
run hundreds. :func:`spawned` starts the installed command afresh (``python -m``), optionally
with a file size limit (a full disk without a small file system to mount) or bound by file
permissions even when the tests run as root (who may otherwise write anywhere).
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import resource
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

_SERVER = multiprocessing.get_context("forkserver")
_SERVER.set_forkserver_preload(
    ["kubeflow_devtools.docgen.cli", "kubeflow_devtools.docgen.hugo.website", __name__]
)

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


@dataclass(frozen=True)
class Run:
    """What one run printed and how it ended.

    Attributes:
        code: Its exit code; minus the signal's number when a signal ended it.
        out: Standard output.
        err: Standard error.
    """

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        """The non-empty lines of stderr."""
        return [line for line in self.err.splitlines() if line.strip()]

    @property
    def out_lines(self) -> list[str]:
        """The non-empty lines of stdout."""
        return [line for line in self.out.splitlines() if line.strip()]


def write_config(path: Path, section: str, **values: object) -> Path:
    """A ``docgen.toml`` for the ``hugosdk`` fixture published into ``section``.

    Args:
        path: The file to write.
        section: The website section (``website_section``).
        **values: More keys of ``[sdk.hugosdk]`` (``api = [...]``).

    Returns:
        ``path``.
    """
    keys = {"package": "hugosdk", "title": "Hugo fixture SDK", "website_section": section}
    lines = ["[sdk.hugosdk]"] + [f"{k} = {json.dumps(v)}" for k, v in {**keys, **values}.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _child(argv: Sequence[str], env: Mapping[str, str], out: str, err: str) -> None:
    """In the forked process: redirect the output, set the environment, run the command."""
    for fd, name in ((1, out), (2, err)):
        target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    os.environ.update(env)
    sys.argv = ["docgen", *argv]
    from kubeflow_devtools.docgen.cli import run

    run()


def forked(argv: Sequence[str], scratch: Path, env: Mapping[str, str] | None = None) -> Run:
    """Run ``docgen ARGV`` through its console entry point in a forked process.

    Args:
        argv: The arguments.
        scratch: A folder for the captured output.
        env: Environment variables to set in the process.

    Returns:
        How the run ended and what it printed.
    """
    process = forked_process(argv, scratch, env)
    process.join(120)
    assert process.exitcode is not None, f"docgen {' '.join(argv)} did not end"
    return Run(process.exitcode, (scratch / "stdout").read_text(), (scratch / "stderr").read_text())


def forked_process(
    argv: Sequence[str], scratch: Path, env: Mapping[str, str] | None = None
) -> multiprocessing.process.BaseProcess:
    """Start ``docgen ARGV`` like :func:`forked`, and return at once.

    Args:
        argv: The arguments.
        scratch: A folder for the output (``stdout``, ``stderr``).
        env: Environment variables to set in the process.

    Returns:
        The running process.
    """
    out, err = str(scratch / "stdout"), str(scratch / "stderr")
    process = _SERVER.Process(target=_child, args=(list(argv), dict(env or {}), out, err))
    process.start()
    return process


def _limits(fsize: int | None, permissions: bool) -> Callable[[], None]:
    def apply() -> None:  # in the child, before it runs Python
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if permissions and os.geteuid() == 0:  # root, without the power to ignore them
            libc = ctypes.CDLL(None, use_errno=True)
            for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
                if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

    return apply


def spawned(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    fsize: int | None = None,
    permissions: bool = False,
) -> Run:
    """Run ``python -m kubeflow_devtools.docgen.cli ARGV`` in a new process.

    Args:
        argv: The arguments.
        env: Environment variables to set (the fixture packages are importable).
        fsize: The largest file the process may write, in bytes (``RLIMIT_FSIZE``: a bigger
            write fails with ``EFBIG``, Python ignores SIGXFSZ), like a full disk.
        permissions: Bound by file permissions even as root (its capabilities to override
            them, ``CAP_DAC_OVERRIDE`` and ``CAP_DAC_READ_SEARCH``, dropped before it starts).

    Returns:
        How the run ended and what it printed.
    """
    path = os.pathsep.join(filter(None, [str(FIXTURES), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "kubeflow_devtools.docgen.cli", *argv],
        env={**os.environ, "PYTHONPATH": path, **(env or {})},
        preexec_fn=_limits(fsize, permissions),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)
