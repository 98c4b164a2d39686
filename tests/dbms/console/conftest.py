"""Browser fixtures for the console: a headless Debian Chromium through Debian's chromedriver, an HTTP server over an
in-memory DBMS with authentication per test, and a screenshot plus the page's HTML when a test fails."""
import os
import re
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PASSWORD = "console-secret"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000"]


def _browser_missing() -> str | None:
    """Why no browser test can run here, or None."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        return f"{' and '.join(missing)} missing (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (a fresh profile folder); each test opens its own page and server."""
    reason = _browser_missing()
    if reason:
        if os.environ.get("GRAPHPLEX_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GRAPHPLEX_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="graphplex-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        driver.set_page_load_timeout(30)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def console_password() -> str:
    """The password of the `neo4j` user of every console test's DBMS."""
    return PASSWORD


@pytest.fixture
def console_dbms():
    from graphplex import DBMS

    engine = DBMS.in_memory(auth_enabled=True, initial_password=PASSWORD)
    try:
        yield engine
    finally:
        engine.close()


@pytest.fixture
def http_server(console_dbms):
    from graphplex.http import HttpServer

    http = HttpServer(console_dbms, host="127.0.0.1", port=0)
    http.start()
    try:
        yield http
    finally:
        http.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _save_artifacts(driver, name: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", name)
    driver.save_screenshot(str(folder / f"{stem}.png"))
    (folder / f"{stem}.html").write_text(driver.page_source, encoding="utf-8")


@pytest.fixture
def page(request, browser, http_server):
    """The console opened on this test's server; on failure its screenshot and HTML go to test-artifacts/console/."""
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(f"{http_server.url}/browser/")
    yield browser
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _save_artifacts(browser, request.node.name, request.config.rootpath / "test-artifacts" / "console")
    browser.get("about:blank")
