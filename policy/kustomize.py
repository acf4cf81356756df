"""Kustomization folders: rendered with ``kustomize build`` (or ``kubectl kustomize``).

A folder given on the command line that holds a ``kustomization.yaml``, ``kustomization.yml``
or ``Kustomization`` file is rendered, with a timeout, and its output is checked under the
folder's name. A failed render is an :class:`InputError` carrying kustomize's own message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from kubeflow_devtools.policy.errors import InputError

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
DEFAULT_TIMEOUT = 300.0


def is_kustomization(folder: str) -> bool:
    """Whether ``folder`` is a kustomization root."""
    return any(os.path.isfile(os.path.join(folder, name)) for name in KUSTOMIZATION_FILES)


def render_command(folder: str) -> list[str]:
    """The command that renders ``folder``: ``kustomize build`` if present, else kubectl's.

    Raises :class:`InputError` when neither is installed.
    """
    kustomize = shutil.which("kustomize")
    if kustomize:
        return [kustomize, "build", folder]
    kubectl = shutil.which("kubectl")
    if kubectl:
        return [kubectl, "kustomize", folder]
    raise InputError(
        folder, None, "cannot render kustomization: neither kustomize nor kubectl found"
    )


def render(folder: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Render a kustomization folder; its YAML output as bytes.

    Raises :class:`InputError` with kustomize's message when the render fails or times out.
    """
    command = render_command(folder)
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
            cwd=Path.cwd(),
        )
    except subprocess.TimeoutExpired:
        raise InputError(folder, None, f"kustomize render timed out after {timeout:g}s") from None
    except OSError as exc:
        raise InputError(folder, None, f"cannot run {command[0]}: {exc.strerror or exc}") from None
    if result.returncode != 0:
        message = " ".join(result.stderr.decode("utf-8", "replace").split())
        raise InputError(folder, None, f"kustomize render failed: {message or 'no message'}")
    return result.stdout
