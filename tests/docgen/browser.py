"""Headless Chromium (Debian's ``/usr/bin/chromium``) driven over the DevTools protocol.

A small client for the browser checks of the published pages: open a URL at a given width,
evaluate JavaScript, take a screenshot. Chromium runs with a fresh profile, no network beyond
localhost, and is stopped when the :class:`Browser` is closed. The websocket is
``websocket-client``'s (no browser download, no driver).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import websocket

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # the network is closed: fail every other host at once instead of waiting for DNS
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--remote-debugging-port=0",
)


def chromium_binary() -> str:
    """Debian's Chromium (``apt-get install -y chromium``; ``.ci/run`` installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "Chromium is not installed (apt-get install -y chromium): the browser check needs it"
        )
    return found


class Browser:
    """One headless Chromium and one page in it, spoken to over the DevTools protocol."""

    def __init__(self, profile: Path) -> None:
        """Start Chromium with the empty profile folder ``profile`` and attach to its page."""
        self.process = subprocess.Popen(
            [chromium_binary(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        deadline = time.monotonic() + 60
        port = None
        for line in self.process.stderr:
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
            if time.monotonic() > deadline:
                break
        if port is None:
            self.close()
            pytest.fail("Chromium did not start its DevTools endpoint")
        threading.Thread(target=self.process.stderr.read, daemon=True).start()  # drain
        targets = json.loads(_get(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True, timeout=120
        )
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its result (events seen meanwhile are kept)."""
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        """Wait until Chromium sends ``event`` (or has sent it since the last wait)."""
        while not any(e.get("method") == event for e in self.events):
            self.events.append(json.loads(self.socket.recv()))
        self.events.clear()

    def open(self, url: str, width: int, height: int = 900) -> None:
        """Load ``url`` in a window ``width`` CSS pixels wide and wait for its load event."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        """Save what the window shows (or the whole page) as a PNG file."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = self.call("Page.captureScreenshot", **params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Stop Chromium."""
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _get(url: str) -> str:
    from urllib.request import urlopen

    for _ in range(50):
        try:
            with urlopen(url, timeout=10) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url}")


@contextmanager
def browser() -> Iterator[Browser]:
    """A headless Chromium with a fresh profile, stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="docgen-chromium-") as profile:
        running = Browser(Path(profile))
        try:
            yield running
        finally:
            running.close()


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on localhost (Hugo's links are absolute paths); yield the
    base URL (no trailing slash)."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Requests are not logged."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
