"""The real Kubeflow website (kubeflow/website with Docsy), copied and built for the tests.

The site is ``../shared/corpus/kubeflow-website/site`` (see its README), or the folder in
``DOCGEN_WEBSITE``: with that variable set (``.ci/run`` sets it) the site is required, never
skipped. A copy gets a git repository (the site has ``enableGitInfo``) and, when it is to be
built, its own ``npm ci`` (PostCSS for Docsy's SCSS).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment, NavigableString

WEBSITE_ENV = "DOCGEN_WEBSITE"
REAL_SITE = Path(
    os.environ.get(WEBSITE_ENV)
    or Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpus"
    / "kubeflow-website"
    / "site"
)
# What must never show on a page as text: Markdown links, math delimiters of the site's
# passthrough extension, shortcode braces, code-span backticks (the list).
LEAKS = ("](http", "\\[", "\\]", "\\(", "$$", "{{", "`")
# Text in these elements is code or not text at all.
NOT_TEXT = frozenset({"code", "pre", "script", "style", "noscript", "template"})


def real_site() -> Path:
    """The real website's folder; skips (fails, with ``DOCGEN_WEBSITE`` set) when absent."""
    if not (REAL_SITE / "config.toml").is_file():
        if os.environ.get(WEBSITE_ENV):
            pytest.fail(f"{WEBSITE_ENV}={REAL_SITE}: not the Kubeflow website (no config.toml)")
        pytest.skip(f"the Kubeflow website is not at {REAL_SITE} (set {WEBSITE_ENV})")
    return REAL_SITE


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed in {cwd}:\n{result.stdout}{result.stderr}")


def copy_real_site(target: Path, *, npm: bool) -> Path:
    """A writable copy of the real website in ``target``, a git repository with one commit;
    with ``npm``, its node packages installed (``npm ci``, from the site's lock file)."""
    source = real_site()
    ignore = shutil.ignore_patterns("node_modules", "public", "resources", ".git")
    shutil.copytree(source, target, ignore=ignore, symlinks=True)
    for folder, _, files in os.walk(target):  # the shared copy has no write bits
        for name in [".", *files]:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
    git = ["git", "-c", "user.name=docgen tests", "-c", "user.email=tests@example.org"]
    _run([*git, "init", "-q"], target)
    _run([*git, "add", "-A"], target)
    _run([*git, "commit", "-q", "-m", "the Kubeflow website"], target)
    if npm:
        npm_binary = shutil.which("npm")
        if npm_binary is None:
            pytest.fail("npm is not installed: the Kubeflow website needs it for Docsy's CSS")
        _run([npm_binary, "ci", "--no-audit", "--no-fund", "--loglevel=error"], target)
    return target


def text_leaks(html: str) -> list[str]:
    """Every text node of a page, outside code, that shows one of :data:`LEAKS`."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for node in soup.find_all(string=True):
        if isinstance(node, Comment) or not isinstance(node, NavigableString):
            continue
        if any(parent.name in NOT_TEXT for parent in node.parents):
            continue
        found += [f"{leak!r} in {node.strip()[:120]!r}" for leak in LEAKS if leak in node]
    return found
