"""Lighthouse scores of the built site's page kinds, in the light and the dark palette.

``python -m benchmarks.lighthouse_bench SITE_DIR`` (or ``make bench`` / ``python -m benchmarks.bench
--only lighthouse``, which builds the site first) serves ``SITE_DIR`` with gzip on
127.0.0.1 (:func:`benchmarks.search_bench.serve_gzip`) and runs the pinned Lighthouse CLI
(``node_modules/.bin/lighthouse``, npm devDependency) with Debian's chromium
(``CHROME_PATH=/usr/bin/chromium``) on every page kind of issue 14: home, a topic page, a
question with math, one with a mermaid diagram, tags, unanswered, study and a notebook.
Nothing leaves the machine: the server is local and chromium runs with the flags of the
browser tests (no background networking, no component update).

The dark palette: Material's first palette entry follows the system preference when the
reader has not chosen one, so chromium started with ``--force-dark-mode`` (which makes
``prefers-color-scheme: dark`` match) renders the ``slate`` scheme. Lighthouse resets
storage before each run, so a palette stored in localStorage (Material's ``__palette``
key, which the browser tests use) would not survive; this is the equivalent.

Accessibility, best practices and SEO are one Lighthouse run per page, form factor (mobile,
desktop) and palette (these scores are deterministic); mobile performance (``--performance``) is the median of three runs
per page in the light palette, Lighthouse's default simulated slow-4G + 4x CPU profile.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from qbank.repo import repo_root

from .search_bench import serve_gzip

REPO = repo_root()
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
CATEGORIES = ("accessibility", "best-practices", "seo")
PALETTES = ("light", "dark")
FORM_FACTORS = ("mobile", "desktop")  # Lighthouse's default (moto g power, 412 px) and --preset=desktop
PAGE_KINDS = ("home", "topic", "math", "mermaid", "tags", "unanswered", "study", "notebook")


def page_paths(docs: Path | None = None) -> dict[str, str]:
    """Site paths of one page of each kind, found in the bank by content (renames do not
    break the bench): the softmax-temperature question (math), the logits/soft/hard targets
    question (mermaid), its topic page, the attention notebook."""
    from qbank.bank import load_bank

    docs = docs or REPO / "docs"
    paths = {"home": "", "tags": "tags/", "unanswered": "unanswered/", "study": "study/"}
    for q in load_bank(docs):
        body = " ".join(a.markdown for a in q.answers)
        if "math" not in paths and re.search(r"temperature", q.title, re.I) and re.search(r"softmax", body, re.I):
            paths["math"] = q.url
            paths["topic"] = f"questions/{q.topic}/"
        if "mermaid" not in paths and re.search(r"logits.*soft.*hard", q.title, re.I) and "```mermaid" in body:
            paths["mermaid"] = q.url
    notebooks = sorted((docs / "notebooks").glob("*.ipynb"))
    if notebooks:
        preferred = [n for n in notebooks if n.stem == "attention"] or notebooks
        paths["notebook"] = f"notebooks/{preferred[0].stem}/"
    return {k: paths[k] for k in PAGE_KINDS if k in paths}


def run_lighthouse(url: str, *, categories: tuple[str, ...] = CATEGORIES, dark: bool = False,
                   desktop: bool = False, timeout: float = 180.0) -> dict:
    """One Lighthouse run; returns its category scores (0-100) and the failing audits."""
    if not os.access(LIGHTHOUSE, os.X_OK):
        raise RuntimeError(f"{LIGHTHOUSE} is missing: run `make setup` (npm ci installs the pinned lighthouse)")
    flags = CHROME_FLAGS + (["--force-dark-mode"] if dark else [])
    with tempfile.TemporaryDirectory(prefix="qbank-lh-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=" + ",".join(categories), "--chrome-flags=" + " ".join(flags),
               "--max-wait-for-load=30000"]
        if desktop:
            cmd.append("--preset=desktop")
        env = dict(os.environ, CHROME_PATH=CHROMIUM, TMPDIR=tmp)
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not out.is_file():
            raise RuntimeError(f"lighthouse exited {proc.returncode}: {proc.stderr.strip()[-600:]}")
        report = json.loads(out.read_text(encoding="utf-8"))
    scores, failing = {}, {}
    for cid, cat in report["categories"].items():
        scores[cid] = None if cat["score"] is None else round(100 * cat["score"])
        for ref in cat["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                items = (audit.get("details") or {}).get("items") or []
                nodes = [(i.get("node") or {}).get("snippet") for i in items if isinstance(i, dict)]
                failing.setdefault(cid, []).append({"id": ref["id"], "title": audit["title"],
                                                    "nodes": [n for n in nodes if n][:5]})
    metrics = {}
    if "performance" in categories:
        for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                    "cumulative-layout-shift", "speed-index"):
            metrics[key] = report["audits"].get(key, {}).get("numericValue")
    return {"scores": scores, "failing": failing, "metrics": metrics,
            "lighthouse": report.get("lighthouseVersion"), "user_agent": report.get("environment", {}).get("hostUserAgent")}


def measure(site_dir: Path, pages: dict[str, str], *, palettes: tuple[str, ...] = PALETTES,
            form_factors: tuple[str, ...] = FORM_FACTORS, performance_runs: int = 0, log: Callable[[str], None] = lambda msg: None) -> dict:
    """Scores of every page in every form factor and palette; with ``performance_runs``,
    also performance in each form factor (median of that many runs, light palette): mobile under
    ``performance``, desktop under ``performance_desktop``."""
    results: dict = {"pages": {}, "performance": {}, "performance_desktop": {}}
    with serve_gzip(site_dir, cache_control="max-age=600") as base:  # as GitHub Pages sends it
        for kind, path in pages.items():
            entry = results["pages"].setdefault(kind, {"path": path})
            for form in form_factors:
                for palette in palettes:
                    log(f"lighthouse: {kind} (/{path}), {form}, {palette}")
                    try:
                        run = run_lighthouse(base + path, dark=palette == "dark", desktop=form == "desktop")
                    except (RuntimeError, subprocess.TimeoutExpired) as exc:
                        run = {"error": str(exc)}
                    entry.setdefault(form, {})[palette] = run
            for form in form_factors if performance_runs else ():
                log(f"lighthouse: {kind} {form} performance x{performance_runs}")
                runs = []
                for _ in range(performance_runs):
                    try:
                        runs.append(run_lighthouse(base + path, categories=("performance",), desktop=form == "desktop"))
                    except (RuntimeError, subprocess.TimeoutExpired) as exc:
                        runs.append({"error": str(exc)})
                ok = [r for r in runs if "error" not in r]
                perf: dict = {"path": path, "runs": [r.get("scores", {}).get("performance") for r in runs]}
                if ok:
                    perf["median"] = statistics.median(r["scores"]["performance"] for r in ok)
                    for key in ok[0]["metrics"]:
                        vals = [r["metrics"][key] for r in ok if r["metrics"].get(key) is not None]
                        perf[key] = statistics.median(vals) if vals else None
                else:
                    perf["error"] = runs[0]["error"]
                results["performance" if form == "mobile" else "performance_desktop"][kind] = perf
    return results


def runs(results: dict) -> Iterator[tuple[str, str, str, dict]]:
    """Every (kind, form factor, palette, run) of a :func:`measure` result."""
    for kind, entry in results["pages"].items():
        for form in FORM_FACTORS:
            for palette, run in (entry.get(form) or {}).items():
                yield kind, form, palette, run


def report(results: dict) -> str:
    """Markdown: one row per page kind and form factor, a column per palette x category."""
    lines = []
    head = ["page", "form factor"] + [f"{c} ({p})" for p in PALETTES for c in CATEGORIES]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---", "---"] + ["--:"] * (len(head) - 2)) + "|")
    problems = []
    for kind, entry in results["pages"].items():
        for form in FORM_FACTORS:
            if form not in entry:
                continue
            row = [f"{kind} `/{entry['path']}`", form]
            for p in PALETTES:
                run = entry[form].get(p)
                for c in CATEGORIES:
                    row.append("–" if run is None else "error" if "error" in run else str(run["scores"].get(c)))
            lines.append("| " + " | ".join(row) + " |")
    for kind, form, palette, run in runs(results):
        if "error" in run:
            problems.append(f"- {kind} ({form}, {palette}): {run['error']}")
        for c, audits in run.get("failing", {}).items():
            for a in audits:
                problems.append(f"- {kind} ({form}, {palette}) {c}: `{a['id']}` {a['title']} {a['nodes'][:2]}")
    if problems:
        lines.append("\nFailing audits:\n")
        lines.extend(problems)
    for key, title in (("performance", "Mobile performance (Lighthouse default: simulated slow 4G, 4x CPU"),
                       ("performance_desktop", "Desktop performance (--preset=desktop")):
        lines.extend(_performance_table(results.get(key) or {}, title))
    return "\n".join(lines) + "\n"


def _performance_table(perf: dict, title: str) -> list[str]:
    lines: list[str] = []
    if perf:
        lines.append(f"\n{title}; light palette):\n")
        lines.append("| page | median | runs | FCP | LCP | TBT | CLS |")
        lines.append("|---|--:|---|--:|--:|--:|--:|")
        for kind, e in perf.items():
            if "error" in e:
                lines.append(f"| {kind} | error | {e['error'][:80]} | | | | |")
                continue
            def ms(k: str, e: dict = e) -> str:
                return "–" if e.get(k) is None else f"{e[k]:.0f} ms"
            cls = "–" if e.get("cumulative-layout-shift") is None else f"{e['cumulative-layout-shift']:.3f}"
            lines.append(f"| {kind} | **{e['median']:.0f}** | {', '.join(str(r) for r in e['runs'])} | "
                         f"{ms('first-contentful-paint')} | {ms('largest-contentful-paint')} | "
                         f"{ms('total-blocking-time')} | {cls} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lighthouse_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site directory (mkdocs build)")
    parser.add_argument("--page", action="append", choices=PAGE_KINDS, help="only this page kind (repeatable)")
    parser.add_argument("--palette", choices=PALETTES, help="only this palette")
    parser.add_argument("--form-factor", choices=FORM_FACTORS, help="only this form factor")
    parser.add_argument("--performance", type=int, default=0, metavar="RUNS",
                        help="also performance in each form factor measured, median of RUNS runs per page")
    parser.add_argument("--output", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    pages = page_paths()
    if args.page:
        pages = {k: v for k, v in pages.items() if k in args.page}
    palettes = (args.palette,) if args.palette else PALETTES
    forms = (args.form_factor,) if args.form_factor else FORM_FACTORS
    results = measure(args.site, pages, palettes=palettes, form_factors=forms, performance_runs=args.performance,
                      log=lambda m: print(m, file=sys.stderr, flush=True))
    if args.output:
        args.output.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
