"""``docgen publish`` killed at every step of its write phase, and two publishes at once.

The website is a copy of the real Kubeflow website's Katib docs (``../shared/corpus``; the
test skeleton, a copy of part of it, when the corpus is absent) with an older reference
published in the Katib section beside hand-written files, some inside the section. The
``hugosdk`` fixture's newer reference is built once; each trial is the real entry point in
its own process (forked from a server that imported docgen: tens of milliseconds), told by
``DOCGEN_PUBLISH_TEST_HOOK`` to send itself a signal after its N-th file operation, for every
N until a run ends normally. After every kill the website is the old state or the new one
(byte for byte, nothing left behind), the hand-written files keep their bytes and times, and
the next publish and ``--check`` exit 0.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from kubeflow_devtools.docgen.hugo.publish.journal import HOOK_VARIABLE, STATE_FOLDER
from tests.docgen.publish_runs import FIXTURES, Run, forked, forked_process, write_config

CORPUS = Path(__file__).resolve().parents[2].parent / "shared/corpus/kubeflow-website/site"
KATIB = "content/en/docs/components/katib"
SECTION = f"{KATIB}/reference/python-sdk"
MANIFEST = f"{SECTION}/.docgen-manifest.json"
HAND_WRITTEN = {  # inside the section, beside the generated pages
    f"{SECTION}/notes.md": '+++\ntitle = "Notes"\n+++\nHand-written, beside the reference.\n',
    f"{SECTION}/examples/README.md": "Hand-written, in a folder of its own.\n",
}
OLD = 1_500_000_000 * 10**9  # a file time long past (ns): any rewrite shows

Tree = dict[str, tuple[bytes, int] | None]
"""Every path of a website: bytes and modification time of files, ``None`` for folders."""


def tree(root: Path) -> Tree:
    """Every file and folder under ``root``."""
    found: Tree = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            found[os.path.relpath(os.path.join(folder, name), root)] = None
        for name in files:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def contents(state: Tree) -> dict[str, bytes | None]:
    """A tree without the times."""
    return {path: None if value is None else value[0] for path, value in state.items()}


def copy_site(source: Path, target: Path) -> Path:
    """A copy of a website, file times kept."""
    shutil.copytree(source, target, symlinks=True)
    return target


@dataclass(frozen=True)
class World:
    """The websites before and after a publish of the newer reference, and its build."""

    base: Path
    after: Path  # the newer reference's configuration
    before: Path  # the older one's
    pristine: Path  # a website with the older reference published; never modified
    first: Path  # a website before any publish; never modified
    states: dict[Path, tuple[Tree, dict[str, bytes | None]]]  # old tree, new contents
    generated: frozenset[str]  # the files docgen owns, in either state

    def publish(self, site: Path, *flags: str, config: Path | None = None) -> list[str]:
        """The arguments of ``docgen publish`` of the newer reference (or ``config``)."""
        build = self.base / ("out-after" if config in (None, self.after) else "out-other")
        return ["publish", "--config", str(config or self.after), "--website", str(site),
                "--out", str(build), "-q", *flags, "hugosdk"]  # fmt: skip

    def hand(self, origin: Path) -> list[str]:
        """The hand-written files of the website ``origin``."""
        old, _ = self.states[origin]
        return sorted(p for p, v in old.items() if v is not None and p not in self.generated)

    def state(self, site: Path, origin: Path) -> str:
        """``old`` or ``new``: what ``site``, a copy of ``origin``, now is (else fails)."""
        old, new = self.states[origin]
        now = tree(site)
        for path in self.hand(origin):
            assert now.get(path) == old[path], f"hand-written {path} changed"
        if contents(now) == contents(old):
            assert now == old  # nothing rewritten either
            return "old"
        differ = sorted({p for p, _ in set(contents(now).items()) ^ set(new.items())})
        assert not differ, f"neither the old nor the new website: {differ}"
        return "new"


def _website(target: Path, hand_written: bool) -> Path:
    """The Katib docs of the real website (or of the skeleton), with the section's
    hand-written files or without the section, every file dated long ago."""
    if CORPUS.is_dir():
        target.mkdir()
        shutil.copy2(CORPUS / "config.toml", target)
        shutil.copytree(CORPUS / KATIB, target / KATIB, ignore=shutil.ignore_patterns("images"))
    else:
        shutil.copytree(FIXTURES / "website", target)
    if hand_written:
        for path, text in HAND_WRITTEN.items():
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_text(text, encoding="utf-8")
    else:
        shutil.rmtree(target / SECTION, ignore_errors=True)
    _age(target)
    return target


def _age(root: Path) -> None:
    for path in root.rglob("*"):
        os.utime(path, ns=(OLD, OLD), follow_symlinks=False)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Build both references; publish the older one into the pristine website; record what
    each website is before and after a publish of the newer one."""
    base = tmp_path_factory.mktemp("crash")
    after = write_config(base / "after.toml", SECTION, api=["Client", "render"])
    before = write_config(base / "before.toml", SECTION, api=["Client", "LIMIT"])
    pristine = _website(base / "pristine", hand_written=True)
    first = _website(base / "first", hand_written=False)
    partial = World(base, after, before, pristine, first, {}, frozenset())
    assert forked(partial.publish(pristine, config=before), base).code == 0
    _age(pristine)
    states, owned = {}, {MANIFEST}
    for origin in (pristine, first):
        published = copy_site(origin, base / f"{origin.name}-published")
        run = forked(partial.publish(published), base)
        assert run.code == 0, run
        states[origin] = (tree(origin), contents(tree(published)))
        for site in (origin, published):
            if (site / MANIFEST).is_file():
                files = json.loads((site / MANIFEST).read_text())["files"]
                owned.update(f"{SECTION}/{path}" for path in files)
    world = World(base, after, before, pristine, first, states, frozenset(owned))
    assert set(HAND_WRITTEN) <= set(world.hand(pristine))
    assert len(world.hand(first)) > 5
    return world


