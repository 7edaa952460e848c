"""Browser tests need the built site and Chromium. Elsewhere they skip, saying why; with CI=true they never skip."""

import os

import pytest

from tests.browser.harness import SITE, browser, chromium_path, serve

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").is_file():
        pytest.fail("site/ is not built: run `make build` (make test does it first)")
    with serve() as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    if chromium_path() is None:
        if IN_CI:
            pytest.fail("CI=true but Chromium is not installed: `make system-deps` installs it")
        pytest.skip("Chromium not found on PATH: browser tests SKIPPED (install it with `make system-deps`)")
    with browser() as b:
        yield b
