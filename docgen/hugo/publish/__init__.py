"""Write generated Hugo pages into a checkout of the Kubeflow website, safely.

The website is a Hugo site whose pages carry TOML front matter (``+++``). docgen owns only
the files it generated: every section (one SDK reference, e.g.
``content/en/docs/components/katib/reference/python-sdk``) holds a manifest,
``.docgen-manifest.json``, listing the files docgen wrote there with their sha256, docgen's
seal and the public names they document. A file not in the manifest (or listed without a
valid seal) is hand-written and is never overwritten or deleted; a generated file edited by
hand since it was written is not overwritten unless forced, and never deleted.

Publishing is two steps, both under :func:`website_lock` (one publish at a time per website;
it first recovers a publish that was killed): :func:`plan` reads the website and decides what
to create, update and delete (and fails, writing nothing, on any clash); :func:`apply`
performs the plan as one step, journaled before the first change: either every file is in
place and the manifests are updated, or the website is left byte for byte as it was, whenever
it is interrupted. :func:`check` lists what a publish would change, for CI.

When a page disappears (a renamed or removed public name), its URL becomes a Hugo alias of
the page that now documents most of its names, or of the nearest ``_index.md``, so old links
keep working. The alias table persists in the manifest.

The package is one module per job, data flowing one way (each imports only those above it):
:mod:`.model` (pages, sections, the error), :mod:`.paths` (clean relative paths and URLs),
:mod:`.frontmatter` (a page's file), :mod:`.manifest` (``.docgen-manifest.json``),
:mod:`.urls` (page URLs and aliases), :mod:`.planning` (:func:`plan`, :func:`check`),
:mod:`.journal` (the intent log, :func:`recover`), :mod:`.lock` (:func:`website_lock`) and
:mod:`.applying` (:func:`apply`).

Example:
    ```python
    from pathlib import Path

    from kubeflow_devtools.docgen.hugo.publish import (
        Page, Section, apply, format_changes, plan, website_lock,
    )

    section = Section(
        sdk="katib",
        path="content/en/docs/components/katib/reference/python-sdk",
        pages={"_index.md": Page(front={"title": "Katib SDK"}, body="...")},
        source="kubeflow-katib 0.19.0",
    )
    with website_lock(Path("website")):
        planned = plan("website", [section])
        print(format_changes(planned.changes))
        apply(planned)
    ```
"""

from kubeflow_devtools.docgen.hugo.publish.applying import ApplyResult, apply
from kubeflow_devtools.docgen.hugo.publish.frontmatter import render_page
from kubeflow_devtools.docgen.hugo.publish.journal import recover
from kubeflow_devtools.docgen.hugo.publish.lock import DEFAULT_WAIT, website_lock
from kubeflow_devtools.docgen.hugo.publish.manifest import MANIFEST_NAME, MANIFEST_VERSION
from kubeflow_devtools.docgen.hugo.publish.model import FrontValue, Page, PublishError, Section
from kubeflow_devtools.docgen.hugo.publish.planning import (
    Action,
    Change,
    Plan,
    PlannedFile,
    SectionPlan,
    Status,
    check,
    check_website,
    format_changes,
    plan,
)
from kubeflow_devtools.docgen.hugo.publish.urls import page_url

__all__ = [
    "DEFAULT_WAIT",
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "Action",
    "ApplyResult",
    "Change",
    "FrontValue",
    "Page",
    "Plan",
    "PlannedFile",
    "PublishError",
    "Section",
    "SectionPlan",
    "Status",
    "apply",
    "check",
    "check_website",
    "format_changes",
    "page_url",
    "plan",
    "recover",
    "render_page",
    "website_lock",
]
