"""Real headless Chromium at a phone's size, one browser for the whole session."""

import os
import shutil
import subprocess
import threading
import time
import warnings
from pathlib import Path

import pytest

from tests.helpers import ARTIFACTS, PHONE
from tests.support import require_service

# axe-core comes from the npm registry at test time, into a folder git ignores (as hls.js does).
AXE_PACKAGE = "axe-core@4"
NPM_PREFIX = Path(__file__).resolve().parents[2] / "var" / "npm"
AXE_SCRIPT = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
HLSJS_PACKAGE = "hls.js@1"
HLSJS_DIST = NPM_PREFIX / "node_modules" / "hls.js" / "dist"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class ServerGate:
    """Wraps the live server's application so that a test can end cleanly.

    A page that closes sends its tracker's last report as a beacon, which Playwright neither
    sees nor can hold back. Left alone it may reach the server while the database is being
    emptied for the next test, and break that test. Once a test ends, the gate answers every
    new request with 503 without touching the database and waits until the requests already
    inside have been answered and closed. The next test opens it again."""

    def __init__(self, app):
        self.app = app
        self.open = True
        self.inside = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            if not self.open:
                start_response("503 Service Unavailable", [("Content-Length", "0")])
                return [b""]
            self.inside += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self.left()
            raise
        return self.tell_when_closed(body)

    def tell_when_closed(self, body):
        """The server closes a body once it has sent it; only then has Django sent
        request_finished and let go of its database connection. The body itself is kept, so
        the server still streams a file as it did."""
        closing = getattr(body, "close", None)

        def close():
            try:
                if closing is not None:
                    closing()
            finally:
                self.left()

        body.close = close
        return body

    def left(self):
        with self.changed:
            self.inside -= 1
            self.changed.notify_all()

    def close(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            self.open = False
            while self.inside and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            if self.inside:
                warnings.warn(f"{self.inside} live-server requests still open", stacklevel=2)
                self.inside = 0


@pytest.fixture(autouse=True)
def _gated_live_server(request):
    """Opens the live server's gate for a test that uses it and closes it after the test's
    pages have gone, before its database is emptied."""
    if "live_server" not in request.fixturenames:
        yield
        return
    httpd = request.getfixturevalue("live_server").thread.httpd
    gate = httpd.get_app()
    if not isinstance(gate, ServerGate):
        gate = ServerGate(gate)
        httpd.set_app(gate)
    with gate.changed:
        gate.open = True
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    gate.close()


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    )


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    require_service("Chromium", executable is not None, "install the Debian package chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must not mistake the
    # test thread for async code when the test touches the database.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def npm_installed(package: str, needed: Path) -> Path:
    """``needed``, from ``package`` of the npm registry, installed into var/npm on first use."""
    if not needed.exists():
        npm = shutil.which("npm")
        require_service("npm", npm is not None, f"install Node.js and npm to fetch {package}")
        command = [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix"]
        try:
            subprocess.run(
                [*command, str(NPM_PREFIX), package],
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            require_service(package, False, f"npm install {package} failed: {exc}")
    require_service(package, needed.exists(), f"npm installed no {needed}")
    return needed


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """The axe-core accessibility engine."""
    return npm_installed(AXE_PACKAGE, AXE_SCRIPT)


@pytest.fixture(scope="session")
def hlsjs_dist() -> Path:
    """hls.js, where `make run` puts it for browsers without native HLS."""
    return npm_installed(HLSJS_PACKAGE, HLSJS_DIST / "hls.min.js").parent


@pytest.fixture
def axe_phone(browser, axe_script):
    """A phone-sized page on which axe-core may run: the page's policy forbids the script it
    adds, so this context alone ignores the policy (the policy has its own tests)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, request):
    """A fresh phone-sized page; on the way out it leaves a screenshot named after the test."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",  # many phones say English; the site must still open in Chinese
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
