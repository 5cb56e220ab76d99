"""A contributor's whole path, as CONTRIBUTING.md tells it, in a throw-away copy of the tree.

qbank new -> write an answer (forgetting the status first: validation says exactly what to
fix) -> make validate passes -> the strict build shows the page as answered, and the
unanswered page no longer lists it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from conftest import REPO
from qbank.bank import load_bank
from qbank.site import pages

QUESTION = "What is the lottery ticket hypothesis in network pruning?"
TOPIC = "efficiency-and-deployment"
ANSWER = r"""## Answer (source: community)

A large, randomly initialised network contains small subnetworks ("winning tickets") that,
trained in isolation from the *same* initial weights, reach the accuracy of the full network.

They are found by iterative magnitude pruning: train, remove the smallest weights, reset the
survivors to their initial values \(\theta_0\), repeat. With a mask \(m\):

\[ f(x;\, m \odot \theta_0) \;\to\; \text{train} \;\to\; \text{accuracy} \approx f(x;\, \theta^{*}) \]

Source: Frankle & Carbin, [The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635) (ICLR 2019).
"""


def sh(cmd: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def clone(dest: Path) -> Path:
    """The working tree as a contributor's checkout: files copied (mtimes kept, so make
    sees the set-up as done); the virtualenv and node_modules are this checkout's own."""
    dest.mkdir()
    for name in ("docs", "data", "seeds", "overrides"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "Makefile", "pyproject.toml", "package.json", "package-lock.json",
                 "README.md", "CONTRIBUTING.md"):
        shutil.copy2(REPO / name, dest / name)
    for name in ("scripts", ".venv", "node_modules"):
        os.symlink(REPO / name, dest / name, target_is_directory=True)
    return dest


# `make validate` depends on `make setup`; -o marks the venv and node_modules as up to date
# so the test never reinstalls into the shared ones (the fresh-clone path is timed in the
# README instead).
MAKE_VALIDATE = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.package-lock.json",
                 "validate"]


def test_contributor_adds_an_answer_and_sees_it_built(tmp_path: Path) -> None:
    repo = clone(tmp_path / "checkout")
    guide = (repo / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "qbank new" in guide and "make validate" in guide and "## Answer (source: community)" in guide

    # 1. scaffold
    new = sh([".venv/bin/qbank", "new", QUESTION, "--topic", TOPIC, "--tags", "model-efficiency"], repo)
    assert new.returncode == 0, new.stdout + new.stderr
    created = re.search(r"created (\S+\.md) \(id (q-[0-9a-f]{7})\)", new.stdout)
    assert created, new.stdout
    path, qid = repo / created.group(1), created.group(2)
    assert path.parent == repo / "docs" / "questions" / TOPIC
    text = path.read_text(encoding="utf-8")
    assert "status: unanswered" in text
    questions = load_bank(repo / "docs")
    listed = pages.unanswered(questions, {})
    assert path.relative_to(repo / "docs").with_suffix("").as_posix() in listed  # on the unanswered page now

    # 2. write the answer but forget the status: validation says exactly what to change
    body_start = text.index("<!--")
    path.write_text(text[:body_start] + ANSWER, encoding="utf-8")
    wrong = sh(MAKE_VALIDATE, repo)
    assert wrong.returncode != 0
    status_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("status:"))
    rel = path.relative_to(repo).as_posix()
    assert f"{rel}:{status_line}:9: QB302 status is 'unanswered' but the file has 1 answer" in wrong.stdout, wrong.stdout
    assert "hint: set `status: answered`" in wrong.stdout

    # 3. fix it: make validate is green
    path.write_text(path.read_text(encoding="utf-8").replace("status: unanswered", "status: answered"), encoding="utf-8")
    ok = sh(MAKE_VALIDATE, repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "no problems" in ok.stdout and "bank up to date" in ok.stdout

    # 4. the strict build shows it answered, and no longer as unanswered
    site = tmp_path / "site"
    build = sh([".venv/bin/mkdocs", "build", "--strict", "-d", str(site)], repo)
    assert build.returncode == 0, (build.stdout + build.stderr)[-3000:]
    url = path.relative_to(repo / "docs").with_suffix("").as_posix() + "/"
    page = (site / url / "index.html").read_text(encoding="utf-8")
    assert 'class="qb-badge qb-badge--answered">Answered<' in page
    assert "Answer this question" not in page
    assert "winning tickets" in page and 'class="katex"' in page and "Written for this site by a contributor." in page
    assert qid in page
    unanswered = (site / "unanswered" / "index.html").read_text(encoding="utf-8")
    assert url not in unanswered and QUESTION not in unanswered
    document = json.loads((site / "questions.json").read_text(encoding="utf-8"))
    entry = next(q for q in document["questions"] if q["id"] == qid)
    assert entry["status"] == "answered" and entry["answers"][0]["source"] == "community"
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["tags"] == ["model-efficiency"] and meta["topic"] == TOPIC