def _settle(world: World, site: Path, origin: Path, scratch: Path) -> None:
    """The next publish and ``--check`` exit 0, and leave the new website."""
    again = forked(world.publish(site), scratch)
    assert again.code == 0, again
    assert "Traceback" not in again.err
    checked = forked(world.publish(site, "--check"), scratch)
    assert checked.code == 0, checked
    assert world.state(site, origin) == "new"


def _trials(world: World, tmp: Path, name: str, origin: Path) -> tuple[Counter[str], int]:
    """Send signal ``name`` at step 1, 2, ... until a publish ends normally; check each run.

    Returns:
        How often the website was left old and new, and the number of steps.
    """
    outcomes: Counter[str] = Counter()
    for step in count(1):
        site = copy_site(origin, tmp / f"{name}-{step}")
        run = forked(world.publish(site), tmp, {HOOK_VARIABLE: f"{name}@{step}"})
        if run.code == 0:  # the hook never fired: every step was tried
            assert world.state(site, origin) == "new"
            return outcomes, step - 1
        assert "Traceback" not in run.err, run.err
        if name == "KILL":
            assert run.code == -signal.SIGKILL, run
            # The next --check recovers first (rolls back, or completes), then compares.
            checked = forked(world.publish(site, "--check"), tmp)
            state = world.state(site, origin)
            assert checked.code == (0 if state == "new" else 1), checked
        else:
            number = signal.Signals[f"SIG{name}"]
            assert run.code == 128 + number, run
            assert run.err_lines == [f"docgen: interrupted ({number.name})"], run.err
            state = world.state(site, origin)  # rolled back at once, or complete
        outcomes[state] += 1
        _settle(world, site, origin, tmp)
        shutil.rmtree(site)
    raise AssertionError("unreachable")


@pytest.mark.parametrize("first", [False, True], ids=["update", "first-publish"])
def test_sigkill_at_every_step_leaves_the_old_or_the_new_website(
    world: World, tmp_path: Path, first: bool
) -> None:
    outcomes, steps = _trials(world, tmp_path, "KILL", world.first if first else world.pristine)
    assert steps >= 10, steps  # journal, folders, staged files, renames, commit, clean-up
    assert outcomes["old"] >= 8 and outcomes["new"] >= 2, outcomes
    print(f"SIGKILL, {'first publish' if first else 'update'}: {steps} steps, {dict(outcomes)}")


@pytest.mark.parametrize("name", ["TERM", "INT"])
def test_sigterm_and_sigint_roll_back_with_one_line(
    world: World, tmp_path: Path, name: str
) -> None:
    outcomes, steps = _trials(world, tmp_path, name, world.pristine)
    assert steps >= 15, steps
    assert outcomes["old"] >= 5 and outcomes["new"] >= 3, outcomes
    print(f"SIG{name}: {steps} steps, {dict(outcomes)}")


def test_kills_at_moments_no_hook_chose(world: World, tmp_path: Path) -> None:
    durations = []
    for trial in range(3):
        site = copy_site(world.pristine, tmp_path / f"timed-{trial}")
        started = time.perf_counter()
        assert forked(world.publish(site), tmp_path).code == 0
        durations.append(time.perf_counter() - started)
    last = sorted(durations)[1]  # the writes come last: kill around the end of a run
    outcomes: Counter[str] = Counter()
    for trial in range(16):
        site = copy_site(world.pristine, tmp_path / f"site-{trial}")
        process = forked_process(world.publish(site), tmp_path)
        time.sleep(last * (0.85 + trial / 100))
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        process.join(60)
        checked = forked(world.publish(site, "--check"), tmp_path)  # recovers, if it must
        state = world.state(site, world.pristine)
        assert checked.code == (0 if state == "new" else 1), checked
        recovered = "an interrupted publish was" in checked.err
        outcomes[f"{state}{', recovered' if recovered else ''}"] += 1
    print(f"SIGKILL at moments: {dict(outcomes)}")


@pytest.mark.parametrize("name", ["TERM", "INT"])
def test_the_console_command_rolls_back_on_a_signal(
    world: World, tmp_path: Path, name: str
) -> None:
    site = copy_site(world.pristine, tmp_path / "site")
    run = _finish(_start(world, site, hook=f"{name}@9"))  # in the middle of the renames
    number = signal.Signals[f"SIG{name}"]
    assert run.code == 128 + number, run
    assert run.err_lines == [f"docgen: interrupted ({number.name})"], run.err
    assert world.state(site, world.pristine) == "old"


