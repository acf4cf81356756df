"""``python -m policy``: the rootless-check command."""

from policy.cli import run

run()
