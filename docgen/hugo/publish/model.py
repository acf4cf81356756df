"""What publishing takes and the one error it raises: pages, sections, :class:`PublishError`.

A :class:`Section` is the pages of one SDK reference, each a :class:`Page` (front matter,
Markdown body, documented names); every other module of the package works on these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

from kubeflow_devtools.errors import ToolError

FrontValue: TypeAlias = str | int | list[str] | tuple[str, ...] | Mapping[str, str]
"""A front matter value: a string, an integer (or boolean), a list of strings or a table of
strings."""


class PublishError(ToolError):
    """The website cannot be published to: a clash, a corrupt manifest, or a failed write.

    ``str(error)`` is one line per problem; :attr:`problems` holds them separately. Nothing
    was written when it is raised (a failed
    :func:`~kubeflow_devtools.docgen.hugo.publish.apply` rolls back first). A
    :class:`~kubeflow_devtools.errors.ToolError`: exit code 2, one line per problem.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems: tuple[str, ...] = problems


@dataclass(frozen=True)
class Page:
    """One generated Markdown page.

    Attributes:
        front: Front matter (``title``, ``description``, ``weight``, ...); values are strings,
            integers, lists of strings or tables of strings.
        body: The Markdown text after the front matter.
        anchors: The public names (heading ids) the page documents; they decide where the
            URL of a page that disappears is redirected.
    """

    front: Mapping[str, FrontValue]
    body: str
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """The pages of one SDK reference, published under one folder of the website.

    Attributes:
        sdk: The SDK id (``katib``); a section belongs to one SDK.
        path: The folder, relative to the website root, POSIX separators
            (``content/en/docs/components/katib/reference/python-sdk``).
        pages: Every page, by path relative to :attr:`path` (``models/V1beta1Experiment.md``).
        source: What the pages were generated from (``kubeflow-katib 0.19.0``), recorded in
            the manifest.
    """

    sdk: str
    path: str
    pages: Mapping[str, Page]
    source: str = ""
