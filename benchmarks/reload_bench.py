"""Edit-to-reload under ``mkdocs serve``: ``python -m benchmarks.reload_bench [--dirty] [--runs 3]``.

Why: the goal is "after saving one question file under ``make serve``, the browser shows the
change in ≤ 3 s on the real bank".  This starts ``mkdocs serve`` (as ``make serve`` does, or
with the options given) on a throw-away copy of the project, waits for the first build, then
``--runs`` times: rewrites the title of one question file and times, from the moment the file
is written, until the served question page shows the new title (the time a reader waits after
saving: the watcher's delay, the rebuild, the livereload poll; polled every 50 ms), and then
the topic page that lists it.  Used by ``make bench`` (:mod:`qbank.bench`); runnable alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from qbank.repo import repo_root

REPO = repo_root()
COPY = ("docs", "data", "seeds", "overrides")
QUESTION = "questions/activations/explain-the-concept-of-temperature-in-deep-learning.md"  # has math
FIRST_BUILD_TIMEOUT = 300.0
RELOAD_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return None


def _wait_for(url: str, text: str, timeout: float, proc: subprocess.Popen) -> float | None:
    """Seconds until ``url`` serves a page containing ``text`` (None on timeout or exit)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            return None
        body = _get(url)
        if body is not None and text in body:
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def measure(project: Path, question: str = QUESTION, runs: int = 3, serve_args: tuple[str, ...] = ("--dirty",),
            log=print) -> dict:  # noqa: ANN001 - a print-like callable
    """Serve ``project`` (a copy: its ``question`` file is edited) and time ``runs`` edits."""
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", QBANK_NODE_MODULES=str(REPO / "node_modules"))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload", *serve_args]
    path = project / "docs" / question
    original = path.read_text(encoding="utf-8")
    title = re.search(r"(?m)^title: *(.+)$", original)
    assert title, f"{path}: no title"
    topic = question.split("/")[1]
    base = f"http://127.0.0.1:{port}/dl-interview-questions/"
    page, topic_page = base + question[: -len(".md")] + "/", base + f"questions/{topic}/"
    out: dict = {"command": " ".join(["mkdocs", "serve", *serve_args]), "question": question, "load1": os.getloadavg()[0],
                 "runs": []}
    log_path = project / ".reload-bench.log"
    log_file = open(log_path, "w", encoding="utf-8")  # closed in finally
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=log_file, text=True)
    try:
        start = time.monotonic()
        first = _wait_for(page, "<h1", FIRST_BUILD_TIMEOUT, proc)
        if first is None:
            out["error"] = "the first build did not finish: " + log_path.read_text(encoding="utf-8")[-2000:]
            return out
        out["first_build_s"] = time.monotonic() - start
        time.sleep(1.0)  # let the watcher settle
        for n in range(runs):
            marker = f"Reload probe {n} {int(time.time() * 1000)}"
            load = os.getloadavg()[0]
            path.write_text(original.replace(title.group(0), f"title: {marker}", 1), encoding="utf-8")
            t0 = time.monotonic()
            seen = _wait_for(page, marker, RELOAD_TIMEOUT, proc)
            listed = _wait_for(topic_page, marker, RELOAD_TIMEOUT, proc)
            listed = None if listed is None else time.monotonic() - t0
            builds = re.findall(r"Documentation built in ([\d.]+) seconds", log_path.read_text(encoding="utf-8"))
            out["runs"].append({"page_s": seen, "topic_page_s": listed, "load1": load,
                                "rebuild_s": float(builds[-1]) if builds else None, "builds": len(builds)})
            log(f"reload: edit {n + 1}: page {seen if seen is None else round(seen, 2)} s, "
                f"topic page {listed if listed is None else round(listed, 2)} s; "
                f"MkDocs: built in {out['runs'][-1]['rebuild_s']} s, {len(builds)} builds so far (load {load:.1f})")
            time.sleep(1.0)
    finally:
        path.write_text(original, encoding="utf-8")
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log_file.close()
    done = [r["page_s"] for r in out["runs"] if r["page_s"] is not None]
    out["median_s"] = statistics.median(done) if done else None
    out["max_s"] = max(done) if done else None
    return out


def summary(result: dict) -> str:
    """One line for ``make bench``'s report."""
    if result.get("median_s") is None:
        return f"`{result['command']}`: failed: {result.get('error') or 'no change seen'}"
    loads = [r["load1"] for r in result["runs"]]
    return (f"`{result['command']}`, {len(result['runs'])} edits of the title of `docs/{result['question']}`: "
            f"the page shows the change after **{result['median_s']:.2f} s** (median; max {result['max_s']:.2f} s; "
            f"goal ≤ 3 s), the topic page at the same time; load average {min(loads):.1f}–{max(loads):.1f}.")


def copy_project(dest: Path) -> Path:
    """What ``mkdocs serve`` reads, copied (the edits must not touch the repository)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPY:
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reload_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--question", default=QUESTION, help="bank file to edit, relative to docs/ (default: %(default)s)")
    parser.add_argument("--project", type=Path, help="serve this project (edited in place, restored after) instead of a copy of the repository")
    parser.add_argument("--full", action="store_true", help="plain `mkdocs serve` (every page rebuilt) instead of --dirty")
    args = parser.parse_args(argv)
    serve_args = () if args.full else ("--dirty",)
    if args.project:
        result = measure(args.project, args.question, args.runs, serve_args)
    else:
        with tempfile.TemporaryDirectory(prefix="qbank-reload-") as tmp:
            result = measure(copy_project(Path(tmp) / "project"), args.question, args.runs, serve_args)
    print(json.dumps(result, indent=2))
    print(summary(result))
    return 0 if result.get("median_s") is not None else 1


if __name__ == "__main__":
    sys.exit(main())
