"""Take docs/weekly-report.png: the top of the demo's HTML report as a phone shows it.

    make demo && .venv/bin/python docs/screenshot.py

Needs Debian's chromium (driven through Playwright, no browser download)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "reports" / "weekly-2026-W47.html"
OUT = ROOT / "docs" / "weekly-report.png"


def main() -> int:
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None or not PAGE.is_file():
        print("needs chromium and reports/weekly-2026-W47.html (make demo)", file=sys.stderr)
        return 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browser_path,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 414, "height": 1800}, device_scale_factor=1.5)
        page.goto(PAGE.as_uri())
        page.screenshot(path=str(OUT), full_page=False)
        browser.close()
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
