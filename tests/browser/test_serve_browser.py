"""``neofloor serve`` end to end: a real browser signs in and scans a car through the page.

The page draws the terminal on a canvas, so the test reads what the app sends to the page
(the bytes of its WebSocket, recorded by a script added to the page) only to know when
to type, checks the scan in the database, and keeps a screenshot in ``test-artifacts/``.
Debian's Chromium (``apt-get install chromium``) is driven by the ``playwright`` package;
no browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import TEST_PIN
from tests.tui.conftest import TRIM1_OPERATOR, Line, car_state, plant_state

# Debian's browser, as .ci/chromium.sh installs it (or where NEOFLOOR_CHROMIUM says).
CHROMIUM = os.environ.get("NEOFLOOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERVER_START_SECONDS = 30.0
APP_START_SECONDS = 40.0
SCAN_SECONDS = 20.0

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow

# Keeps, in the page, the text of everything the app sent it (escape sequences included).
RECORD_SCREEN = """
(() => {
  window.__neofloorScreen = "";
  const decoder = new TextDecoder();
  const Original = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Original(...args);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__neofloorScreen += decoder.decode(new Uint8Array(event.data), {stream: true});
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Original.prototype;
  Object.assign(window.WebSocket, Original);
})();
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(step)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def serving(line: Line, folder: Path, *options: str) -> Iterator[str]:
    """``neofloor serve`` on a free port, on a copy of the small plant; its address."""
    port = free_port()
    log_path = folder / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "neofloor", "--db", str(line.path), "--terminal", "T-WEB"),
                *("serve", "--host", "127.0.0.1", "--port", str(port), *options),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,
        )
        try:
            wait_until(
                lambda: listening(port) or process.poll() is not None, SERVER_START_SECONDS, "the server"
            )
            assert process.poll() is None, log_path.read_text()
            yield f"http://127.0.0.1:{port}"
        finally:
            # The server and the app processes it started for visitors: one process group.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@contextmanager
def browser_page(address: str) -> Iterator[sync_api.Page]:
    """The served app in headless Chromium, focused, once the app has drawn its first bytes."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(RECORD_SCREEN)
            page.goto(address)
            page.wait_for_selector("body.-first-byte", timeout=APP_START_SECONDS * 1000)
            page.locator(".xterm-helper-textarea").first.focus()
            yield page
        finally:
            browser.close()


def keep_screenshot(page: sync_api.Page, folder: Path, name: str) -> Path:
    """A screenshot in the test's folder, copied to test-artifacts/."""
    path = folder / name
    page.screenshot(path=str(path))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / name)
    return path


def shown(page: sync_api.Page, text: str, timeout: float) -> None:
    """Wait until the app has drawn ``text`` in the page."""
    page.wait_for_function(
        "text => window.__neofloorScreen.includes(text)", arg=text, timeout=timeout * 1000, polling=100
    )


def sign_in(page: sync_api.Page, badge: str, pin: str) -> None:
    """Sign in as on a terminal: the badge, Enter; once the dialog asks that badge's PIN, the PIN, Enter."""
    shown(page, "Badge, or part of a name", APP_START_SECONDS)
    page.keyboard.type(badge)
    page.keyboard.press("Enter")
    shown(page, "your PIN", 10)
    page.keyboard.type(pin)
    page.keyboard.press("Enter")


def sign_ins(line: Line, badge: str, terminal: str) -> int:
    """How many sign-ins of ``badge`` at ``terminal`` the audit trail holds."""
    from sqlalchemy import func, select

    from neofloor.store.models import AuditEntry

    with line.db.read() as session:
        query = select(func.count()).select_from(AuditEntry)
        query = query.where(
            AuditEntry.action == "sign_in", AuditEntry.badge == badge, AuditEntry.terminal == terminal
        )
        return int(session.execute(query).scalar_one())


def event_count(line: Line, vin: str) -> int:
    from sqlalchemy import func, select

    from neofloor.store.models import StationEvent, Vehicle

    with line.db.read() as session:
        query = (
            select(func.count())
            .select_from(StationEvent)
            .join(Vehicle, StationEvent.vehicle_id == Vehicle.id)
        )
        return int(session.execute(query.where(Vehicle.vin == vin)).scalar_one())


def test_sign_in_and_scan_a_car_in_the_browser(line: Line, tmp_path: Path) -> None:
    vin = line.vins[4]  # waiting at TRIM1
    assert car_state(line.db, vin)[:2] == ("queued", "TRIM1")
    events_before = event_count(line, vin)
    sign_ins_before = sign_ins(line, TRIM1_OPERATOR, "T-WEB")
    with serving(line, tmp_path, "--station", "TRIM1") as address, browser_page(address) as page:
        try:
            sign_in(page, TRIM1_OPERATOR, TEST_PIN)
            shown(page, "Signed in", 10)
            assert sign_ins(line, TRIM1_OPERATOR, "T-WEB") == sign_ins_before + 1
            page.keyboard.type(vin)
            page.keyboard.press("Enter")
            wait_until(
                lambda: event_count(line, vin) > events_before, SCAN_SECONDS, "the scan in the database"
            )
            shown(page, "STARTED", 10)
        finally:
            screenshot = keep_screenshot(page, tmp_path, "serve-trim1-scan.png")
    state, station, _ = car_state(line.db, vin)
    assert (state, station) == ("in_station", "TRIM1")
    assert event_count(line, vin) == events_before + 1
    assert screenshot.stat().st_size > 10_000


def test_a_wall_board_in_the_browser_asks_nobody_and_writes_nothing(line: Line, tmp_path: Path) -> None:
    vin = line.vins[4]
    before = plant_state(line.db)
    with serving(line, tmp_path, "--view", "board") as address, browser_page(address) as page:
        try:
            shown(page, "Material shortage", APP_START_SECONDS)  # the board, with PAINT's andon stop
            for keys in (TRIM1_OPERATOR, vin):
                page.keyboard.type(keys)
                page.keyboard.press("Enter")
            for key in ("Control+s", "Control+r", "Control+o", "F8", "F5"):
                page.keyboard.press(key)
            # Keys are read in order: once Ctrl+T's overrides table (its "Reason" column) is drawn,
            # the keys before it have been answered.
            reasons = "window.__neofloorScreen.split('Reason').length"
            drawn = page.evaluate(reasons)
            page.keyboard.press("Control+t")
            page.wait_for_function(f"{reasons} > {drawn}", timeout=10_000, polling=100)
        finally:
            keep_screenshot(page, tmp_path, "serve-wall-board.png")
        drawn_text = page.evaluate("window.__neofloorScreen")
        assert "Badge, or part of a name" not in drawn_text
        assert "your PIN" not in drawn_text
    assert plant_state(line.db) == before
