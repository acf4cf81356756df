"""Files, folders, standard input: what is read, in which order, and what is refused."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.sources import decode, expand_paths, read_source


def names(paths: list[str]) -> list[str]:
    """Expanded paths (errors as 'ERR:<file>'), relative to the current folder."""
    out = []
    for item in expand_paths(paths):
        out.append(f"ERR:{item.file}" if isinstance(item, InputError) else item)
    return out


def test_folder_walk_is_sorted_filtered_and_skips_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for rel in [
        "b.yaml",
        "a.yml",
        "c.json",
        "notes.txt",
        "sub/z.yaml",
        "sub/a.yaml",
        ".git/x.yaml",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("a: 1\n")
    monkeypatch.chdir(tmp_path)
    assert names(["."]) == ["./a.yml", "./b.yaml", "./c.json", "./sub/a.yaml", "./sub/z.yaml"]


def test_explicit_file_is_read_whatever_its_suffix(tmp_path: Path) -> None:
    path = tmp_path / "manifest.txt"
    path.write_text("a: 1\n")
    assert names([str(path)]) == [str(path)]


def test_symlink_loop_ends(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.yaml").write_text("a: 1\n")
    os.symlink(tmp_path, tmp_path / "d" / "loop")
    result = names([str(tmp_path)])
    assert result == [str(tmp_path / "d" / "x.yaml")]


def test_broken_symlink_and_fifo_are_errors(tmp_path: Path) -> None:
    os.symlink(tmp_path / "missing.yaml", tmp_path / "broken.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    assert names([str(tmp_path)]) == [
        f"ERR:{tmp_path / 'broken.yaml'}",
        f"ERR:{tmp_path / 'pipe.yaml'}",
    ]
    assert names([str(tmp_path / "pipe.yaml")]) == [f"ERR:{tmp_path / 'pipe.yaml'}"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    [item] = list(expand_paths([str(tmp_path / "nope.yaml")]))
    assert isinstance(item, InputError)
    assert "no such file" in str(item)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(InputError, match="Permission denied"):
        read_source(str(path))


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"kind: Pod\n")))
    source = read_source("-")
    assert (source.name, source.text) == ("<stdin>", "kind: Pod\n")


def test_decode_refuses_binary_and_bad_utf8() -> None:
    with pytest.raises(InputError, match=r"f:2: binary file"):
        decode("f", b"a: 1\nb: \x00\n")
    with pytest.raises(InputError, match=r"f:3: invalid UTF-8"):
        decode("f", b"a: 1\nb: 2\nc: \xff\n")
    assert decode("f", "\ufeffa: 1\n".encode()) == "a: 1\n"
