"""Hostile and broken input, end to end: the real command in a child process.

Each case runs ``python -m kubeflow_devtools.policy`` and checks what a CI gate sees: the exit code
(2 for bad input), one ``rootless-check: error: FILE[:LINE]: message`` line per problem on stderr,
no traceback, and that the child stayed within a time and a memory bound (its peak RSS, read with
``wait4`` by a launcher; an address-space limit, ``RLIMIT_AS``, is a hard stop behind it). Random
bytes go through :func:`kubeflow_devtools.policy.cli.main` in-process, for speed.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubeflow_devtools.policy import documents
from kubeflow_devtools.policy.cli import main
from kubeflow_devtools.policy.documents import split_documents, stream_documents
from kubeflow_devtools.policy.errors import InputError
from kubeflow_devtools.policy.sources import decode

MIB = 1024 * 1024
ADDRESS_SPACE = 2048 * MIB
"""Hard limit on the child's address space: a runaway allocation fails instead of swapping."""
PEAK_RSS = 64 * MIB
"""Peak resident memory allowed for a small hostile file (the command itself needs ~25 MiB)."""
TIMEOUT = 20.0
"""Seconds a case may take before the child is killed (each takes well under one)."""

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: fine}
spec:
  containers:
  - {name: c, image: i, securityContext: {privileged: true}}
"""


@dataclass(frozen=True)
class Run:
    """What a finished child did."""

    code: int
    out: str
    err: str
    seconds: float
    peak_rss: int  # bytes

    @property
    def errors(self) -> list[str]:
        """The stderr lines."""
        return self.err.splitlines()


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _drop_dac_override() -> None:
    """As root, lose the capabilities that ignore file permissions (for the exec'd child)."""
    _limit_address_space()
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


# The child is started by this small launcher, which reports the child's peak RSS: measured
# from the test process directly, it would include the pytest process it was forked from.
LAUNCHER = """\
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "kubeflow_devtools.policy", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""


def _unreadable_preexec() -> Callable[[], None]:
    """How to start a child that file permissions apply to (skips when there is no way)."""
    if os.geteuid() != 0:
        return _limit_address_space
    status = Path("/proc/self/status").read_text()
    [effective_hex] = [ln.split()[1] for ln in status.splitlines() if ln.startswith("CapEff:")]
    effective = int(effective_hex, 16)
    if not effective & (1 << 8):  # CAP_SETPCAP, to drop capabilities from the bounding set
        pytest.skip("root without CAP_SETPCAP: no way to make a file unreadable to the child")
    return _drop_dac_override


def rootless_check(
    *args: str | Path,
    stdin: bytes | None = None,
    preexec: Callable[[], None] = _limit_address_space,
) -> Run:
    """Run ``python -m kubeflow_devtools.policy ARGS``; measure its time and peak memory."""
    with tempfile.TemporaryDirectory() as scratch:
        rss = Path(scratch) / "rss"
        start = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(rss), *map(str, args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=preexec,
            start_new_session=True,
        )
        try:
            out, err = child.communicate(stdin or b"", timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            out, err = child.communicate()
        seconds = time.monotonic() - start
        return Run(
            code=child.returncode,
            out=out.decode(errors="replace"),
            err=err.decode(errors="replace"),
            seconds=seconds,
            peak_rss=int(rss.read_text() or 0) * 1024 if rss.exists() else 0,
        )


def assert_refused(run: Run, file: str | Path, message: str, peak: int = PEAK_RSS) -> None:
    """Exit 2, one clear stderr line naming the file, no traceback, in bounded time/memory."""
    assert run.seconds < TIMEOUT, "killed: took too long"
    assert "Traceback" not in run.err + run.out
    assert run.code == 2, run.err
    assert len(run.errors) == 1, run.errors
    assert run.errors[0].startswith(f"rootless-check: error: {file}"), run.errors
    assert message in run.errors[0]
    assert run.peak_rss < peak, f"peak RSS {run.peak_rss / MIB:.0f} MiB"


def billion_laughs(levels: int = 9) -> str:
    """The classic alias bomb: 9 levels of 9 aliases, a billion strings when expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs(tmp_path: Path) -> None:
    path = tmp_path / "lol.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\n" + billion_laughs())
    assert_refused(rootless_check(path), path, "aliases expand to more than")


