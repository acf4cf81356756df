"""Publishing generated Hugo pages into a website checkout: ownership, atomicity, aliases."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubeflow_devtools.docgen.hugo import publish
from kubeflow_devtools.docgen.hugo.publish import (
    MANIFEST_NAME,
    Change,
    Page,
    PublishError,
    Section,
    apply,
    check,
    format_changes,
    plan,
    render_page,
)
from kubeflow_devtools.docgen.hugo.publish.manifest import seal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECTION = "content/en/docs/components/katib/reference/python-sdk"
URL = "/docs/components/katib/reference/python-sdk/"
TRAINING = "content/en/docs/components/training/reference/python-sdk"


# --- helpers ------------------------------------------------------------------------------


def page(title: str, *anchors: str, body: str | None = None) -> Page:
    """A page titled ``title`` documenting ``anchors``."""
    text = body if body is not None else f"## {title}\n\nDocuments {', '.join(anchors)}.\n"
    return Page(front={"title": title, "weight": 10}, body=text, anchors=anchors)


def katib_pages(changes: Mapping[str, Page | None] | None = None) -> dict[str, Page]:
    """The Katib pages; ``changes`` adds pages, or removes them (``None``)."""
    pages = {
        "_index.md": page("Katib SDK", "kubeflow.katib"),
        "KatibClient.md": page(
            "KatibClient", "kubeflow.katib.KatibClient", "kubeflow.katib.KatibClient.tune"
        ),
        "search.md": page("search", "kubeflow.katib.search", "kubeflow.katib.search.double"),
        "models/_index.md": page("Models", "kubeflow.katib.models"),
        "models/V1beta1Experiment.md": page(
            "V1beta1Experiment", "kubeflow.katib.models.V1beta1Experiment"
        ),
    }
    for path, value in (changes or {}).items():
        if value is None:
            pages.pop(path)
        else:
            pages[path] = value
    return pages


def katib(
    pages: Mapping[str, Page] | None = None, source: str = "kubeflow-katib 0.19.0"
) -> Section:
    """The Katib section."""
    return Section(
        sdk="katib", path=SECTION, pages=katib_pages() if pages is None else pages, source=source
    )


def training() -> Section:
    """A second section (another SDK)."""
    return Section(
        sdk="training",
        path=TRAINING,
        pages={
            "_index.md": page("Training SDK", "kubeflow.training"),
            "TrainingClient.md": page("TrainingClient", "kubeflow.training.TrainingClient"),
        },
        source="kubeflow-training 1.9.0",
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An empty Hugo website checkout with hand-written pages next to the SDK reference."""
    root = tmp_path / "website"
    (root / "content/en/docs/components/katib/reference").mkdir(parents=True)
    (root / "content/en/docs/components/katib/reference/overview.md").write_text("hand\n")
    parent_sections(root)
    (root / "hugo.toml").write_text('title = "Kubeflow"\n')
    return root


def parent_sections(root: Path) -> None:
    """The folders above the Katib and Training sections, each a Hugo section (``_index.md``)."""
    for section in (SECTION, TRAINING):
        for parent in PurePosixPath(section).parents:
            if PurePosixPath("content/en") in parent.parents:
                (root / parent).mkdir(parents=True, exist_ok=True)
                (root / parent / "_index.md").write_text(f'+++\ntitle = "{parent.name}"\n+++\n')


def publish_all(root: Path, *sections: Section, force: bool = False) -> publish.ApplyResult:
    """Plan and apply."""
    return apply(plan(root, list(sections), force=force))


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root``: the bytes of files, ``None`` for folders."""
    tree: dict[str, bytes | None] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            tree[os.path.relpath(os.path.join(folder, name), root)] = None
        for name in files:
            path = os.path.join(folder, name)
            tree[os.path.relpath(path, root)] = Path(path).read_bytes()
    return tree


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Inode and mtime (ns) of every file under ``root``."""
    result = {}
    for folder, _, files in os.walk(root):
        for name in files:
            info = os.stat(os.path.join(folder, name))
            result[os.path.relpath(os.path.join(folder, name), root)] = (
                info.st_ino,
                info.st_mtime_ns,
            )
    return result


def age(root: Path) -> None:
    """Set every file's mtime to long ago, so any rewrite shows."""
    for folder, _, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), ns=(1_000_000_000, 1_000_000_000))


def front(text: str) -> dict[str, Any]:
    """The TOML front matter of a page's text, parsed by tomllib."""
    assert text.startswith("+++\n")
    end = text.index("\n+++\n", 3)
    return tomllib.loads(text[4 : end + 1])


def front_of(root: Path, path: str) -> dict[str, Any]:
    """The front matter of a published page (relative to the Katib section)."""
    return front((root / SECTION / path).read_text(encoding="utf-8"))


