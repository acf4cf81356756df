"""Kustomization folders: rendered with ``kustomize build`` (or ``kubectl kustomize``).

:func:`render` builds a folder as it is (a failed render is an :class:`InputError` carrying
kustomize's own message). :func:`build` builds it through a temporary wrapper kustomization
that includes it and turns ``buildMetadata: [originAnnotations, transformerAnnotations]`` on,
so every object of the render names the file it came from and the kustomizations whose
patches changed it, without the repository having to ask for it; a failure becomes one line
that says its cause (:func:`failure_cause`): kustomize's warnings dropped, a remote base
without network named as such, paths relative.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kubeflow_devtools.policy.errors import InputError

if TYPE_CHECKING:
    import subprocess

# subprocess, shutil and tempfile are imported where a build runs: every run imports this
# module (sources reads kustomization folders), few runs build anything.

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
DEFAULT_TIMEOUT = 300.0


def is_kustomization(folder: str) -> bool:
    """Whether ``folder`` is a kustomization root."""
    return any(os.path.isfile(os.path.join(folder, name)) for name in KUSTOMIZATION_FILES)


def render_command(folder: str) -> list[str]:
    """The command that renders ``folder``: ``kustomize build`` if present, else kubectl's.

    Raises :class:`InputError` when neither is installed.
    """
    import shutil

    kustomize = shutil.which("kustomize")
    if kustomize:
        return [kustomize, "build", folder]
    kubectl = shutil.which("kubectl")
    if kubectl:
        return [kubectl, "kustomize", folder]
    raise InputError(
        folder, None, "cannot render kustomization: neither kustomize nor kubectl found"
    )


def run_tool(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes] | str:
    """Run a renderer (kustomize, kubectl, helm) with a timeout, its output captured.

    Args:
        command: The command line.
        timeout: Seconds before it is stopped.

    Returns:
        The finished process, or why it could not run or finish (``timed out after 5s``).
    """
    import subprocess

    try:
        return subprocess.run(
            command, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:g}s"
    except OSError as exc:
        return f"cannot run {command[0]}: {exc.strerror or exc}"


def render(folder: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Render a kustomization folder; its YAML output as bytes.

    Raises :class:`InputError` with kustomize's message when the render fails or times out.
    """
    result = run_tool(render_command(folder), timeout)
    if isinstance(result, str):
        raise InputError(folder, None, f"kustomize render {result}")
    if result.returncode != 0:
        message = " ".join(result.stderr.decode("utf-8", "replace").split())
        raise InputError(folder, None, f"kustomize render failed: {message or 'no message'}")
    return result.stdout


WRAPPER = """\
# Written by rootless-check: builds {target} with origin and transformer annotations.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- {target}
buildMetadata: [originAnnotations, transformerAnnotations]
"""

MAX_CAUSE = 299
_NETWORK = re.compile(
    r"no such host|could not resolve host|dial tcp|network is unreachable|"
    r"connection refused|i/o timeout|temporary failure in name resolution|"
    r"failed to run '[^']*git (?:fetch|clone)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Build:
    """A kustomization built through the wrapper: its render, or why it failed.

    ``wrapper`` is the folder that was built: the paths of the origin annotations are
    relative to it. ``log`` is kustomize's whole standard error; ``cause`` one line.
    """

    folder: str
    output: bytes | None
    wrapper: str
    cause: str = ""
    log: str = ""

    @property
    def ok(self) -> bool:
        """Whether the build produced a render."""
        return self.output is not None


def build(folder: str, timeout: float = DEFAULT_TIMEOUT, remotes: tuple[str, ...] = ()) -> Build:
    """Build ``folder`` through a temporary wrapper kustomization with build metadata on.

    ``remotes`` are the remote bases the build needs, to name one when the network fails.
    Raises :class:`InputError` when neither kustomize nor kubectl is installed.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rootless-check-") as wrapper:
        target = os.path.relpath(os.path.abspath(folder), wrapper)
        Path(wrapper, "kustomization.yaml").write_text(WRAPPER.format(target=target))
        result = run_tool(render_command(wrapper), timeout)
    if isinstance(result, str):
        return Build(folder, None, wrapper, result)
    if result.returncode == 0:
        return Build(folder, result.stdout, wrapper)
    log = result.stderr.decode("utf-8", "replace")
    return Build(folder, None, wrapper, failure_cause(log, remotes), log)


def failure_cause(log: str, remotes: tuple[str, ...] = ()) -> str:
    """The cause of a failed build in one line of at most 299 characters.

    Kustomize's warnings are dropped; a network failure while fetching a remote base is
    ``remote base URL: no network``; otherwise the innermost error, with the working
    directory left out of paths.
    """
    lines = [line for line in log.splitlines() if not _is_warning(line)]
    text = " ".join(" ".join(lines).split())
    match = re.search(r'err="(.*)"\s*$|err=<(.*)>\s*$', text)
    if match:
        text = (match.group(1) or match.group(2) or "").strip()
    text = text.removeprefix("Error: ").removeprefix("error: ")
    if _NETWORK.search(text):
        url = (
            next((r for r in remotes if r in text), None)
            or _url_in(text)
            or (remotes[0] if remotes else "?")
        )
        return _shorten(f"remote base {url}: no network")
    text = text.replace(os.getcwd() + os.sep, "")
    missing = re.search(r"lstat (\S+): no such file or directory", text)
    if missing:
        return _shorten(f"{missing.group(1)}: no such file or directory")
    parts = re.split(
        r"accumulating resources from '[^']*': |recursed accumulation of path "
        r"'[^']*': |accumulation err='",
        text,
    )
    cause = parts[-1].strip(" ':") or text
    return _shorten(cause or "no message")


def _is_warning(line: str) -> bool:
    stripped = line.lstrip("# ").lower()
    return stripped.startswith(("warning:", "warn"))


def _url_in(text: str) -> str | None:
    match = re.search(r"https?://[^\s'\"]+", text)
    return match.group(0) if match else None


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_CAUSE else text[: MAX_CAUSE - 3] + "..."