@pytest.mark.parametrize("killed_at", [4, 9, 13, 16])
def test_a_recovery_killed_at_every_step_is_recovered_too(
    world: World, tmp_path: Path, killed_at: int
) -> None:
    crashed = copy_site(world.pristine, tmp_path / "crashed")
    run = forked(world.publish(crashed), tmp_path, {HOOK_VARIABLE: f"KILL@{killed_at}"})
    assert run.code == -signal.SIGKILL, run
    assert (crashed / STATE_FOLDER / "journal.json").is_file()
    for step in count(1):
        site = copy_site(crashed, tmp_path / f"recovering-{step}")
        hook = {HOOK_VARIABLE: f"KILL@{step}"}
        recovering = forked(world.publish(site, "--check"), tmp_path, hook)
        if recovering.code == -signal.SIGKILL:
            forked(world.publish(site, "--check"), tmp_path)  # recovers what is left
        else:
            assert step > 2, step  # the recovery had steps to kill
        assert world.state(site, world.pristine) in ("old", "new")
        _settle(world, site, world.pristine, tmp_path)
        if recovering.code != -signal.SIGKILL:
            break


# --- two publishes at once ------------------------------------------------------------------


def _start(
    world: World, site: Path, *flags: str, hook: str = "", config: Path | None = None
) -> subprocess.Popen[str]:
    """A publish by the console command in a new process, not waited for."""
    env = {**os.environ, "PYTHONPATH": str(FIXTURES), HOOK_VARIABLE: hook}
    return subprocess.Popen(
        [sys.executable, "-m", "kubeflow_devtools.docgen.cli",
         *world.publish(site, *flags, config=config)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _finish(process: subprocess.Popen[str]) -> Run:
    out, err = process.communicate(timeout=120)
    return Run(process.returncode, out, err)


def _stopped(process: subprocess.Popen[str]) -> None:
    """Wait until ``process`` stopped itself (SIGSTOP from the hook), holding the lock."""
    _, status = os.waitpid(process.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), status


def test_a_second_publish_fails_at_once_naming_the_holder(world: World, tmp_path: Path) -> None:
    site = copy_site(world.pristine, tmp_path / "site")
    holder = _start(world, site, hook="STOP@5")  # stops itself in the middle of its writes
    try:
        _stopped(holder)
        meanwhile = contents(tree(site))
        second = _finish(_start(world, site, "--wait", "0", config=world.before))
        assert second.code == 2, second
        assert len(second.err_lines) == 1, second.err
        line = second.err_lines[0]
        assert line.startswith(f"docgen publish: error: {site / STATE_FOLDER / 'lock'}: ")
        assert f"locked by pid {holder.pid} on {socket.gethostname()} since " in line
        assert contents(tree(site)) == meanwhile  # the second publish wrote nothing
    finally:
        os.kill(holder.pid, signal.SIGCONT)
    first = _finish(holder)
    assert first.code == 0, first
    assert world.state(site, world.pristine) == "new"
    assert forked(world.publish(site, "--check"), tmp_path).code == 0


def test_a_second_publish_waits_then_finds_nothing_to_do(world: World, tmp_path: Path) -> None:
    site = copy_site(world.pristine, tmp_path / "site")
    holder = _start(world, site, hook="STOP@5")
    try:
        _stopped(holder)
        waiting = _start(world, site, "--wait", "60")
        time.sleep(2.0)  # long enough to start and wait for the lock
        assert waiting.poll() is None
    finally:
        os.kill(holder.pid, signal.SIGCONT)
    assert _finish(holder).code == 0
    second = _finish(waiting)
    assert second.code == 0, second
    assert second.out_lines == ["docgen publish: hugosdk: the website is already up to date"]
    assert world.state(site, world.pristine) == "new"


def test_two_publishes_of_different_releases_at_once_leave_one_of_them(
    world: World, tmp_path: Path
) -> None:
    inside = [p for p in world.hand(world.pristine) if p.startswith(f"{SECTION}/")]
    hand = [p.removeprefix(f"{SECTION}/") for p in inside]
    for attempt in range(3):
        site = copy_site(world.pristine, tmp_path / f"site-{attempt}")
        runs = [_start(world, site), _start(world, site, config=world.before)]
        results = [_finish(process) for process in runs]
        assert [r.code for r in results] == [0, 0], results
        checks = [
            forked(world.publish(site, "--check", config=config), tmp_path).code
            for config in (world.after, world.before)
        ]
        assert sorted(checks) == [0, 1], checks  # the website is one release, whole
        files = json.loads((site / MANIFEST).read_text())["files"]
        pages = sorted(p.relative_to(site / SECTION).as_posix()
                       for p in (site / SECTION).rglob("*.md"))  # fmt: skip
        assert pages == sorted([*files, *(p for p in hand if p.endswith(".md"))])
        assert not (site / STATE_FOLDER).exists()
