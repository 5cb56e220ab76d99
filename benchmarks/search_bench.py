"""How fast the site's search answers a reader on a slow phone: ``python -m benchmarks.search_bench SITE``.

Why: the goal is "first result ≤ 1.5 s after the first keystroke, ≤ 100 ms per later
keystroke, at 10,000 questions, on Lighthouse's slow-4G mobile profile", and only a real
browser under that profile can say.  Used by ``make bench`` (:mod:`benchmarks.bench`) on the real
site and on synthetic banks; runnable alone on any built site.

The site is served with gzip (as GitHub Pages serves it) from a local server; headless
Debian chromium gets, through CDP, ``Network.emulateNetworkConditions`` (150 ms RTT,
1.6 Mbit/s down, 750 kbit/s up) and ``Emulation.setCPUThrottlingRate`` (4×).  The page
loads first (nothing of search is fetched then), the reader clicks the search box and types
one key at a time, pausing between keys as a person does.  Times are taken inside the page
(``performance.now()``): from each ``keydown`` to the next frame after search.js rendered
results for the new text (``data-qb-query`` on the result list).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import re
import statistics
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Lighthouse's "slow 4G" mobile profile (throttling.mobileSlow4G).
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1638.4 * 1024 / 8,
           "uploadThroughput": 750 * 1024 / 8}
CPU_SLOWDOWN = 4
QUERY = "gradient descent"
PAUSE_MS = 250  # between keys, after the previous key's results are on screen

_COMPRESSIBLE = re.compile(r"text/|javascript|json|xml|svg|css", re.I)

INSTRUMENT = """() => {
  const T = window.__qbT = {keys: [], renders: []};
  document.addEventListener('keydown', e => T.keys.push([performance.now(), e.key]), true);
  const list = document.querySelector('.md-search-result__list');
  new MutationObserver(() => {
    const q = list.dataset.qbQuery, items = list.children.length, done = performance.now();
    requestAnimationFrame(() => T.renders.push([performance.now(), q, items, done]));
  }).observe(list, {attributes: true, attributeFilter: ['data-qb-query']});
}"""


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip -6 for text types when the browser accepts it (as GitHub Pages)."""

    cache_control = "no-store"

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", self.cache_control)
        super().end_headers()

    def send_head(self):  # the stdlib's signature
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "") or not _COMPRESSIBLE.search(ctype):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io
        return io.BytesIO(body)


def serve_gzip(directory: Path, cache_control: str = "no-store") -> contextlib.AbstractContextManager[str]:
    """``directory`` served as GitHub Pages does (gzip for text); yields the base URL.

    ``cache_control`` goes on every response: ``no-store`` (every load downloads everything: the
    search measurements), or GitHub Pages' own ``max-age=600`` (Lighthouse: a file a page asks
    for twice comes from the memory cache the second time, as it does on the real host).
    """
    handler = type("_Handler", (_GzipHandler,), {"cache_control": cache_control})
    return serve_static(directory, handler)


@contextlib.contextmanager
def serve_static(directory: Path, handler_class: type[http.server.SimpleHTTPRequestHandler]) -> Iterator[str]:
    """``directory`` on an ephemeral 127.0.0.1 port in a thread; yields the base URL."""
    handler = functools.partial(handler_class, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def index_sizes(site_dir: Path) -> dict:
    """Bytes (raw and gzip -6) of the compact index and of all term shards together."""
    compact = (site_dir / "search" / "qbank.json").read_bytes()
    shards = sorted((site_dir / "search" / "terms").glob("*.json"))
    gz = [len(gzip.compress(p.read_bytes(), 6)) for p in shards]
    return {"compact_bytes": len(compact), "compact_gzip": len(gzip.compress(compact, 6)),
            "shards": len(shards), "shards_bytes": sum(p.stat().st_size for p in shards),
            "shards_gzip": sum(gz), "largest_shard_gzip": max(gz, default=0),
            "material_index_bytes": (site_dir / "search" / "search_index.json").stat().st_size}


def measure(site_dir: Path, page_path: str, query: str = QUERY, throttled: bool = True, browser: Any = None) -> dict:
    """Type ``query`` into the search box of ``page_path``, one key at a time; see the module doc."""
    from playwright.sync_api import sync_playwright

    with serve_gzip(site_dir) as base, contextlib.ExitStack() as stack:
        if browser is None:
            pw = stack.enter_context(sync_playwright())
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        stack.callback(context.close)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url.removeprefix(base)))
        if throttled:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_4G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(base + page_path, wait_until="load", timeout=120_000)
        page.wait_for_load_state("networkidle", timeout=120_000)
        before = [u for u in requests if u.startswith("search/")]
        page.evaluate(INSTRUMENT)
        page.click(".md-search__input")
        focus_at = page.evaluate("() => performance.now()")
        for n in range(1, len(query) + 1):
            page.keyboard.press(query[n - 1] if query[n - 1] != " " else "Space")
            page.wait_for_function("q => document.querySelector('.md-search-result__list').dataset.qbQuery === q",
                                   arg=query[:n], timeout=60_000)
            page.wait_for_timeout(PAUSE_MS)
        page.wait_for_load_state("networkidle", timeout=120_000)
        page.wait_for_timeout(300)
        t = page.evaluate("() => window.__qbT")
        shown = page.locator(".md-search-result__item").count()
    keys = [k for k in t["keys"]]
    per_key = []
    for n, (at, _key) in enumerate(keys[:len(query)], start=1):
        first = next((r for r in t["renders"] if r[0] >= at and r[1] == query[:n]), None)
        per_key.append(None if first is None else first[0] - at)
    final = [r for r in t["renders"] if r[1] == query]
    return {
        "page": page_path, "query": query, "throttled": throttled,
        "search_requests_before_use": before,
        "first_result_ms": per_key[0],
        "first_result_from_focus_ms": None if per_key[0] is None else keys[0][0] + per_key[0] - focus_at,
        "later_keys_ms": per_key[1:],
        "later_median_ms": statistics.median([x for x in per_key[1:] if x is not None]) if len(per_key) > 1 else None,
        "later_max_ms": max((x for x in per_key[1:] if x is not None), default=None),
        "full_text_ms": (final[-1][0] - keys[-1][0]) if final else None,
        "results_shown": shown,
        "search_requests": [u for u in requests if u.startswith("search/")],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site directory (mkdocs build -d SITE)")
    parser.add_argument("--page", default="", help="site path of the page to search from (default: home)")
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--no-throttle", action="store_true")
    args = parser.parse_args(argv)
    result = {"index": index_sizes(args.site),
              **measure(args.site, args.page, args.query, throttled=not args.no_throttle)}
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
