"""Timing of ``qbank validate``: the real bank and a synthetic 10k-question bank.

    python -m benchmarks.validate_bench [--size 10000] [--runs 3] [--keep DIR] [--json FILE]

Each figure is the wall time of the command a contributor or CI runs (``qbank validate``
in a fresh process: interpreter start, imports, every check, KaTeX included), the median
of ``--runs`` runs.  Goals (issue 5): < 2 s for the real bank, < 30 s for 10k questions.

The synthetic bank is built to be *harder* than the real one, not easier:

* titles are distinct questions assembled from the real bank's vocabulary (so the
  near-duplicate index sees realistic word frequencies), each naming one concept of its
  own, as real questions do;
* bodies are the real bank's answers, cycled, so links, HTML, fences and math occur at
  the real rate; and every 4th file gets two formulas of its own (unique TeX, so the
  KaTeX cache never helps): 5,000 extra formulas in 10k files, where the real bank has
  14 formulas in 131 files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from qbank.bank import slugify, split_front_matter
from qbank.dedupe import question_key
from qbank.repo import repo_root

TEMPLATES = [
    "What is {c} and how does it relate to {a}?",
    "How does {c} change {a} when training with {b}?",
    "Why would you use {c} instead of {a}?",
    "Explain {c} in the context of {a}.",
    "What are the limitations of {c} for {a}?",
    "When does {c} fail, and how do you detect it with {b}?",
    "Compare {c} with {a} for {b}.",
    "Describe how {c} is computed during {a}.",
]
SYLLABLES = "ka ve lo mi ra tu pen dor sil var ny quo zen bra fli gor hul ix".split()
_GENERIC = {"learning", "model", "models", "network", "networks", "neural", "deep", "machine", "between", "their",
            "which", "other", "there", "these", "those", "about", "would", "could", "should", "while", "where"}


def _concept(i: int) -> str:
    """A made-up, pronounceable term unique to question ``i`` ("kavelo-mi")."""
    parts = []
    n = i + 7919
    while n:
        n, r = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[r])
    return "".join(parts[:3]) + ("-" + "".join(parts[3:]) if len(parts) > 3 else "")


def build_synthetic(dest: Path, size: int, seed: int = 5) -> Path:
    """A project tree at ``dest`` with ``size`` bank files; returns ``dest``."""
    repo = repo_root()
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("data", "seeds", "node_modules"):
        if not (dest / name).exists():
            (dest / name).symlink_to(repo / name, target_is_directory=True)
    shutil.copytree(repo / "docs" / "assets", dest / "docs" / "assets", dirs_exist_ok=True)
    real = sorted((repo / "docs" / "questions").glob("*/*.md"))
    sources = []
    vocab: set[str] = set()
    for path in real:
        meta, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
        sources.append((meta, body))
        vocab |= {w for w in re.findall(r"[a-z][a-z-]{4,}", str(meta.get("title", "")).lower())
                  if question_key(w) == w and w not in _GENERIC}
    words = sorted(vocab)
    topics = sorted({str(m["topic"]) for m, _ in sources})
    for i in range(size):
        meta, body = sources[i % len(sources)]
        a, b = rng.sample(words, 2)
        title = rng.choice(TEMPLATES).format(c=_concept(i), a=a, b=b)
        title = title[0].upper() + title[1:]
        topic = topics[i % len(topics)]
        qid = "q-" + hashlib.sha256(f"synthetic {i}".encode()).hexdigest()[:7]
        front = {"id": qid, "title": title, "topic": topic, "tags": list(meta["tags"]),
                 "difficulty": meta["difficulty"], "status": meta["status"], "origins": []}
        body = re.sub(r"^## Answer \(source: [^)]*\)", "## Answer (source: community)", body, flags=re.M)  # no origins
        text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100) + "---\n" + body
        if i % 4 == 0 and meta["status"] == "answered":
            text = text.rstrip("\n") + (f"\n\nFor unit {i}, \\(\\sigma(z_{{{i}}}) = \\frac{{1}}{{1 + e^{{-z_{{{i}}}}}}}\\)"
                                        f" and\n\n\\[ \\sum_{{k=1}}^{{{i}}} w_k x_k + b_{{{i}}} \\]\n")
        folder = dest / "docs" / "questions" / topic
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slugify(title)}.md").write_text(text, encoding="utf-8")
    return dest


def _qbank() -> str:
    exe = Path(sys.executable).with_name("qbank")
    return str(exe) if exe.exists() else shutil.which("qbank") or "qbank"


def time_validate(root: Path, runs: int) -> dict:
    """Median wall time of ``qbank validate`` run in ``root``, and what it reported."""
    times, last = [], None
    for _ in range(runs):
        start = time.perf_counter()
        last = subprocess.run([_qbank(), "validate", "--format", "json"], cwd=root, capture_output=True, text=True,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
        times.append(time.perf_counter() - start)
    assert last is not None
    report = json.loads(last.stdout) if last.stdout.strip().startswith("{") else {}
    return {"files": report.get("files"), "problems": len(report.get("problems", [])), "exit": last.returncode,
            "seconds_median": round(statistics.median(times), 2), "seconds_all": [round(t, 2) for t in times],
            "in_process_seconds": report.get("seconds")}


HOSTILE = {
    # 700 bytes that expand to 9^9 (387 million) strings if anything walks them
    "alias-bomb": "lol: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
        f"l{n}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)),
    # front matter at the size limit: 64 KiB of one long list
    "64 KiB list": "aliases:\n" + "".join(f"- alias number {n} of a very long list\n" for n in range(1800)),
    # deeply nested flow collections
    "deep nesting": "tags: " + "[" * 5000 + "]" * 5000 + "\n",
}


def time_hostile(runs: int) -> dict:
    """Wall time of ``qbank validate FILE`` on front matter built to exhaust it."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="qbank-hostile-") as tmp:
        root = Path(tmp)
        for name in ("data", "seeds", "node_modules"):
            (root / name).symlink_to(repo_root() / name, target_is_directory=True)
        folder = root / "docs" / "questions" / "foundations"
        folder.mkdir(parents=True)
        for n, (label, yaml_text) in enumerate(HOSTILE.items()):
            path = folder / f"hostile-{n}.md"
            path.write_text(f"---\nid: q-0000{n:03d}\ntitle: Hostile?\ntopic: foundations\ntags: [neural-networks]\n"
                            f"difficulty: easy\nstatus: unanswered\norigins: []\n{yaml_text}---\n", encoding="utf-8")
            times, last = [], None
            for _ in range(runs):
                start = time.perf_counter()
                last = subprocess.run([_qbank(), "validate", str(path)], cwd=root, capture_output=True, text=True)
                times.append(time.perf_counter() - start)
            assert last is not None
            out[label] = {"bytes": path.stat().st_size, "seconds_median": round(statistics.median(times), 2),
                          "exit": last.returncode, "codes": sorted(set(re.findall(r" (QB\d{3}) ", last.stdout)))}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the synthetic bank here and keep it")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    results = {"real": time_validate(repo_root(), args.runs)}
    print(f"real bank: {results['real']}", flush=True)
    results["hostile"] = time_hostile(args.runs)
    print(f"hostile front matter: {results['hostile']}", flush=True)
    tmp = None
    where = args.keep
    if where is None:
        tmp = tempfile.TemporaryDirectory(prefix="qbank-bench-")
        where = Path(tmp.name)
    try:
        start = time.perf_counter()
        build_synthetic(where, args.size)
        results["synthetic_build_seconds"] = round(time.perf_counter() - start, 1)
        results[f"synthetic_{args.size}"] = time_validate(where, args.runs)
        print(f"synthetic {args.size}: {results[f'synthetic_{args.size}']}", flush=True)
    finally:
        if tmp is not None:
            tmp.cleanup()
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