def manifest(root: Path, section: str = SECTION) -> dict[str, Any]:
    """The Katib section's manifest."""
    data: dict[str, Any] = json.loads((root / section / MANIFEST_NAME).read_text())
    return data


# --- creating and re-publishing -----------------------------------------------------------


def test_create_into_empty_website(site: Path) -> None:
    planned = plan(site, [katib()])
    assert {(c.path, c.status) for c in check(planned)} == {
        (f"{SECTION}/{p}", "missing") for p in [*katib_pages(), MANIFEST_NAME]
    }
    result = apply(planned)
    assert len(result.created) == 6
    assert result.updated == result.deleted == ()
    for path, pg in katib_pages().items():
        assert (site / SECTION / path).read_text(encoding="utf-8") == render_page(pg)
    data = manifest(site)
    assert data["version"] == 1
    assert data["sdk"] == "katib"
    assert data["source"] == "kubeflow-katib 0.19.0"
    assert data["aliases"] == {}
    assert sorted(data["files"]) == sorted(katib_pages())
    entry = data["files"]["KatibClient.md"]
    assert entry["anchors"] == ["kubeflow.katib.KatibClient", "kubeflow.katib.KatibClient.tune"]
    assert (
        entry["sha256"]
        == hashlib.sha256((site / SECTION / "KatibClient.md").read_bytes()).hexdigest()
    )
    raw = (site / SECTION / MANIFEST_NAME).read_text()
    assert raw.endswith("}\n") and not raw.endswith("\n\n")
    assert raw == json.dumps(data, sort_keys=True, indent=2) + "\n"
    assert check(plan(site, [katib()])) == ()


def test_second_apply_rewrites_nothing(site: Path) -> None:
    publish_all(site, katib(), training())
    age(site)
    before, tree = stamps(site), snapshot(site)
    planned = plan(site, [katib(), training()])
    assert check(planned) == ()
    assert planned.changes == ()
    result = apply(planned)
    assert (result.created, result.updated, result.deleted) == ((), (), ())
    assert result.unchanged == 7
    assert stamps(site) == before
    assert snapshot(site) == tree
    assert format_changes(check(planned)) == "the website is up to date"


def test_source_change_rewrites_only_the_manifest(site: Path) -> None:
    publish_all(site, katib())
    age(site)
    before = stamps(site)
    planned = plan(site, [katib(source="kubeflow-katib 0.20.0")])
    assert [str(c) for c in check(planned)] == [f"{SECTION}/{MANIFEST_NAME}: changed"]
    apply(planned)
    after = stamps(site)
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {f"{SECTION}/{MANIFEST_NAME}"}
    assert manifest(site)["source"] == "kubeflow-katib 0.20.0"


def test_hand_written_files_are_never_touched(site: Path) -> None:
    section = site / SECTION
    (section / "models").mkdir(parents=True)
    (section / "notes.md").write_text("hand-written, inside the section\n")
    (section / "models/README.md").write_text("hand-written, in a generated folder\n")
    os.utime(section / "notes.md", ns=(10**9, 10**9))
    hand = ["content/en/docs/components/katib/reference/overview.md", "hugo.toml"]
    hand += [f"{SECTION}/notes.md", f"{SECTION}/models/README.md"]
    age(site)
    before = {p: ((site / p).read_bytes(), os.stat(site / p).st_mtime_ns) for p in hand}
    publish_all(site, katib(katib_pages({"extra/Old.md": page("Old", "x.Old")})))
    # Second publish: a page updated, one deleted (its folder keeps the hand-written file).
    pages = katib_pages({"models/V1beta1Experiment.md": None})
    pages["search.md"] = page("search", "kubeflow.katib.search", body="new body\n")
    publish_all(site, katib(pages))
    assert not (section / "models/V1beta1Experiment.md").exists()
    assert not (section / "extra").exists()
    after = {p: ((site / p).read_bytes(), os.stat(site / p).st_mtime_ns) for p in hand}
    assert after == before
    assert "notes.md" not in manifest(site)["files"]


# --- clashes, hand edits, corrupt input ---------------------------------------------------


def test_name_clash_with_a_hand_written_file(site: Path) -> None:
    (site / SECTION).mkdir(parents=True)
    (site / SECTION / "KatibClient.md").write_text("my own page\n")
    tree = snapshot(site)
    with pytest.raises(PublishError) as info:
        plan(site, [katib()])
    message = str(info.value)
    assert "\n" not in message
    assert f"{SECTION}/KatibClient.md" in message
    assert "not generated by docgen" in message
    assert snapshot(site) == tree


def test_name_clash_after_a_publish(site: Path) -> None:
    publish_all(site, katib())
    (site / SECTION / "Tuner.md").write_text("mine\n")
    tree = snapshot(site)
    with pytest.raises(PublishError, match=r"python-sdk/Tuner\.md: .*not generated by docgen"):
        plan(site, [katib(katib_pages({"Tuner.md": page("Tuner", "t")}))], force=True)
    assert snapshot(site) == tree


