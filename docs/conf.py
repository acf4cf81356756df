"""Sphinx configuration of this project's own documentation (built by ``tox -e docs``)."""

project = "kubeflow-devtools"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
html_theme = "furo"
nitpicky = True
smartquotes = False
