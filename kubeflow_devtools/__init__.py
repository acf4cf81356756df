"""kubeflow-devtools: tooling for the people who maintain Kubeflow.

One import package, so that nothing this distribution installs can collide with another
distribution's top-level names: ``kubeflow_devtools.policy`` (``rootless-check``) and
``kubeflow_devtools.docgen`` (``docgen``), plus the few mechanisms both share (atomic output,
the command-line shell, the baseline ratchet). In the repository the two halves keep their own
top-level folders (``policy/``, ``docgen/``); ``kubeflow_devtools/policy`` and
``kubeflow_devtools/docgen`` are links to them.
"""
