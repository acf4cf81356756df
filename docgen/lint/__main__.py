"""``python -m kubeflow_devtools.docgen.lint``: the same as ``docgen lint``."""

import sys

from kubeflow_devtools.docgen.lint.cli import main

sys.exit(main())
