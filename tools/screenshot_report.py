"""Render a report in headless Chromium (Debian's, never a downloaded browser) and save a
PNG screenshot of it.

    .venv/bin/python tools/screenshot_report.py regencord-demo/report.html docs/report.png \
        [--full-page] [--width 1200] [--height 1600]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


def screenshot(page_file: Path, png: Path, *, width: int, height: int, full_page: bool) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(page_file.resolve().as_uri())
        page.screenshot(path=str(png), full_page=full_page)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1600)
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()
    screenshot(args.page, args.png, width=args.width, height=args.height, full_page=args.full_page)


if __name__ == "__main__":
    main()
