"""rootless-check's data model: plain data that the scan produces and the reports read.

Frozen dataclasses (and the few mutable records the scan fills in), with properties that only
derive from their own fields. Nothing here reads files, parses YAML, runs a check or imports
a module of the scan; ``tests/test_imports.py`` keeps it that way.

- :mod:`~kubeflow_devtools.policy.model.objects`: the input's objects (resources, pod specs,
  namespaces);
- :mod:`~kubeflow_devtools.policy.model.mesh`: the mesh's configuration and admitted pods;
- :mod:`~kubeflow_devtools.policy.model.findings`: rules and findings;
- :mod:`~kubeflow_devtools.policy.model.waivers`: waivers and the built-in ones;
- :mod:`~kubeflow_devtools.policy.model.report`: a scan's options and its report.
"""
