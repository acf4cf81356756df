"""The mechanisms both commands share: atomic output, the command shell, the ratchet."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from kubeflow_devtools.atomic import write_atomic
from kubeflow_devtools.cli import (
    ArgumentParser,
    Terminated,
    describe_os_error,
    entry_point,
    guard,
)
from kubeflow_devtools.errors import InputError, ToolError
from kubeflow_devtools.locks import Busy, hold, holder
from kubeflow_devtools.ratchet import absorbed, diff, load_entries
from kubeflow_devtools.scratch import OWNER, scratch_folder

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


def test_write_atomic_durable_writes_whole(tmp_path: Path) -> None:
    write_atomic(tmp_path / "journal.json", "{}\n", durable=True)
    assert [p.name for p in tmp_path.iterdir()] == ["journal.json"]
    assert (tmp_path / "journal.json").read_text() == "{}\n"


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


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (KeyboardInterrupt, 130, "tool: interrupted (SIGINT)\n"),
        (Terminated, 143, "tool: interrupted (SIGTERM)\n"),
        (BrokenPipeError, 1, ""),
    ],
)
def test_entry_point_exit_codes(
    error: type[BaseException], code: int, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def main() -> int:
        raise error

    with pytest.raises(SystemExit) as info:
        entry_point(main, "tool")
    assert info.value.code == code
    assert capsys.readouterr().err == line


def test_entry_point_turns_sigterm_into_an_exception(capsys: pytest.CaptureFixture[str]) -> None:
    cleaned = []

    def main() -> int:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises before this ends
        finally:
            cleaned.append(True)
        return 0

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as info:
        entry_point(main, "tool")
    assert info.value.code == 143
    assert cleaned == [True]
    assert capsys.readouterr().err == "tool: interrupted (SIGTERM)\n"
    assert signal.getsignal(signal.SIGTERM) == before


_HARD_EXIT = """
import atexit, sys, threading, time
from kubeflow_devtools.cli import entry_point

class Teardown:
    def __del__(self):
        print("torn down", flush=True)

kept = Teardown()  # freed by the interpreter's teardown, which a hard exit skips
atexit.register(lambda: print("atexit ran", file=sys.stderr))

def main():
    if sys.argv[1] == "thread":  # a thread still working: an ordinary exit waits for it
        threading.Thread(target=lambda: (time.sleep(0.3), print("thread done"))).start()
    if sys.argv[1] == "pipe":
        sys.stdout.close()
        return 0
    print("x" * 200_000)  # still in the buffer when the process ends
    return 3

entry_point(main, "tool", hard=True)
"""


@pytest.mark.parametrize(
    ("case", "code", "lines"),
    [
        ("plain", 3, ["x" * 200_000]),
        ("thread", 3, ["x" * 200_000, "thread done", "torn down"]),
    ],
)
def test_a_hard_exit_skips_only_the_teardown(case: str, code: int, lines: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _HARD_EXIT, case], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (code, "atexit ran\n")
    assert result.stdout.splitlines() == lines


def test_a_hard_exit_is_an_ordinary_exit_under_a_profiler(tmp_path: Path) -> None:
    script, figures = tmp_path / "command.py", tmp_path / "figures.prof"
    script.write_text(_HARD_EXIT)
    result = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(figures), str(script), "plain"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0  # cProfile's own: it catches the program's SystemExit
    assert figures.stat().st_size > 0  # and writes its figures after the program returns
    assert result.stdout.splitlines()[-1] == "torn down"


def test_a_hard_exit_after_the_command_closed_its_output() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _HARD_EXIT, "pipe"], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "atexit ran\n")


def test_an_os_error_without_a_file_is_its_reason() -> None:
    assert describe_os_error(OSError(28, "No space left on device")) == "No space left on device"


# --- locks and scratch folders -------------------------------------------------------------------


def test_a_lock_names_its_holder_and_goes_when_released(tmp_path: Path) -> None:
    path = tmp_path / "state" / "lock"
    with hold(path, wait=0, purpose="a test"):
        assert holder(path).startswith(f"pid {os.getpid()} on {socket.gethostname()} since ")
        started = time.monotonic()
        with pytest.raises(Busy) as info, hold(path, wait=0.3, purpose="a test"):
            pass
        assert time.monotonic() - started >= 0.3
        assert str(info.value) == f"{path}: locked by {holder(path)} (a test); waited 0.3 s"
    assert not path.exists()
    with hold(path, wait=0, purpose="a test"):  # free again
        assert path.exists()


def test_a_waiting_lock_gets_it_when_the_holder_releases(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    released = threading.Event()

    def holder_thread() -> None:
        with hold(path, wait=0, purpose="a test"):
            released.wait(5)

    thread = threading.Thread(target=holder_thread)
    thread.start()
    while not path.exists():
        time.sleep(0.01)
    threading.Timer(0.2, released.set).start()
    with hold(path, wait=5, purpose="a test"):
        assert holder(path).startswith(f"pid {os.getpid()} ")
    thread.join()


def test_a_scratch_folder_goes_however_its_block_ends(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), scratch_folder("kd-test-") as folder:
        (folder / "file").write_text("x")
        raise KeyboardInterrupt
    assert not folder.exists()


def test_scratch_folders_of_killed_runs_are_swept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    killed, running, young = tmp_path / "kd-test-a", tmp_path / "kd-test-b", tmp_path / "kd-test-c"
    for folder in (killed, running, young):
        folder.mkdir()
        (folder / OWNER).write_text("pid 1 on elsewhere\n")
    for folder in (killed, running):
        os.utime(folder / OWNER, (time.time() - 3600,) * 2)
    other = tmp_path / "other-x"
    other.mkdir()
    with hold(running / OWNER, wait=0, purpose="a test"):
        os.utime(running / OWNER, (time.time() - 3600,) * 2)
        with scratch_folder("kd-test-") as folder:
            assert folder.parent == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kd-test-b", "kd-test-c", "other-x"]


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
