"""Provenance on the page and in the exports (issue 11 §3–4): the reader sees whose text
each answer is (quoted, edited by the project, written by the project or a contributor),
when the page was last reviewed, its history, and old URLs keep working.

One build of a copy of the project in which one question was edited the way an editor
does it: a source answer marked ``edited``, a project answer added, ``reviewed:`` set,
and the file moved to another slug with ``redirect_from:`` naming the old path.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import copy_project, mkdocs_build

OLD = "questions/classical-ml/what-is-dummy-variable-trap-in-ml.md"
NEW = "questions/classical-ml/what-is-the-dummy-variable-trap.md"


@pytest.fixture(scope="module")
def edited_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("provenance") / "repo", site=True)
    old = root / "docs" / OLD
    text = old.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    lines = [line for line in head.split("\n") if not line.startswith(("import_digest:", "reviewed:"))]
    head = "\n".join(lines).replace("\nstatus: answered\n", "\nstatus: answered\nreviewed: 2026-11-30\n", 1)
    head = re.sub(r"\ntitle: .*\n", "\ntitle: What is the dummy variable trap?\n", head, count=1)
    head += f"\nredirect_from:\n- {OLD}"
    body = re.sub(r"## Answer \(source: lazy-ds-guide(, edited)?\)", "## Answer (source: lazy-ds-guide, edited)", body, count=1)
    body = body.replace("Refer Wikipedia", "([Wikipedia](https://en.wikipedia.org/wiki/Dummy_variable_(statistics)))", 1)
    if "## Answer (source: project)" not in body:
        body += "\n## Answer (source: project)\n\nWith \\(k\\) levels and an intercept, keep \\(k-1\\) dummies.\n"
    (root / "docs" / NEW).write_text(f"{head}\n---\n{body}", encoding="utf-8")
    old.unlink()
    proc = mkdocs_build(root, root / "site")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return root / "site"


def test_each_answer_says_what_kind_of_text_it_is(edited_site: Path) -> None:
    page = (edited_site / NEW[:-3] / "index.html").read_text(encoding="utf-8")
    assert "qb-attribution--edited" in page and "edited by the project" in page
    assert "see what changed" in page and "/commits/main/docs/" + NEW in page
    assert "Written for this site by the project" in page
    assert "quoted as imported" not in page  # no answer on this page is verbatim any more


def test_the_foot_names_the_source_and_the_review(edited_site: Path) -> None:
    page = (edited_site / NEW[:-3] / "index.html").read_text(encoding="utf-8")
    foot = page[page.index('<p class="qb-provenance">'):]
    foot = foot[: foot.index("</p>")]
    assert "A Lazy Data Science Guide" in foot and "sources/#lazy-ds-guide" in foot
    assert '<time datetime="2026-11-30">30 November 2026</time>' in foot
    assert "000_d3bd1c64e802493d.txt" not in foot  # a seed file name means nothing to a reader


def test_the_old_url_redirects_to_the_new_page(edited_site: Path) -> None:
    stub = (edited_site / OLD[:-3] / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=../../../questions/classical-ml/what-is-the-dummy-variable-trap/"' in stub
    assert 'rel="canonical"' in stub and 'name="robots" content="noindex"' in stub


def test_the_exports_carry_the_same_provenance(edited_site: Path) -> None:
    doc = json.loads((edited_site / "questions.json").read_text(encoding="utf-8"))
    q = next(q for q in doc["questions"] if q["path"] == NEW)
    assert q["reviewed"] == "2026-11-30"
    assert [(a["source"], a["kind"]) for a in q["answers"]] == [("lazy-ds-guide", "edited"), ("project", "project")]
    rows = list(csv.DictReader(io.StringIO((edited_site / "downloads" / "dl-interview-questions.csv")
                                           .read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["id"] == q["id"])
    assert (row["sources"], row["answer_kinds"], row["reviewed"]) == ("lazy-ds-guide project", "edited project", "2026-11-30")
