"""Headless Chromium from Debian's packages, driven over the DevTools protocol: open a page, record every
request it makes and every dialog it opens, evaluate script in it, move the mouse over it.

`make test` installs Chromium (Debian's package `chromium`); the browser runs with a fresh profile and
with its own background traffic (updates, sync, safe browsing) off, so every request it records is
one the page made.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from collections.abc import Iterator
from pathlib import Path

import httpx
import websocket

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps", "--disable-extensions", "--remote-debugging-port=0"]


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("chromium is not installed: `make test` installs it (Debian: apt-get install chromium)")
    return found


@dataclass
class Page:
    """One tab, with what it did since it was opened."""

    socket: websocket.WebSocket
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _id: int = 0

    def call(self, method: str, timeout: float = 30.0, **params: object) -> dict:
        self._id += 1
        self.socket.send(json.dumps({"id": self._id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive(deadline)
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise TimeoutError(f"{method} got no answer in {timeout} s")

    def wait_for(self, event: str, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive(deadline)
            if message.get("method") == event:
                return message.get("params", {})
        raise TimeoutError(f"no {event} in {timeout} s")

    def _receive(self, deadline: float) -> dict:
        self.socket.settimeout(max(0.05, deadline - time.monotonic()))
        message = json.loads(self.socket.recv())
        method = message.get("method")
        if method == "Network.requestWillBeSent":
            self.requests.append(message["params"]["request"]["url"])
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(message["params"]["message"])
            self.socket.send(json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": False}}))
        elif method == "Runtime.exceptionThrown":
            self.errors.append(json.dumps(message["params"]["exceptionDetails"])[:500])
        return message  # type: ignore[no-any-return]

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_until(self, expression: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression} still false after {timeout} s")
            time.sleep(0.2)

    def hover(self, x: float, y: float) -> None:
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)


@contextmanager
def chromium() -> Iterator[str]:
    """A headless Chromium with a fresh profile; yields its DevTools HTTP address."""
    profile = Path(tempfile.mkdtemp(prefix="innograph-chromium-"))
    process = subprocess.Popen([chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port_file.read_text().split()[0]}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def open_page(devtools: str, url: str, *, timeout: float = 60.0) -> Iterator[Page]:
    """A new tab that records requests and dialogs from before it starts loading `url`, loaded."""
    target = httpx.put(f"{devtools}/json/new?about:blank", timeout=10).json()
    page = Page(websocket.create_connection(target["webSocketDebuggerUrl"], timeout=timeout, suppress_origin=True))
    try:
        for domain in ("Page", "Network", "Runtime"):
            page.call(f"{domain}.enable")
        page.call("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired", timeout=timeout)
        yield page
    finally:
        page.socket.close()
        httpx.get(f"{devtools}/json/close/{target['id']}", timeout=10)