@pytest.mark.parametrize(
    "style",
    [
        pytest.param("a: " + "[" * 10_000 + "]" * 10_000 + "\n", id="flow-sequences"),
        pytest.param("a: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", id="flow-mappings"),
        pytest.param("a:\n" + "- " * 10_000 + "x\n", id="block-sequences"),
        pytest.param(
            "".join(" " * i + f"k{i}:\n" for i in range(10_000)) + " " * 10_000 + "x\n",
            id="block-mappings",
        ),
    ],
)
def test_deep_nesting(tmp_path: Path, style: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(style)
    # Our limit (256 levels), or libyaml's own for flow collections: either way, a clear error.
    # Block mappings 10,000 deep are a 50 MB document, held as bytes, text and libyaml's
    # UTF-8 copy until the parser stops at level 257: memory grows with it, boundedly.
    peak = PEAK_RSS + 3 * len(style)
    assert_refused(rootless_check(path), f"{path}:", "nest", peak=peak)


def test_100_mb_scalar_is_refused_without_holding_it_and_hides_nothing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w") as handle:
        handle.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: ")
        chunk = "a" * MIB
        for _ in range(100):
            handle.write(chunk)
        handle.write("\n---\n" + PRIVILEGED_POD)
    run = rootless_check(path, "--profile", "baseline")
    # Documents are read one at a time, and one over the 64 MiB limit is dropped as it is
    # read: memory stays near the limit, not at the file's size (or twice it, as text).
    limit = documents.MAX_DOCUMENT_BYTES
    assert_refused(run, f"{path}:1", f"larger than {limit} bytes", peak=limit + PEAK_RSS)
    assert "privileged" in run.out  # the document after it is still checked


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: ConfigMap\ndata:\n  x: caf\xe9\n")
    assert_refused(rootless_check(path), f"{path}:4", "invalid UTF-8 at byte 45")


def test_nul_byte(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: ConfigMap\n\x00\x01\x02")
    assert_refused(rootless_check(path), f"{path}:3", "binary file (contains a NUL byte)")


def test_bad_bytes_in_a_later_document_keep_the_earlier_findings(tmp_path: Path) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_bytes(PRIVILEGED_POD.encode() + b"---\nkind: X\ndata: \xff\n")
    run = rootless_check(path, "--profile", "baseline")
    assert_refused(run, f"{path}:9", "invalid UTF-8")
    assert "privileged" in run.out


def test_symlink_loop_in_a_folder_ends(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pod.yaml").write_text(PRIVILEGED_POD)
    os.symlink("..", tmp_path / "sub" / "up")  # a folder loop: walked once
    os.symlink("b.yaml", tmp_path / "a.yaml")  # a file loop: a -> b -> a
    os.symlink("a.yaml", tmp_path / "b.yaml")
    run = rootless_check(tmp_path, "--profile", "baseline")
    assert "Traceback" not in run.err
    assert run.code == 2
    assert run.errors == [
        f"rootless-check: error: {tmp_path / name}: Too many levels of symbolic links"
        for name in ("a.yaml", "b.yaml")
    ]
    assert run.out.count("Pod fine") == 1  # the real file, once
    assert run.seconds < TIMEOUT and run.peak_rss < PEAK_RSS


def test_symlink_loop_given_by_name(tmp_path: Path) -> None:
    os.symlink("loop.yaml", tmp_path / "loop.yaml")
    path = tmp_path / "loop.yaml"
    assert_refused(rootless_check(path), path, "Too many levels of symbolic links")


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(PRIVILEGED_POD)
    path.chmod(0)
    # Tests run as root, which reads anything: the child drops CAP_DAC_OVERRIDE and
    # CAP_DAC_READ_SEARCH, so the kernel applies the file's mode to it (a real EACCES).
    preexec = _unreadable_preexec()
    assert_refused(rootless_check(path, preexec=preexec), path, "Permission denied")


def test_unreadable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "pod.yaml").write_text(PRIVILEGED_POD)
    folder.chmod(0)
    preexec = _unreadable_preexec()
    try:
        assert_refused(rootless_check(tmp_path, preexec=preexec), folder, "Permission denied")
    finally:
        folder.chmod(0o755)


def test_fifo_is_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    # Given by name or found in a folder, a FIFO with no writer would block a reader forever.
    assert_refused(rootless_check(fifo), fifo, "not a regular file")
    assert_refused(rootless_check(tmp_path), fifo, "not a regular file")


def test_a_broken_document_hides_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    broken = ["kind: A\nspec: [1, 2\n", billion_laughs(), "a: " + "[" * 500 + "]" * 500 + "\n"]
    path.write_text("---\n".join([*broken, PRIVILEGED_POD]))
    run = rootless_check(path, "--profile", "baseline")
    assert "Traceback" not in run.err
    assert run.code == 2
    assert len(run.errors) == 3
    assert all(line.startswith(f"rootless-check: error: {path}:") for line in run.errors)
    assert "privileged" in run.out
    assert run.seconds < TIMEOUT and run.peak_rss < PEAK_RSS


def test_bad_bytes_on_stdin() -> None:
    run = rootless_check("-", stdin=b"kind: Pod\n\xc3\x28\n")
    assert_refused(run, "<stdin>:2", "invalid UTF-8")


# In-process: random bytes through the command's entry point never raise.


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


YAMLISH = st.sampled_from(
    [b"---\n", b"...\n", b"kind: Pod\n", b"apiVersion: v1\n", b"- ", b"  ", b": ", b"&a ", b"*a",
     b"[", b"]", b"{", b"}", b"\xff", b"\x00", b"\xc3\xa9", b"\xef\xbb\xbf", b"\r\n", b"#", b"!!x"]
)  # fmt: skip
RANDOM_BYTES = st.one_of(st.binary(max_size=300), st.lists(YAMLISH, max_size=40).map(b"".join))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file the random-bytes test rewrites for each example."""
    return tmp_path_factory.mktemp("random") / "random.yaml"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=RANDOM_BYTES, fmt=st.sampled_from(["text", "json", "sarif"]))
def test_random_bytes_through_the_cli(scratch: Path, data: bytes, fmt: str) -> None:
    scratch.write_bytes(data)
    with _captured() as (_, err):
        code = main([str(scratch), "--format", fmt, "--profile", "baseline"])
    assert code in (0, 1, 2)
    for line in err.getvalue().splitlines():
        assert line.startswith(f"rootless-check: error: {scratch}")
    assert (code == 2) == bool(err.getvalue())


# The streaming splitter agrees with splitting the whole decoded text, at any block size.


def _split_whole(data: bytes) -> list[tuple[int, int, str]] | str:
    try:
        return [(c.index, c.line, c.text) for c in split_documents(decode("f", data))]
    except InputError as exc:
        return str(exc)


def _split_streamed(data: bytes, block: int) -> list[tuple[int, int, str]] | str:
    try:
        return [(c.index, c.line, c.text) for c in stream_documents("f", io.BytesIO(data), block)]
    except InputError as exc:
        return str(exc)


@settings(max_examples=500, deadline=None)
@given(data=st.lists(YAMLISH, max_size=40).map(b"".join), block=st.integers(1, 64))
def test_streamed_documents_equal_split_documents(data: bytes, block: int) -> None:
    whole, streamed = _split_whole(data), _split_streamed(data, block)
    if b"\x00" in data and isinstance(whole, str):
        # Both refuse the file; which bad byte is named first may differ (NUL vs UTF-8).
        assert isinstance(streamed, str)
    else:
        assert streamed == whole
