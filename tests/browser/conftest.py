"""Real headless Chromium at a phone's size, one browser for the whole session."""

import os
import shutil
import subprocess
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
