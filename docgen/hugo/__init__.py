"""Hugo output for the docgen SDK references: Markdown pages for the Kubeflow website."""
