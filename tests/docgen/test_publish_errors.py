"""``docgen publish`` on a full disk or without permission: one line naming the file, exit 2.

Each run is the command in a new process. A full disk is a file size limit (``RLIMIT_FSIZE``:
a bigger write fails with ``EFBIG``, as a full disk fails with ``ENOSPC``, at whatever file
the command writes); a folder the user cannot write is a read-only folder (when the tests run
as root, the command runs without root's power to write anywhere). Whatever fails, the
website is left as it was, with nothing of docgen's in it, and no scratch folder is left.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docgen.hugo_helpers import copy_skeleton, snapshot
from tests.docgen.publish_runs import Run, spawned, write_config

SECTION = "content/en/docs/components/katib/reference/python-sdk"  # holds a hand-written page


@pytest.fixture
def base(tmp_path: Path) -> Iterator[Path]:
    """The test's folder, made writable again afterwards (pytest removes old ones)."""
    yield tmp_path
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def _publish(base: Path, site: Path, *flags: str) -> list[str]:
    config = base / "docgen.toml"
    if not config.exists():
        write_config(config, SECTION)
    return ["publish", "--config", str(config), "--website", str(site), "-q", *flags, "hugosdk"]


def _one_error(run: Run, code: int = 2) -> str:
    """The one error line of a failed run (no traceback), without its prefix."""
    assert run.code == code, run
    assert "Traceback" not in run.err, run.err
    assert len(run.err_lines) == 1, run.err
    prefix = "docgen publish: error: "
    assert run.err_lines[0].startswith(prefix), run.err
    return run.err_lines[0].removeprefix(prefix)


def _unchanged(site: Path, before: dict[str, tuple[bytes, int]]) -> None:
    assert snapshot(site) == before
    assert not [p for p in site.rglob("*") if ".docgen" in p.name]


@pytest.mark.parametrize("where", ["out", "TMPDIR"])
def test_a_full_disk_under_the_build(base: Path, where: str) -> None:
    site = copy_skeleton(base / "site")
    before = snapshot(site)
    tmp = base / "tmp"
    tmp.mkdir()
    build = base / "out" if where == "out" else tmp
    flags = ["--out", str(base / "out")] if where == "out" else []
    run = spawned(_publish(base, site, *flags), env={"TMPDIR": str(tmp)}, fsize=4096)
    line = _one_error(run)
    assert line.startswith(str(build)), line
    assert line.endswith("File too large"), line
    _unchanged(site, before)
    assert list(tmp.iterdir()) == []  # the scratch folder went too


def test_a_full_disk_in_the_website(base: Path) -> None:
    built = copy_skeleton(base / "built")
    assert spawned(_publish(base, built, "--out", str(base / "out"))).code == 0
    pages = [p for p in (built / SECTION).iterdir() if p.suffix == ".md"]
    site = copy_skeleton(base / "site")
    before = snapshot(site)
    limit = max(p.stat().st_size for p in pages) - 1  # the biggest page cannot be written
    run = spawned(_publish(base, site, "--out", str(base / "out")), fsize=limit)
    line = _one_error(run)
    assert line.startswith("publishing failed, the website was left as it was: "), line
    named = line.split(": ")[1]
    assert (site / named).parent.is_dir() and named.endswith((".md", ".json")), line
    assert line.endswith(": File too large"), line
    _unchanged(site, before)


def test_an_out_folder_the_user_cannot_write(base: Path) -> None:
    site = copy_skeleton(base / "site")
    before = snapshot(site)
    locked = base / "locked"
    locked.mkdir(mode=0o555)
    run = spawned(_publish(base, site, "--out", str(locked / "out")), permissions=True)
    assert _one_error(run) == f"{locked / 'out'}: Permission denied"
    _unchanged(site, before)


def test_a_website_the_user_cannot_write(base: Path) -> None:
    site = copy_skeleton(base / "site")
    (site / SECTION).chmod(0o555)
    before = snapshot(site)
    run = spawned(_publish(base, site, "--out", str(base / "out")), permissions=True)
    line = _one_error(run)
    assert line == (
        f"publishing failed, the website was left as it was: {SECTION}/Client.md: Permission denied"
    )
    _unchanged(site, before)
