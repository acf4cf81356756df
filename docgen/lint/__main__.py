"""``python -m docgen.lint``: the same as ``docgen lint``."""

import sys

from docgen.lint.cli import main

sys.exit(main())