def test_folder_in_the_way_of_a_page(site: Path) -> None:
    (site / SECTION).mkdir(parents=True)
    (site / SECTION / "models").write_text("a file where a folder goes\n")
    with pytest.raises(PublishError, match=r"python-sdk/models: exists but is not a folder"):
        plan(site, [katib()])


def test_an_update_keeps_the_file_mode(site: Path) -> None:
    publish_all(site, katib())
    target = site / SECTION / "search.md"
    target.chmod(0o640)
    pages = katib_pages({"search.md": page("search", "kubeflow.katib.search", body="v2\n")})
    publish_all(site, katib(pages))
    assert target.read_text().endswith("+++\nv2\n")
    assert target.stat().st_mode & 0o777 == 0o640


def test_hand_edited_generated_file(site: Path) -> None:
    publish_all(site, katib())
    target = site / SECTION / "KatibClient.md"
    target.write_text(target.read_text() + "a local edit\n")
    tree = snapshot(site)
    with pytest.raises(PublishError) as info:
        plan(site, [katib()])
    assert f"{SECTION}/KatibClient.md" in str(info.value)
    assert "edited by hand" in str(info.value)
    assert snapshot(site) == tree
    planned = plan(site, [katib()], force=True)
    assert [str(c) for c in check(planned)] == [f"{SECTION}/KatibClient.md: changed"]
    apply(planned)
    assert target.read_text() == render_page(katib_pages()["KatibClient.md"])
    assert check(plan(site, [katib()])) == ()


def test_hand_edited_stale_file_is_never_deleted(site: Path) -> None:
    # Issue 20: --force used to delete it; it now keeps it as a hand-written file.
    publish_all(site, katib())
    target = site / SECTION / "search.md"
    target.write_text("edited\n")
    with pytest.raises(PublishError, match=r"search\.md: stale, but edited by hand"):
        plan(site, [katib(katib_pages({"search.md": None}))])
    forced = plan(site, [katib(katib_pages({"search.md": None}))], force=True)
    assert forced.warnings == (  # the page keeps its URL: it gets no alias
        f"{SECTION}: alias {URL}search/ dropped: {SECTION}/search.md serves that URL",
        f"{SECTION}/search.md: stale, but edited by hand since docgen generated it: "
        "kept as a hand-written file",
    )
    publish_all(site, katib(katib_pages({"search.md": None})), force=True)
    assert target.read_text() == "edited\n"
    assert "search.md" not in manifest(site)["files"]
    assert check(plan(site, [katib(katib_pages({"search.md": None}))])) == ()


def test_generated_file_deleted_by_hand_is_recreated(site: Path) -> None:
    publish_all(site, katib())
    (site / SECTION / "search.md").unlink()
    assert [str(c) for c in check(plan(site, [katib()]))] == [f"{SECTION}/search.md: missing"]
    publish_all(site, katib())
    assert check(plan(site, [katib()])) == ()


@pytest.mark.parametrize(
    ("text", "line"),
    [('{\n  "version": 1,\n  "sdk": "katib"\n  "files": {}\n}\n', 4), ("", 1), ("{\n\n[", 3)],
)
def test_corrupt_manifest_json(site: Path, text: str, line: int) -> None:
    (site / SECTION).mkdir(parents=True)
    (site / SECTION / MANIFEST_NAME).write_text(text)
    with pytest.raises(PublishError) as info:
        plan(site, [katib()])
    message = str(info.value)
    assert message.startswith(f"{SECTION}/{MANIFEST_NAME}: line {line}: ")
    assert "corrupt docgen manifest" in message


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"version": 2, "sdk": "katib", "source": "", "files": {}, "aliases": {}},
        {"version": 1, "sdk": "katib", "source": "", "files": [], "aliases": {}},
        {"version": 1, "sdk": "katib", "source": "", "files": {"a.md": {}}, "aliases": {}},
        {
            "version": 1,
            "sdk": "katib",
            "source": "",
            "files": {"../../../hugo.toml": {"sha256": "0" * 64, "anchors": []}},
            "aliases": {},
        },
    ],
)
def test_manifest_of_the_wrong_shape(site: Path, data: object) -> None:
    (site / SECTION).mkdir(parents=True)
    (site / SECTION / MANIFEST_NAME).write_text(json.dumps(data))
    with pytest.raises(PublishError, match=rf"^{SECTION}/{MANIFEST_NAME}: corrupt docgen manifest"):
        plan(site, [katib()])


def test_manifest_of_another_sdk(site: Path) -> None:
    publish_all(site, katib())
    other = Section(sdk="training", path=SECTION, pages={"_index.md": page("T")})
    with pytest.raises(PublishError, match="belongs to SDK 'katib', not 'training'"):
        plan(site, [other])


