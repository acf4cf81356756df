"""``python -m kubeflow_devtools.policy``: the rootless-check command."""

from kubeflow_devtools.policy.cli import run

run()
