"""The GitHub side of contributing: workflows, issue forms, PR template, pre-commit.

The site's "Report a problem" link pre-fills an issue form by field id; these tests keep
the forms, the link and the topic list in step with the code.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from conftest import REPO
from qbank.bank import Question
from qbank.taxonomy import Taxonomy
from qbank.site.pages import issue_url

GITHUB = REPO / ".github"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def form_ids(form: dict) -> set[str]:
    return {f["id"] for f in form["body"] if "id" in f}


def test_report_link_prefills_the_wrong_answer_form() -> None:
    q = Question(id="q-1234567", title="What is x?", topic="foundations", tags=[], difficulty="easy",
                 status="answered", path=Path("questions/foundations/what-is-x.md"))
    url = urlsplit(issue_url("https://github.com/o/r", q, "https://o.github.io/r/questions/foundations/what-is-x/"))
    query = parse_qs(url.query)
    template = GITHUB / "ISSUE_TEMPLATE" / query["template"][0]
    assert template.is_file(), f"the site links to {template.name}, which does not exist"
    form = load(template)
    prefilled = set(query) - {"template", "title", "body", "labels", "assignees"}
    assert prefilled and prefilled <= form_ids(form), f"{prefilled - form_ids(form)} are not fields of {template.name}"


def test_suggest_question_form_matches_the_taxonomy() -> None:
    form = load(GITHUB / "ISSUE_TEMPLATE" / "suggest-question.yml")
    assert {"question", "topic", "answer"} <= form_ids(form)
    topic = next(f for f in form["body"] if f.get("id") == "topic")
    assert topic["attributes"]["options"] == ["not sure", *[t.id for t in Taxonomy.load(REPO / "data").topics]]


def test_workflows_run_the_readme_commands() -> None:
    ci = load(GITHUB / "workflows" / "ci.yml")
    assert set(ci[True]) >= {"pull_request", "push"}  # YAML 1.1 reads `on:` as True
    steps = [s.get("run", "") for s in ci["jobs"]["test"]["steps"]]
    # The README's test command, with each validation problem shown on its line of the pull request.
    check = 'make check VALIDATE_FLAGS="--format github"'
    assert "make check" in (REPO / "README.md").read_text(encoding="utf-8").split("```sh", 1)[1].split("```")[0]
    assert check in steps and "make check" in (REPO / ".ci" / "run").read_text(encoding="utf-8").split("\n")
    # GitHub's Ubuntu runners have no Debian chromium: the browser tests use Playwright's own.
    assert ".venv/bin/playwright install --with-deps chromium" in steps
    assert ci["jobs"]["test"]["env"]["QBANK_CHROMIUM"] == "playwright"
    assert "playwright install" not in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    pages = load(GITHUB / "workflows" / "pages.yml")
    assert pages[True]["push"]["branches"] == ["main"]
    runs = [s.get("run", "") for s in pages["jobs"]["build"]["steps"]]
    assert check in runs and runs.index(check) < next(i for i, r in enumerate(runs) if "mkdocs build" in r)
    uses = [s.get("uses", "") for j in pages["jobs"].values() for s in j["steps"]]
    assert any("mkdocs build --strict" in r for r in runs)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert pages["permissions"]["pages"] == "write" and pages["permissions"]["id-token"] == "write"


def test_pull_request_template_and_pre_commit() -> None:
    template = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ]") >= 5 and "make validate" in template
    hooks = load(REPO / ".pre-commit-config.yaml")["repos"][0]["hooks"]
    hook = next(h for h in hooks if h["id"] == "qbank-validate")
    assert hook["entry"] == ".venv/bin/qbank validate" and hook["language"] == "system"
    assert hook["files"] == r"^docs/questions/.*\.md$"
