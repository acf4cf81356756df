"""Publish SDK references into a Hugo website checkout: build, then plan, then check or apply.

This is the library behind ``docgen publish``: it builds the Hugo pages of the chosen SDKs
(:func:`kubeflow_devtools.docgen.site.build_site` with the ``hugo`` format: SDKs that cannot
share an environment each in their own), reads them back as
:class:`~kubeflow_devtools.docgen.hugo.publish.Section` objects and hands them to
:mod:`kubeflow_devtools.docgen.hugo.publish`, which owns the files of the website.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kubeflow_devtools.docgen.config import SdkConfig
from kubeflow_devtools.docgen.hugo.builder import PAGES_FILE, read_pages
from kubeflow_devtools.docgen.hugo.publish import (
    DEFAULT_WAIT,
    ApplyResult,
    Change,
    PublishError,
    Section,
    apply,
    check,
    check_website,
    plan,
    website_lock,
)
from kubeflow_devtools.docgen.hugo.settings import read_settings
from kubeflow_devtools.docgen.site import build_site
from kubeflow_devtools.scratch import scratch_folder


@dataclass(frozen=True)
class Outcome:
    """What :func:`publish` found (``changes``) and, unless checking, did (``applied``).

    ``recovered`` says what was done to an interrupted publish first (``None``: nothing was
    pending); ``warnings`` what the plan left alone and why.
    """

    changes: tuple[Change, ...]
    applied: ApplyResult | None
    recovered: str | None = None
    warnings: tuple[str, ...] = ()


def load_sections(hugo: Path, sdks: Sequence[SdkConfig]) -> list[Section]:
    """Read the pages the ``docgen-hugo`` builder wrote for ``sdks`` under ``hugo``.

    Args:
        hugo: The ``hugo`` output folder of a build.
        sdks: The SDKs to read, each published to its configured website section.

    Returns:
        One section per SDK, in the order given.

    Raises:
        PublishError: A ``pages.json`` file is missing or unreadable.
    """
    sections = []
    for sdk in sdks:
        path = hugo / sdk.id / PAGES_FILE
        try:
            source, pages = read_pages(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PublishError(f"{path}: cannot read the built pages: {exc}") from None
        sections.append(Section(sdk.id, sdk.section, pages, source))
    return sections


def publish(
    sdks: Sequence[SdkConfig],
    website: Path,
    *,
    out: Path | None = None,
    check_only: bool = False,
    force: bool = False,
    create_parents: bool = False,
    status: TextIO | None = None,
    wait: float = DEFAULT_WAIT,
) -> Outcome:
    """Build the Hugo pages of ``sdks`` and publish them into the website checkout ``website``.

    Nothing in the website changes unless the build and the plan succeed; with
    ``check_only`` nothing is written there but the recovery of an interrupted publish (and a
    generated page edited by hand is one more difference, not an error). The website lock is
    held from before the plan to after the apply (or the check). The pages are escaped for the
    website's own Markdown settings (:func:`~kubeflow_devtools.docgen.hugo.settings.read_settings`).

    Args:
        sdks: The SDKs to publish (one website section each; they share the content folder
            of the first).
        website: The root of the website checkout (the folder holding ``content/``).
        out: A build folder to keep (incremental builds); default: a temporary one.
        check_only: Only compare the website with what would be written.
        force: Overwrite generated files that were edited by hand (stale ones are kept).
        create_parents: Publish even where the folder a section is in is not a Hugo section.
        status: Where progress goes (``None``: nowhere).
        wait: How long to wait for another publish holding the website.

    Returns:
        The differences found before writing and, unless checking, what was written.

    Raises:
        PublishError: The website cannot take the pages (see
            :func:`kubeflow_devtools.docgen.hugo.publish.plan`).
        kubeflow_devtools.locks.Busy: Another publish held the website for ``wait`` seconds.
    """
    content_dir = sdks[0].website_content if sdks else "content/en"
    check_website(website, content_dir)  # before the build: a wrong path fails at once
    settings = read_settings(website)
    with scratch_folder("docgen-publish-") as scratch:
        result = build_site(sdks, out or scratch, status=status, formats=("hugo",),
                            markdown=settings).build  # fmt: skip
        sections = load_sections(result.hugo, sdks)
    with website_lock(website, wait=wait) as recovered:
        # --check lists a hand-edited page as changed (out of date) instead of refusing it
        planned = plan(website, sections, content_dir=content_dir, force=force or check_only,
                       create_parents=create_parents)  # fmt: skip
        changes = check(planned)
        applied = None if check_only or not changes else apply(planned)
    return Outcome(changes, applied, recovered, planned.warnings)
