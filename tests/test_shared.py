"""The mechanisms both commands share: atomic output, the command shell, the ratchet."""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path

import pytest

from kubeflow_devtools.atomic import write_atomic
from kubeflow_devtools.cli import ArgumentParser, entry_point, guard
from kubeflow_devtools.errors import InputError, ToolError
from kubeflow_devtools.ratchet import absorbed, diff, load_entries

# --- atomic output ------------------------------------------------------------------------------


def test_write_atomic_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_atomic_failure_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_atomic_never_replaces_a_device() -> None:
    write_atomic("/dev/null", "anything")
    assert Path("/dev/null").is_char_device()


# --- the command shell ---------------------------------------------------------------------------


def test_argument_parser_usage_error_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = ArgumentParser(prog="tool")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--n", "x"])
    assert info.value.code == 2
    assert capsys.readouterr().err == "tool: error: argument --n: invalid int value: 'x'\n"


def test_guard_turns_tool_errors_into_one_line_per_problem() -> None:
    err = io.StringIO()

    def body() -> int:
        raise ToolError("first problem\nsecond problem")

    assert guard("tool", body, err) == 2
    assert err.getvalue() == "tool: error: first problem\ntool: error: second problem\n"


def test_guard_names_the_file_of_input_and_os_errors() -> None:
    err = io.StringIO()

    def bad_input() -> int:
        raise InputError("m.yaml", 3, "not YAML")

    def unreadable() -> int:
        raise PermissionError(13, "Permission denied", "/out/report.json")

    assert guard("tool", bad_input, err) == 2
    assert guard("tool", unreadable, err) == 2
    assert err.getvalue().splitlines() == [
        "tool: error: m.yaml:3: not YAML",
        "tool: error: /out/report.json: Permission denied",
    ]


def test_guard_passes_the_exit_code_and_leaves_bugs_alone() -> None:
    assert guard("tool", lambda: 1) == 1

    def bug() -> int:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        guard("tool", bug)


@pytest.mark.parametrize(("error", "code"), [(KeyboardInterrupt, 130), (BrokenPipeError, 1)])
def test_entry_point_exit_codes(error: type[BaseException], code: int) -> None:
    def main() -> int:
        raise error

    with pytest.raises(SystemExit) as info:
        entry_point(main)
    assert info.value.code == code


# --- the ratchet ---------------------------------------------------------------------------------


def test_each_baseline_entry_absorbs_one_item() -> None:
    items = ["a", "a", "b", "c"]
    assert absorbed(items, Counter({"a": 1, "c": 2}), str) == [True, False, False, True]


def test_ineligible_items_use_up_no_entry() -> None:
    items = ["a!", "a", "a"]
    flags = absorbed(items, Counter({"a": 1}), lambda s: s.rstrip("!"), lambda s: "!" not in s)
    assert flags == [False, True, False]


def test_diff_counts_duplicates() -> None:
    added, fixed = diff(["a", "b", "b"], ["b", "c", "b", "b"], str)
    assert added == ["c", "b"]
    assert fixed == ["a"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "m.json:1: baseline is not a JSON report"),
        ('{"version": 2}', "m.json: baseline is not a tool JSON report (version 1)"),
        ('{"version": 1}', "m.json: baseline has no items list"),
        ('{"version": 1, "items": [1]}', "m.json: baseline has no items list"),
    ],
)
def test_load_entries_rejects_what_is_not_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m.json").write_text(content)
    with pytest.raises(InputError) as info:
        load_entries("m.json", tool="tool", entries="items")
    assert str(info.value) == message


def test_load_entries_reads_the_entries(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"version": 1, "items": [{"rule": "x"}]}')
    assert load_entries(str(path), tool="tool", entries="items") == [{"rule": "x"}]
    with pytest.raises(InputError, match="cannot read baseline"):
        load_entries(str(tmp_path / "none.json"), tool="tool", entries="items")
