"""Screenshot built pages in headless Chromium (Debian's /usr/bin/chromium).

    .venv/bin/python scripts/screenshot.py site/ projekt/slug/ metoder/ ...

Serves the folder on localhost, writes PNGs to screenshots/ (not committed).
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(site: str, paths: list[str], out: str = "screenshots", width: int = 1280) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Path(out).mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for path in paths:
            page.goto(f"http://127.0.0.1:{server.server_port}/{path}")
            name = path.strip("/").replace("/", "_") or "start"
            page.screenshot(path=f"{out}/{name}.png", full_page=True)
            print(f"{out}/{name}.png")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
