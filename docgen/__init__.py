"""docgen: API references for the Kubeflow Python SDKs, built with Sphinx and MyST."""
