"""Headless Chromium driven over the DevTools protocol, for the report's browser test.

Debian's chromium (``make chromium``) is started with the flags this machine's closed network
needs (no background networking, component updates or sync, which otherwise fail and log
errors), a fresh profile, and ``--remote-debugging-port=0``; the port it picked is read from
the profile's ``DevToolsActivePort``. One websocket (the ``websockets`` package) carries the
commands. What a page load records: console errors, uncaught exceptions, every URL the page
requested, each chart's drawn size and marks, and a full-page PNG.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
WIDTH = 1400

# For every chart panel: the plotly root's size, how many traces its plot holds and how many of
# their marks (paths with a shape, points, bars) were drawn; for every no-data panel its text.
CHARTS_JS = """
(() => {
  const charts = [...document.querySelectorAll('.chart[data-chart]')].map(el => {
    const plot = el.querySelector('.js-plotly-plot');
    const svg = plot && plot.querySelector('svg.main-svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const traces = plot ? plot.querySelectorAll('.cartesianlayer g.trace').length : 0;
    const marks = plot ? [...plot.querySelectorAll('.cartesianlayer g.trace path')]
        .filter(p => (p.getAttribute('d') || '').length > 4).length : 0;
    return {id: el.dataset.chart, width: box.width, height: box.height, traces, marks};
  });
  const noData = [...document.querySelectorAll('[data-no-data]')]
      .map(el => ({id: el.dataset.noData, text: el.textContent}));
  return JSON.stringify({charts, noData, height: document.documentElement.scrollHeight});
})()
"""


def find_chromium() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@dataclass
class PageLoad:
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    no_data: list[dict[str, str]] = field(default_factory=list)
    height: int = 0
    screenshot: bytes = b""
    tiles: list[bytes] = field(default_factory=list)  # the same page cut into viewport-high parts


class DevTools:
    """One flattened session on one page target, over the browser's websocket."""

    def __init__(self, url: str, timeout: float):
        self.ws = connect(url, max_size=None, open_timeout=timeout)
        self.timeout = timeout
        self.next_id = 0
        self.session: str | None = None
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, *, browser: bool = False) -> dict:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + self.timeout
        while True:
            reply = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"DevTools {method} failed: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        for event in self.events:
            if event["method"] == method:
                return event
        while time.monotonic() < deadline:
            event = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if "method" in event:
                self.events.append(event)
                if event["method"] == method:
                    return event
        raise TimeoutError(f"no {method} within {self.timeout} s")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


def _devtools_url(profile: Path, process: subprocess.Popen, timeout: float) -> str:
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_file.exists():
            lines = port_file.read_text().split()
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"chromium did not open its DevTools port within {timeout} s")


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = params.get("args", [])
            errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            exception = details.get("exception", {})
            errors.append(exception.get("description") or details.get("text", "exception"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
    return errors


def load_page(
    chromium: str,
    url: str,
    profile: Path,
    *,
    timeout: float = 60.0,
    settle: float = 1.0,
    tile_height: int | None = None,
) -> PageLoad:
    """Open ``url`` in a fresh headless Chromium, wait until every chart panel has drawn (or
    ``timeout``), and record what happened. ``profile``: an empty directory for the profile;
    ``tile_height``: also cut the full page into parts this high (pictures a person can read
    at full size)."""
    profile.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "LANG": "en_US.UTF-8"},
    )
    try:
        tools = DevTools(_devtools_url(profile, process, timeout), timeout)
        try:
            target = tools.send("Target.createTarget", {"url": "about:blank"}, browser=True)
            attached = tools.send(
                "Target.attachToTarget",
                {"targetId": target["targetId"], "flatten": True},
                browser=True,
            )
            tools.session = attached["sessionId"]
            for domain in ("Runtime", "Log", "Page", "Network"):
                tools.send(f"{domain}.enable")
            tools.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": WIDTH, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
            )
            tools.send("Page.navigate", {"url": url})
            tools.wait_for("Page.loadEventFired")
            state = _wait_for_charts(tools, timeout)
            # The whole page in one picture: make the viewport as tall as the page, let the
            # charts settle at that size, then capture.
            tools.send(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": WIDTH,
                    "height": state["height"],
                    "deviceScaleFactor": 1,
                    "mobile": False,
                },
            )
            time.sleep(settle)
            state = json.loads(tools.evaluate(CHARTS_JS))
            shot = tools.send("Page.captureScreenshot", {"format": "png"})
            tiles = []
            for top in range(0, state["height"] if tile_height else 0, tile_height or 1):
                clip = {"x": 0, "y": top, "width": WIDTH, "scale": 1}
                clip["height"] = min(tile_height, state["height"] - top)
                tile = tools.send("Page.captureScreenshot", {"format": "png", "clip": clip})
                tiles.append(base64.b64decode(tile["data"]))
            requests = [
                e["params"]["request"]["url"]
                for e in tools.events
                if e["method"] == "Network.requestWillBeSent"
            ]
            return PageLoad(
                console_errors=_console_errors(tools.events),
                requests=requests,
                charts=state["charts"],
                no_data=state["noData"],
                height=state["height"],
                screenshot=base64.b64decode(shot["data"]),
                tiles=tiles,
            )
        finally:
            # the browser may close the socket before it answers
            with contextlib.suppress(Exception):
                tools.send("Browser.close", browser=True)
            tools.close()
    finally:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_charts(tools: DevTools, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        state = json.loads(tools.evaluate(CHARTS_JS))
        drawn = all(c["marks"] > 0 for c in state["charts"])
        if drawn or time.monotonic() > deadline:
            return state
        time.sleep(0.2)
