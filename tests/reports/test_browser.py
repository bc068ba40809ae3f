"""The demo report in headless Chromium (Debian's /usr/bin/chromium via Playwright): it
renders with its figures, asks the network for nothing, and logs no error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regencord.cli.app import app

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not installed: browser tests skipped (apt-get install chromium)"
        if os.environ.get("REGENCORD_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "report.html"


def test_report_renders_offline_in_chromium(report: Path) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        assert page.title().startswith("SYNTHETIC")
        figures = page.locator("svg.rc-figure")
        assert figures.count() == 4
        for i in range(4):
            box = figures.nth(i).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator("article.participant").count() == 4
        assert page.get_by_text("the chance of 2 or more of 4 is 0.14").first.is_visible()
        browser.close()
    assert requests == [report.as_uri()]
    assert errors == []
