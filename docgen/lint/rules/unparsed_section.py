"""Google-style parsers (napoleon, griffe) see `Args:`, `Returns:`, `Raises:` only after a blank
line and with their entries indented below the title. Otherwise the section is rendered as prose
and its entries are lost from the reference. Napoleon does not read a title with a space before
its colon (`Args :`) either.

Only the section titles docgen knows are checked (napoleon's, plus `Params:`, `Exceptions:` and
`Except:`); any other `Word:` line is prose. For example, this `Args:` is not parsed:

```python
def get(name):
    '''Get an object.
    Args:
        name: Its name.
    '''
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kubeflow_devtools.docgen.lint.model import Finding, LintObject

ID = "unparsed-section"
TITLE = "A section title that no parser recognises"


def check(obj: LintObject) -> Iterator[Finding]:
    """Section titles a parser would not see."""
    if obj.parsed is None:
        return
    for line, title, why in obj.parsed.unparsed:
        yield Finding(line, f"section '{title}:' is not parsed: {why}")