@pytest.mark.parametrize(
    "path",
    [
        "../outside",
        "content/en/../../../outside",
        "/tmp/elsewhere",
        "",
        "content/en/./docs",
        "content\\en\\docs",
        "static/docs",
    ],
)
def test_section_outside_the_content_folder(site: Path, path: str) -> None:
    tree = snapshot(site)
    with pytest.raises(PublishError, match="section path"):
        plan(site, [Section(sdk="katib", path=path, pages={"_index.md": page("K")})])
    assert snapshot(site) == tree


def test_section_escaping_through_a_symlink(site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (site / "content/en/docs/link").symlink_to(outside)
    section = Section(sdk="katib", path="content/en/docs/link/sdk", pages={"_index.md": page("K")})
    with pytest.raises(PublishError, match="outside the website root"):
        plan(site, [section], create_parents=True)  # link/ is no section: only the link matters
    assert list(outside.iterdir()) == []


def test_invalid_website_root(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="does not exist"):
        plan(tmp_path / "missing", [katib()])
    (tmp_path / "file").write_text("x")
    with pytest.raises(PublishError, match="not a folder"):
        plan(tmp_path / "file", [katib()])
    with pytest.raises(PublishError, match="not a Hugo website"):
        plan(tmp_path, [katib()])


@pytest.mark.parametrize("name", ["../x.md", "/x.md", ".hidden.md", "a//b.md", "x.txt", "a/./b.md"])
def test_invalid_page_path(site: Path, name: str) -> None:
    with pytest.raises(PublishError, match="page path"):
        plan(site, [katib({name: page("x")})])


def test_pages_with_one_url(site: Path) -> None:
    pages = {"Client.md": page("a"), "client.md": page("b")}
    with pytest.raises(PublishError, match="have one URL"):
        plan(site, [katib(pages)])


def test_overlapping_sections(site: Path) -> None:
    inner = Section(sdk="x", path=f"{SECTION}/models", pages={"_index.md": page("M")})
    with pytest.raises(PublishError, match="overlaps"):
        plan(site, [katib(), inner])


def test_website_changed_between_plan_and_apply(site: Path) -> None:
    planned = plan(site, [katib()])
    (site / SECTION).mkdir(parents=True)
    (site / SECTION / "search.md").write_text("written meanwhile\n")
    tree = snapshot(site)
    with pytest.raises(PublishError, match=r"search\.md: changed since the publish was planned"):
        apply(planned)
    assert snapshot(site) == tree


def test_a_misplaced_file_is_reported_once(site: Path) -> None:
    (site / SECTION).mkdir(parents=True)
    (site / SECTION / "models").write_text("a file where the models folder goes\n")
    models = {f"models/V1Model{i:02}.md": page(f"V1Model{i:02}", f"m.V{i}") for i in range(44)}
    with pytest.raises(PublishError) as info:
        plan(site, [katib(katib_pages(models))])
    assert info.value.problems == (f"{SECTION}/models: exists but is not a folder",)


def test_a_symlinked_section_folder_is_refused(site: Path) -> None:
    elsewhere = site / "content/en/docs/components/katib/elsewhere"
    elsewhere.mkdir()
    (site / SECTION).symlink_to(elsewhere)
    tree = snapshot(site)
    with pytest.raises(PublishError) as info:
        plan(site, [katib()])
    assert info.value.problems == (
        f"{SECTION}: is a symbolic link; docgen publishes into real folders only",
    )
    assert list(elsewhere.iterdir()) == []
    assert snapshot(site) == tree


def test_a_symlinked_page_folder_is_refused(site: Path) -> None:
    (site / SECTION / "mine").mkdir(parents=True)
    (site / SECTION / "models").symlink_to(site / SECTION / "mine")
    with pytest.raises(PublishError) as info:
        plan(site, [katib()])
    assert info.value.problems == (
        f"{SECTION}/models: is a symbolic link; pages go in real folders",
    )
    assert list((site / SECTION / "mine").iterdir()) == []


# --- files a manifest lists that docgen did not write ------------------------------------


def _list_in_manifest(root: Path, path: str, entry: dict[str, Any]) -> None:
    """Add ``path`` to the Katib manifest by hand (a bad merge, a hand edit)."""
    data = manifest(root)
    data["files"][path] = {"anchors": [], **entry}
    (root / SECTION / MANIFEST_NAME).write_text(json.dumps(data, indent=2, sort_keys=True))


def _hand_written(root: Path, path: str) -> tuple[bytes, int]:
    target = root / SECTION / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text('+++\ntitle = "Mine"\n+++\nWritten by hand.\n')
    os.utime(target, ns=(10**9, 10**9))
    return target.read_bytes(), target.stat().st_mtime_ns


ENTRIES: dict[str, Callable[[bytes], dict[str, Any]]] = {
    "its-real-hash": lambda data: {"sha256": hashlib.sha256(data).hexdigest()},
    "a-wrong-hash": lambda data: {"sha256": "0" * 64},
    "another-sdks-seal": lambda data: {
        "sha256": hashlib.sha256(data).hexdigest(),
        "seal": seal("training", "notes.md", hashlib.sha256(data).hexdigest()),
    },
}


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_a_hand_written_file_a_manifest_lists_is_never_deleted(
    site: Path, entry: str, force: bool
) -> None:
    publish_all(site, katib())
    kept = _hand_written(site, "notes.md")
    _list_in_manifest(site, "notes.md", ENTRIES[entry](kept[0]))
    planned = plan(site, [katib()], force=force)
    assert planned.warnings == (
        f"{SECTION}/notes.md: listed in {MANIFEST_NAME} without docgen's seal (by hand, or by "
        "a merge?): not docgen's, left alone",
    )
    assert [str(c) for c in check(planned)] == [f"{SECTION}/{MANIFEST_NAME}: changed"]
    result = apply(planned)
    assert result.deleted == ()
    target = site / SECTION / "notes.md"
    assert (target.read_bytes(), target.stat().st_mtime_ns) == kept
    assert "notes.md" not in manifest(site)["files"]
    assert check(plan(site, [katib()])) == ()


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_a_hand_written_file_a_manifest_lists_is_never_overwritten(site: Path, force: bool) -> None:
    publish_all(site, katib())
    kept = _hand_written(site, "Tuner.md")
    _list_in_manifest(site, "Tuner.md", ENTRIES["its-real-hash"](kept[0]))
    tree = snapshot(site)
    with pytest.raises(PublishError, match=r"python-sdk/Tuner\.md: exists but was not generated"):
        plan(site, [katib(katib_pages({"Tuner.md": page("Tuner", "t")}))], force=force)
    assert snapshot(site) == tree


# --- stale pages and check ----------------------------------------------------------------


def test_stale_pages_and_their_empty_folders_are_removed(site: Path) -> None:
    extra = {
        "deep/er/Old.md": page("Old", "x.Old"),
        "models/V1Old.md": page("V1Old", "x.V1Old"),
    }
    extra["kept/Old.md"] = page("Old too", "x.Old2")
    publish_all(site, katib(katib_pages(extra)))
    assert (site / SECTION / "deep/er/Old.md").is_file()
    (site / SECTION / "kept/mine.md").write_text("hand-written\n")
    publish_all(site, katib())
    assert not (site / SECTION / "deep").exists()
    assert [p.name for p in (site / SECTION / "kept").iterdir()] == ["mine.md"]
    assert not (site / SECTION / "models/V1Old.md").exists()
    assert (site / SECTION / "models/_index.md").is_file()
    assert sorted(manifest(site)["files"]) == sorted(katib_pages())
    assert check(plan(site, [katib()])) == ()


def test_check_lists_missing_changed_and_stale(site: Path) -> None:
    publish_all(site, katib())
    pages = katib_pages({"search.md": None, "Tuner.md": page("Tuner", "kubeflow.katib.Tuner")})
    pages["KatibClient.md"] = page("KatibClient", "kubeflow.katib.KatibClient", body="new\n")
    changes = check(plan(site, [katib(pages)]))
    assert [str(c) for c in changes] == [
        f"{SECTION}/{MANIFEST_NAME}: changed",
        f"{SECTION}/KatibClient.md: changed",
        f"{SECTION}/Tuner.md: missing",
        f"{SECTION}/_index.md: changed",  # gains the alias of search.md
        f"{SECTION}/search.md: stale",
    ]
    summary = format_changes(changes)
    assert summary.splitlines()[-1] == (
        "5 files differ from what docgen would publish (1 missing, 3 changed, 1 stale)"
    )


def test_format_changes_is_short() -> None:
    changes = [Change(f"content/en/p{i:02}.md", "missing", "katib") for i in range(45)]
    lines = format_changes(changes).splitlines()
    assert len(lines) == 22
    assert lines[0] == "content/en/p00.md: missing"
    assert lines[20] == "... and 25 more"
    assert lines[21].startswith("45 files differ")


# --- atomicity ----------------------------------------------------------------------------


def _prepare(root: Path) -> list[Section]:
    """A website published once, and the sections of a second publish that changes it all."""
    parent_sections(root)
    (root / SECTION).mkdir(parents=True)
    (root / SECTION / "notes.md").write_text("hand-written\n")
    publish_all(root, katib(katib_pages({"old/Gone.md": page("Gone", "x.Gone")})), training())
    pages = katib_pages({"new/deep/Page.md": page("Page", "x.Page"), "search.md": None})
    pages["KatibClient.md"] = page("KatibClient", "kubeflow.katib.KatibClient", body="v2\n")
    second = Section(
        sdk="training", path=TRAINING, pages={"_index.md": page("Training v2", "kubeflow.training")}
    )
    return [katib(pages, source="kubeflow-katib 0.20.0"), second]


def _failing_after(
    real: Callable[..., Any], successes: int, calls: list[int]
) -> Callable[..., Any]:
    """``real``, except that call number ``successes + 1`` raises OSError (once)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == successes + 1:
            raise OSError(28, "No space left on device (simulated)")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("primitive", ["replace", "open", "mkdir"])
def test_a_failed_apply_leaves_the_website_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, primitive: str
) -> None:
    failures = 0
    for successes in range(100):
        root = tmp_path / f"{primitive}-{successes}"
        sections = _prepare(root)
        age(root)
        tree, before = snapshot(root), stamps(root)
        planned = plan(root, sections)
        calls = [0]
        with monkeypatch.context() as patch:
            patch.setattr(os, primitive, _failing_after(getattr(os, primitive), successes, calls))
            try:
                apply(planned)
            except PublishError as error:
                assert "left as it was" in str(error)
                failures += 1
            else:
                break
        assert snapshot(root) == tree, f"{primitive} failing after {successes} calls"
        assert stamps(root) == before
    else:  # pragma: no cover
        pytest.fail("apply never succeeded")
    assert failures >= {"replace": 10, "open": 5, "mkdir": 2}[primitive]
    assert check(plan(root, sections)) == ()
    assert not [p for p in snapshot(root) if p.endswith((".docgen-tmp", ".docgen-bak"))]


@pytest.mark.parametrize(
    "change",
    [
        {"target": "../../hugo.toml", "staged": None, "backup": None},
        {"target": "content/en/a.md", "staged": None, "backup": "hugo.toml"},
        {"target": "content/en/a.md", "staged": "content/en/.a.md.0123abcd.docgen-old",
         "backup": None},
    ],
    ids=["outside", "not-a-sibling", "wrong-suffix"],
)  # fmt: skip
def test_a_journal_naming_other_files_is_refused(site: Path, change: dict[str, Any]) -> None:
    journal = site / ".docgen-publish" / "journal.json"
    journal.parent.mkdir()
    entry = {"new": None, **change}
    journal.write_text(json.dumps({"version": 1, "state": "prepared", "folders": [],
                                   "files": [entry], "prune": []}))  # fmt: skip
    tree = snapshot(site)
    with pytest.raises(PublishError, match=r"^\.docgen-publish/journal\.json: corrupt journal"):
        publish.recover(site)
    assert snapshot(site) == tree


def test_a_pending_journal_blocks_apply(site: Path) -> None:
    planned = plan(site, [katib()])
    (site / ".docgen-publish").mkdir()
    (site / ".docgen-publish" / "journal.json").write_text("{}")
    with pytest.raises(PublishError, match="an interrupted publish must be recovered first"):
        apply(planned)
    assert not (site / SECTION).exists()


def test_several_sections_leave_no_temporary_files(tmp_path: Path) -> None:
    root = tmp_path / "website"
    sections = _prepare(root)
    result = publish_all(root, *sections)
    assert result.deleted == (
        f"{SECTION}/old/Gone.md",
        f"{SECTION}/search.md",
        f"{TRAINING}/TrainingClient.md",
    )
    assert not (root / SECTION / "old").exists()
    assert (root / SECTION / "notes.md").read_text() == "hand-written\n"
    assert not [p for p in snapshot(root) if ".docgen-" in p and not p.endswith(MANIFEST_NAME)]
    assert check(plan(root, sections)) == ()


def test_determinism(tmp_path: Path) -> None:
    trees = []
    for name in ("a", "b"):
        root = tmp_path / name
        parent_sections(root)
        publish_all(root, katib(katib_pages({"Old.md": page("Old", "kubeflow.katib.KatibClient")})))
        planned = plan(root, [katib(dict(reversed(list(katib_pages().items()))))])
        apply(planned)
        trees.append(snapshot(root))
    assert trees[0] == trees[1]
    assert plan(tmp_path / "a", [katib()]) == plan(tmp_path / "a", [katib()])


# --- aliases ------------------------------------------------------------------------------


def test_aliases_follow_renamed_and_removed_pages(site: Path) -> None:
    publish_all(
        site, katib(katib_pages({"models/V1Old.md": page("V1Old", "kubeflow.katib.models.V1Old")}))
    )
    # KatibClient.md becomes Client.md (same names); search.md and models/V1Old.md are gone.
    renamed = page(
        "Client", "kubeflow.katib.KatibClient", "kubeflow.katib.KatibClient.tune", "other"
    )
    second = katib_pages({"KatibClient.md": None, "search.md": None, "Client.md": renamed})
    publish_all(site, katib(second))
    assert front_of(site, "Client.md")["aliases"] == [f"{URL}katibclient/"]
    assert front_of(site, "_index.md")["aliases"] == [f"{URL}search/"]
    assert front_of(site, "models/_index.md")["aliases"] == [f"{URL}models/v1old/"]
    assert "aliases" not in front_of(site, "models/V1beta1Experiment.md")
    assert manifest(site)["aliases"] == {
        f"{URL}katibclient/": "Client.md",
        f"{URL}models/v1old/": "models/_index.md",
        f"{URL}search/": "_index.md",
    }
    text = (site / SECTION / "Client.md").read_text()
    assert text.splitlines()[:4] == [
        "+++",
        'title = "Client"',
        "weight = 10",
        f'aliases = ["{URL}katibclient/"]',
    ]

    # A third publish of the same pages keeps the aliases, and rewrites nothing.
    age(site)
    before = stamps(site)
    assert check(plan(site, [katib(second)])) == ()
    publish_all(site, katib(second))
    assert stamps(site) == before
    assert front_of(site, "Client.md")["aliases"] == [f"{URL}katibclient/"]

    # Client.md goes too: its names move to Tuner.md, which inherits both URLs.
    tuner = page("Tuner", "kubeflow.katib.KatibClient.tune")
    third = katib_pages({"KatibClient.md": None, "search.md": None, "Tuner.md": tuner})
    publish_all(site, katib(third))
    assert front_of(site, "Tuner.md")["aliases"] == [f"{URL}client/", f"{URL}katibclient/"]

    # KatibClient.md is back: its URL is live again, so it is no longer an alias.
    fourth = katib_pages({"search.md": None, "Tuner.md": tuner})
    publish_all(site, katib(fourth))
    assert front_of(site, "Tuner.md")["aliases"] == [f"{URL}client/"]
    assert "aliases" not in front_of(site, "KatibClient.md")
    assert f"{URL}katibclient/" not in manifest(site)["aliases"]


def test_alias_ties_go_to_the_first_page_in_path_order(site: Path) -> None:
    publish_all(site, katib(katib_pages({"Old.md": page("Old", "a", "b")})))
    pages = katib_pages({"Zeta.md": page("Zeta", "a"), "Beta.md": page("Beta", "b")})
    publish_all(site, katib(pages))
    assert front_of(site, "Beta.md")["aliases"] == [f"{URL}old/"]
    assert "aliases" not in front_of(site, "Zeta.md")


CLEAN = "must be a clean URL path (no empty, '.' or '..' segment, space, query, ...)"


@pytest.mark.parametrize(
    ("alias", "problem"),
    [
        ("/", "is the site root"),
        ("docs/x/", "must be a URL path that starts and ends with /"),
        ("/docs/x", "must be a URL path that starts and ends with /"),
        ("//evil.example/", CLEAN),
        ("/docs/../x/", CLEAN),
        ("/docs/x?y=1/", CLEAN),
        ("/docs/a b/", CLEAN),
    ],
)
def test_a_manifest_alias_that_is_not_a_page_url_is_refused(
    site: Path, alias: str, problem: str
) -> None:
    publish_all(site, katib())
    data = manifest(site)
    data["aliases"][alias] = "_index.md"
    (site / SECTION / MANIFEST_NAME).write_text(json.dumps(data))
    with pytest.raises(PublishError) as info:
        plan(site, [katib()])
    assert str(info.value) == (
        f"{SECTION}/{MANIFEST_NAME}: corrupt docgen manifest: alias {alias!r} {problem}"
    )


def test_an_alias_a_page_serves_is_dropped(site: Path) -> None:
    publish_all(site, katib(katib_pages({"Old.md": page("Old", "x.Old")})))
    publish_all(site, katib())
    assert manifest(site)["aliases"] == {f"{URL}old/": "_index.md"}
    (site / SECTION / "old.md").write_text('+++\ntitle = "Old, by hand"\n+++\n')
    overview = "/docs/components/katib/reference/overview/"  # a hand-written page's URL
    data = manifest(site)
    data["aliases"][overview] = "_index.md"
    (site / SECTION / MANIFEST_NAME).write_text(json.dumps(data))
    planned = plan(site, [katib()])
    assert planned.warnings == (
        f"{SECTION}: alias {overview} dropped: "
        "content/en/docs/components/katib/reference/overview.md serves that URL",
        f"{SECTION}: alias {URL}old/ dropped: {SECTION}/old.md serves that URL",
    )
    apply(planned)
    assert manifest(site)["aliases"] == {}
    assert "aliases" not in front_of(site, "_index.md")


def test_aliases_merge_with_front_matter_aliases(site: Path) -> None:
    publish_all(site, katib(katib_pages({"Old.md": page("Old", "kubeflow.katib")})))
    index = Page(front={"title": "Katib SDK", "aliases": ["/zzz/", "/aaa/"]}, body="x")
    publish_all(site, katib(katib_pages({"_index.md": index})))
    assert front_of(site, "_index.md")["aliases"] == ["/aaa/", f"{URL}old/", "/zzz/"]


# --- front matter -------------------------------------------------------------------------

NASTY = [
    'a title"\n+++\n<script>alert(1)</script>',
    "back\\slash \\n \\u0000 \\",
    "".join(chr(c) for c in range(32)) + "\x7f",
    "'''\"\"\"",
    "ünïcødé ✓ \u2028 \u0085 \ufeff",
    "+++",
    "",
]


@pytest.mark.parametrize("nasty", NASTY)
def test_front_matter_escaping_round_trips(nasty: str) -> None:
    pg = Page(
        front={
            "title": nasty,
            "description": nasty,
            "weight": -3,
            "tags": [nasty, "b"],
            nasty or "empty": nasty,
            "draft": False,
        },
        body="## Body\n\n+++\n",
    )
    text = render_page(pg, aliases=[nasty])
    parsed = front(text)
    assert parsed["title"] == parsed["description"] == nasty
    assert parsed["weight"] == -3
    assert parsed["tags"] == [nasty, "b"]
    assert parsed[nasty or "empty"] == nasty
    assert parsed["aliases"] == [nasty]
    assert parsed["draft"] is False
    lines = text.split("\n")
    assert lines.count("+++") == 3  # the front matter fences, and the body's own line
    assert lines.index("+++", 1) == 1 + len(parsed)
    assert text.endswith("+++\n") and not text.endswith("\n\n")


@settings(max_examples=300, deadline=None)
@given(st.text(), st.lists(st.text(), max_size=3), st.integers(-(2**63), 2**63 - 1))
def test_front_matter_round_trips_any_text(text: str, items: list[str], weight: int) -> None:
    pg = Page(front={"title": text, "weight": weight, "tags": items, f"k{text}": text}, body=text)
    rendered = render_page(pg)
    parsed = front(rendered)
    assert parsed["title"] == text
    assert parsed["weight"] == weight
    assert parsed["tags"] == items
    assert parsed[f"k{text}"] == text
    assert rendered.split("\n").index("+++", 1) == 1 + len(parsed)


def test_front_matter_key_order_and_line_endings() -> None:
    pg = Page(
        front={
            "zebra": "z",
            "weight": 3,
            "aliases": ["/b/"],
            "alpha": "a",
            "description": "d",
            "linkTitle": "l",
            "title": "t",
        },
        body="line one\r\nline two\rline three\n\n\n",
    )
    assert render_page(pg, ["/a/"]) == (
        "+++\n"
        'title = "t"\n'
        'linkTitle = "l"\n'
        'description = "d"\n'
        "weight = 3\n"
        'aliases = ["/a/", "/b/"]\n'
        'alpha = "a"\n'
        'zebra = "z"\n'
        "+++\n"
        "line one\nline two\nline three\n"
    )


@pytest.mark.parametrize(
    "value", [1.5, None, {"a": 1}, ["a", 1], 2**64, "\ud800"], ids=lambda v: type(v).__name__
)
def test_front_matter_rejects_other_values(value: Any) -> None:
    with pytest.raises(PublishError, match="front matter 'x'"):
        render_page(Page(front={"x": value}, body=""))


def test_bad_front_matter_fails_the_plan(site: Path) -> None:
    pages = katib_pages({"_index.md": Page(front={"title": 1.5}, body="")})  # type: ignore[dict-item]
    with pytest.raises(PublishError, match=rf"^{SECTION}/_index\.md: front matter 'title'"):
        plan(site, [katib(pages)])


def test_a_section_below_a_folder_that_is_no_section(site: Path) -> None:
    orphan = Section(
        sdk="training",
        path="content/en/docs/components/trainer/legacy-v1/reference/python-sdk",
        pages={"_index.md": page("Training", "kubeflow.training")},
    )
    tree = snapshot(site)
    with pytest.raises(PublishError) as info:
        plan(site, [orphan])
    assert info.value.problems == (
        "section content/en/docs/components/trainer/legacy-v1/reference/python-sdk: its parent "
        "content/en/docs/components/trainer/legacy-v1/reference does not exist as a section (no "
        "content/en/docs/components/trainer/legacy-v1/reference/_index.md); create it, choose "
        "another website_section, or publish with --create-parents",
    )
    assert snapshot(site) == tree
    apply(plan(site, [orphan], create_parents=True))
    assert (site / orphan.path / "_index.md").is_file()
    assert not (site / "content/en/docs/components/trainer/legacy-v1/_index.md").exists()
