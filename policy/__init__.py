"""rootless-check: Pod Security Standards for Kubernetes manifests, as a library and a CLI.

``scan(paths, Options()) -> Report`` is the library API; the ``rootless-check`` command is a
thin shell over it.
"""

from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.model.findings import Finding
from kubeflow_devtools.policy.model.report import Options, Report
from kubeflow_devtools.policy.scan import scan, scan_text

__all__ = ["Finding", "InputError", "Options", "Report", "scan", "scan_text"]
