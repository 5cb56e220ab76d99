"""``qbank validate``, ``qbank new`` and the build's defences (issue 5).

* the clean bank validates, in well under the 2 s goal;
* the bad-file corpus (tests/fixtures/bad, one problem per file, see expected.yml): each
  file yields exactly its one problem, with the exact code and line;
* a hypothesis fuzz of random front matter and Markdown: validate never raises and
  always returns well-formed, located problems;
* the CLI: formats (text, github annotations, json), exit codes, path selection;
* ``qbank new``: fresh id and slug in the right folder, the near-duplicate warning;
* the build: a validation error fails it with the located messages, and a file that
  skipped validation (`validate_bank: false`) still cannot put active content on the site.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, copy_project, qbank_cmd, without_bank_validation
from qbank.frontmatter import FIELD_ORDER
from qbank.validate import CODES, Context, Problem, bank_paths, load_doc, validate, validate_text

BAD = REPO / "tests" / "fixtures" / "bad"
EXPECTED: dict[str, dict] = yaml.safe_load((BAD / "expected.yml").read_text(encoding="utf-8"))
MKDOCS = REPO / ".venv" / "bin" / "mkdocs"


# -- the real bank -------------------------------------------------------------------------


def test_the_clean_bank_validates() -> None:
    report = validate(REPO)
    assert report.problems == [], "\n".join(p.format() for p in report.problems)
    notebooks = sorted((REPO / "docs" / "notebooks").glob("*.ipynb"))
    assert report.files == len(bank_paths(REPO / "docs")) + len(notebooks) > 100  # bank files and notebooks
    assert report.seconds < 10  # the README's figure is < 2 s on an idle machine


# -- the bad-file corpus --------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Problem]]:
    """Every bad file placed in a copy of the bank; ONE validation run reports them all."""
    root = copy_project(tmp_path_factory.mktemp("corpus") / "repo")
    placed = []
    for name, case in EXPECTED.items():
        dest = root / "docs" / case["at"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BAD / name, dest)
        placed.append(dest)
    report = validate(root, placed)
    by_path: dict[str, list[Problem]] = {}
    for p in report.problems:
        by_path.setdefault(p.path, []).append(p)
    return {name: by_path.get(f"docs/{case['at']}", []) for name, case in EXPECTED.items()}


def test_the_corpus_has_a_file_for_every_code() -> None:
    files = sorted(p.name for p in BAD.glob("*.md"))
    assert sorted(EXPECTED) == files, "tests/fixtures/bad/expected.yml and the files disagree"
    covered = {case["code"] for case in EXPECTED.values()}
    # QB403 (KaTeX not installed) cannot be a file: it has its own test below. The problems
    # of what is not a bank file (links, other file types, notebooks, data files) are
    # tested in tests/test_security.py.
    assert set(CODES) - covered == {"QB403", "QB108", "QB109", "QB508", "QB801"}
    assert len(files) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gets_exactly_its_problem(corpus: dict[str, list[Problem]], name: str) -> None:
    case = EXPECTED[name]
    got = corpus[name]
    assert [(p.code, p.line) for p in got] == [(case["code"], case["line"])], "\n".join(p.format() for p in got)
    problem = got[0]
    assert problem.col >= 1 and problem.message and problem.hint
    assert problem.format().startswith(f"docs/{case['at']}:{case['line']}:{problem.col}: {case['code']} ")
    assert problem.format().splitlines()[1].startswith("  hint: ")


def test_katex_missing_is_an_error_not_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QBANK_NODE_MODULES", str(tmp_path / "empty"))  # where KaTeX is not
    root = copy_project(tmp_path / "repo")
    name = "bad-fixture-qb402-katex-error.md"
    target = root / "docs" / EXPECTED[name]["at"]
    target.write_text((BAD / name).read_text(encoding="utf-8").replace("\\frac{1}{\\)", "x^2\\)"), encoding="utf-8")
    report = validate(root, [target])
    assert [(p.code, p.line) for p in report.problems] == [("QB403", 14)], [p.format() for p in report.problems]
    assert "KaTeX is not installed" in report.problems[0].message and "make setup" in report.problems[0].hint


# -- a few rules in more detail ---------------------------------------------------------------


BASE = """---
id: q-abcdef1
title: How does a fixture question read?
topic: foundations
tags:
- neural-networks
difficulty: easy
status: answered
origins: []
---

"""


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.load(REPO)


def check(ctx: Context, body: str, **kw) -> list[tuple[str, int]]:
    problems = validate_text(BASE + body, ctx, "questions/foundations/how-does-a-fixture-question-read.md", **kw)
    return [(p.code, p.line) for p in problems]


def test_community_and_handles_are_attribution(ctx: Context) -> None:
    assert check(ctx, "## Answer (source: community)\n\nText.\n") == []
    assert check(ctx, "## Answer (source: community @octo-cat)\n\nText.\n") == []
    assert check(ctx, "## Answer (source: project)\n\nText.\n") == []
    # A source can be credited only on a question imported from it (issue 10: no borrowed names).
    assert check(ctx, "## Answer (source: lazy-ds-guide)\n\nText.\n") == [("QB310", 12)]
    assert check(ctx, "## Answer (source: lazy-ds-guide, edited)\n\nText.\n") == [("QB310", 12)]
    assert check(ctx, "## Answer (source: community, edited)\n\nText.\n") == [("QB304", 12)]
    assert check(ctx, "## Answer (source: project, edited)\n\nText.\n") == [("QB304", 12)]
    assert check(ctx, "## Answer (source: @octocat)\n\nText.\n") == [("QB304", 12)]
    assert check(ctx, "## Answer (source: community @bad--handle)\n\nText.\n") == [("QB304", 12)]


def test_attribution_and_structure_edge_cases(ctx: Context) -> None:
    unanswered = BASE.replace("status: answered", "status: unanswered")
    name = "questions/foundations/how-does-a-fixture-question-read.md"

    def codes(text: str) -> list[tuple[str, int]]:
        return [(p.code, p.line) for p in validate_text(text, ctx, name)]
    # a heading that only holds a comment renders as an empty "Answer 1"
    assert codes(unanswered + "## Answer (source: community)\n\n<!-- to do -->\n") == [("QB306", 12)]
    # the scaffold's placeholder is fine
    assert codes(unanswered + "<!-- No answer yet -->\n") == []
    # headings and code before the first answer are unattributed too
    assert check(ctx, "### Intro\n\n## Answer (source: community)\n\nText.\n") == [("QB305", 12)]
    assert check(ctx, "```\ncode\n```\n\n## Answer (source: community)\n\nText.\n") == [("QB305", 12)]
    # an answer whose only content is code is an answer
    assert check(ctx, "## Answer (source: community)\n\n```python\nprint(1)\n```\n") == []
    # fences inside an answer hide headings and HTML from the checks
    assert check(ctx, "## Answer (source: community)\n\n```markdown\n# Title\n<script>\n```\n") == []


def test_every_problem_of_a_file_in_one_run(ctx: Context) -> None:
    body = ("## Answer (source: community)\n\nA <script>x()</script> and [a](javascript:x()).\n\n"
            "#### Deep\n\n\\(\\frac{1}{\\)\n")
    codes = check(ctx, body)
    assert codes == sorted(codes, key=lambda c: c[1])
    assert {c for c, _ in codes} >= {"QB501", "QB503", "QB308"}


def test_code_and_math_are_not_mistaken_for_html_or_links(ctx: Context) -> None:
    body = ("## Answer (source: community)\n\n"
            "Inline `<script>` and `[x](javascript:y)` are code. \\(a<b>c\\) is math.\n\n"
            "```html\n<iframe src=x></iframe>\n```\n\n"
            "x<0 and y > 1, so 1 < 2. <!-- a <script> in a comment -->\n")
    assert check(ctx, body) == []


def problems(ctx: Context, body: str, front: str = BASE) -> list[Problem]:
    return validate_text(front + body, ctx, "questions/foundations/how-does-a-fixture-question-read.md")


def test_an_unclosed_dollar_is_caught_and_a_price_is_not(ctx: Context) -> None:
    """Issue 14: "prune the $p\\% smallest" showed raw on the page; "$5 and $10" is money."""
    answer = "## Answer (source: community)\n\n"
    [p] = problems(ctx, answer + "Prune the $p\\% smallest weights.\n")
    assert (p.code, p.line, p.col) == ("QB401", 14, 11)
    assert p.message.startswith("unclosed $ opened at 14:11 before 'p\\%'"), p.message
    assert "\\$" in p.hint
    assert problems(ctx, answer + "Inference costs $5 and training $10, about $0.50 an hour.\n") == []
    assert problems(ctx, answer + "Set $HOME first; `$x_i` in code, \\$x_1 escaped, $x^2$ closed.\n") == []
    assert [(q.code, q.line) for q in problems(ctx, answer + "Weights $w_i scaled.\n")] == [("QB401", 14)]


def test_math_messages_say_what_is_wrong_in_words(ctx: Context) -> None:
    answer = "## Answer (source: community)\n\n"
    [p] = problems(ctx, answer + "Start at \\(\\theta_0\nsurvivors keep \\(w\\) fixed.\n")
    assert p.format().splitlines()[0].endswith(
        "14:10: QB401 unclosed \\( opened at 14:10: the next \\( at 15:16 comes before any \\)"), p.format()
    [p] = problems(ctx, answer + "Open \\(x^2 and never close.\n")
    assert p.message == "unclosed \\( opened at 14:6: no \\) closes it in the same paragraph"


def test_messages_quote_the_authors_text_not_python_reprs(ctx: Context) -> None:
    from qbank.validate import quote

    assert quote("\\theta_0\nsurvivors") == "'\\theta_0 survivors'"
    assert quote("x" * 100, 10) == "'xxxxxxxxx…'"
    front = BASE.replace("id: q-abcdef1", "id: q-\\theta")  # the author typed one backslash
    [p] = problems(ctx, "## Answer (source: community)\n\nText.\n", front)
    assert p.message == "id 'q-\\theta' is not of the form q-1a2b3c4", p.message


def test_yaml_hints_fit_the_case(ctx: Context) -> None:
    answer = "## Answer (source: community)\n\nText.\n"
    [p] = problems(ctx, answer, BASE.replace("tags:\n- neural-networks", "tags: [neural-networks, backpropagation"))
    assert (p.code, p.line, p.col) == ("QB203", 5, 7)
    assert "the list opened with '[' at 5:7 is never closed" in p.message
    assert "]" in p.hint and "': '" not in p.hint and "quote" not in p.hint
    [p] = problems(ctx, answer, BASE.replace("read?", "read: a fixture?"))
    assert p.code == "QB203" and "': '" in p.message and "quote" in p.hint
    [p] = problems(ctx, answer, BASE.replace("title: How", 'title: "How'))
    assert p.code == "QB203" and "never closed" in p.message and "quote" in p.hint


def test_browser_tokenization_tricks_are_caught(ctx: Context) -> None:
    body = "## Answer (source: community)\n\n<img/src/onerror=alert(1)>\n\n[x](&#106;avascript:alert(1))\n"
    codes = {c for c, _ in check(ctx, body)}
    assert {"QB502", "QB503"} <= codes


def test_links_to_other_questions_and_their_answers(ctx: Context) -> None:
    bank = [load_doc(p, ctx, selected=False) for p in bank_paths(ctx.docs)]
    target = "../activations/explain-the-concept-of-temperature-in-deep-learning.md"
    ok = f"## Answer (source: community)\n\nSee [this]({target}) and [its answer]({target}#answer-1).\n"
    assert check(ctx, ok, bank=bank) == []
    bad = f"## Answer (source: community)\n\nSee [its answer]({target}#answer-7).\n"
    assert check(ctx, bad, bank=bank) == [("QB602", 14)]
    assert check(ctx, "## Answer (source: community)\n\n[u](../../unanswered.md) [s](../../sources.md#lazy-ds-guide)\n",
                 bank=bank) == []


def test_distinct_from_silences_a_near_duplicate(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "repo")
    name = "what-is-dropout-in-neural-networks.md"
    text = (BAD / name).read_text(encoding="utf-8")
    dest = root / "docs" / EXPECTED[name]["at"]
    dest.write_text(text.replace("origins: []\n", "origins: []\ndistinct_from:\n- q-71c4e9d\n"), encoding="utf-8")
    assert validate(root, [dest]).problems == []
    dest.write_text(text, encoding="utf-8")
    assert [p.code for p in validate(root, [dest]).problems] == ["QB701"]


# -- fuzz ------------------------------------------------------------------------------------

FRAGMENTS = [
    "## Answer (source: community)", "## Answer (source: nowhere)", "## Answer", "# H1", "### H3", "#### H4",
    "\\(", "\\)", "\\[", "\\]", "$$", "$", "\\frac{1}{2}", "\\begin{aligned}", "\\end{aligned}", "```", "```mermaid",
    "graph LR", "~~~", "`", "<script>", "</script>", "<img src=x onerror=y>", "<a href='javascript:x'>", "<div>",
    "<!--", "-->", "[x](", "](../x.md#y)", "![", "![](", "javascript:", "data:", "{ onclick=x }", "{: .c }",
    "[r]: http://x", "---", "===", "\t", "\r\n", "\x00", "\u202e", "\ufeff", "Ã©", "\ufffd", "<", ">", "&#106;",
]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    st.sampled_from(["q-abcdef1", "foundations", "neural-networks", "easy", "answered", "unanswered"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)
FRONT = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(FIELD_ORDER), st.text(max_size=10)), VALUES, max_size=12)
    .map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.text(max_size=200),
    st.lists(st.sampled_from(["id: q-abcdef1", "title: T?", "topic: foundations", "tags:", "- neural-networks",
                              "difficulty: easy", "status: answered", "origins: []", "key: [", "  - x", ": :"]),
             max_size=12).map(lambda ls: "\n".join(ls) + "\n"),
)
BODY = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40).map(
    lambda parts: "".join(p + (" " if i % 3 else "\n") for i, p in enumerate(parts)))


@pytest.fixture(scope="module")
def fuzz_env(ctx: Context):
    from qbank.katex import KatexRenderer

    bank = [load_doc(p, ctx, selected=False) for p in bank_paths(ctx.docs)]
    with KatexRenderer() as renderer:
        yield ctx, bank, renderer


@settings(max_examples=5000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(front=FRONT, body=BODY, framing=st.sampled_from(["normal", "no-close", "no-open", "bytes", "bare"]),
       junk=st.binary(max_size=4))
def test_fuzz_validate_never_raises(fuzz_env, front: str, body: str, framing: str, junk: bytes) -> None:
    ctx, bank, renderer = fuzz_env
    text: str | bytes = {"normal": f"---\n{front}---\n\n{body}", "no-close": f"---\n{front}\n{body}",
                         "no-open": f"{front}---\n{body}", "bytes": "", "bare": body}[framing]
    if framing == "bytes":
        text = f"---\n{front}---\n".encode("utf-8", "surrogatepass") + junk + body.encode("utf-8", "surrogatepass")
    problems = validate_text(text, ctx, "questions/foundations/fuzz.md", renderer=renderer, bank=bank)
    assert isinstance(problems, list)
    n_lines = (text.count(b"\n") if isinstance(text, bytes) else text.count("\n")) + 1
    for p in problems:
        assert isinstance(p, Problem) and p.code in CODES and p.path == "docs/questions/foundations/fuzz.md"
        assert 1 <= p.line <= n_lines and p.col >= 1 and p.message and p.severity == "error"
        assert p.format() and p.github().startswith("::error file=")
    if isinstance(text, str) and not text.startswith("---\n"):
        assert problems, "a file without front matter passed"


# -- the command line -------------------------------------------------------------------------


def run(cmd: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, **kw)


def test_cli_formats_and_exit_codes(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "repo")
    ok = run([*qbank_cmd(), "validate"], root)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "no problems" in ok.stdout
    name = "bad-fixture-qb212-unknown-tag.md"
    dest = root / "docs" / EXPECTED[name]["at"]
    shutil.copyfile(BAD / name, dest)
    text = run([*qbank_cmd(), "validate"], root)
    assert text.returncode == 1
    assert f"docs/{EXPECTED[name]['at']}:6:3: QB212 unknown tag 'nueral-networks'" in text.stdout
    assert "  hint: did you mean 'neural-networks'?" in text.stdout
    assert "1 error in 1 file" in text.stdout
    gh = run([*qbank_cmd(), "validate", "--format", "github"], root)
    assert gh.returncode == 1
    assert re.search(rf"^::error file=docs/{re.escape(EXPECTED[name]['at'])},line=6,col=3,title=QB212 unknown-tag::"
                     r"unknown tag 'nueral-networks'%0Ahint: did you mean", gh.stdout, re.M), gh.stdout
    js = json.loads(run([*qbank_cmd(), "validate", "--format", "json", str(dest)], root).stdout)
    assert js["files"] == 1 and [(p["code"], p["line"]) for p in js["problems"]] == [("QB212", 6)]
    # a path selection checks only that file (against the whole bank)
    other = root / "docs" / "questions" / "foundations" / "explain-the-concept-of-a-neuron-in-deep-learning.md"
    assert run([*qbank_cmd(), "validate", str(other)], root).returncode == 0
    missing = run([*qbank_cmd(), "validate", "docs/questions/nope.md"], root)
    assert missing.returncode == 2 and "no such file" in missing.stderr


# -- qbank new ---------------------------------------------------------------------------------


def test_new_scaffolds_a_valid_file(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "repo")
    proc = run([*qbank_cmd(), "new", "What is the lottery ticket hypothesis in network pruning?",
                "--topic", "efficiency-and-deployment", "--tags", "model-efficiency", "--difficulty", "hard"], root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    path = root / "docs/questions/efficiency-and-deployment/what-is-the-lottery-ticket-hypothesis-in-network-pruning.md"
    assert f"created {path.relative_to(root)}" in proc.stdout
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert re.fullmatch(r"q-[0-9a-f]{7}", meta["id"])
    assert (meta["topic"], meta["tags"], meta["difficulty"], meta["status"]) == \
        ("efficiency-and-deployment", ["model-efficiency"], "hard", "unanswered")
    assert run([*qbank_cmd(), "validate", str(path)], root).returncode == 0
    # the same question again: a duplicate, nothing written, exit 1
    again = run([*qbank_cmd(), "new", "What is the lottery ticket hypothesis in network pruning?",
                 "--topic", "efficiency-and-deployment"], root)
    assert again.returncode == 1
    assert "Closest questions already in the bank" in again.stderr and meta["id"] in again.stderr
    assert "100 (duplicate)" in again.stderr
    # --force: written next to it (slug + id), distinct_from recorded, and it validates
    forced = run([*qbank_cmd(), "new", "What is the lottery ticket hypothesis in network pruning?",
                  "--topic", "efficiency-and-deployment", "--force"], root)
    assert forced.returncode == 0, forced.stderr
    created = [p for p in path.parent.glob("what-is-the-lottery-ticket-hypothesis-in-network-pruning-*.md")]
    assert len(created) == 1
    meta2 = yaml.safe_load(created[0].read_text(encoding="utf-8").split("---\n")[1])
    assert meta2["id"] != meta["id"] and meta2["distinct_from"] == [meta["id"]]
    assert run([*qbank_cmd(), "validate"], root).returncode == 0


def test_new_rejects_bad_input(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "repo")
    for args in (["--topic", "nope"], ["--topic", "foundations", "--tags", "nope"],
                 ["--topic", "foundations", "--difficulty", "trivial"]):
        proc = run([*qbank_cmd(), "new", "What is a brand new question about zebras?", *args], root)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "error:" in proc.stderr
    assert not list((root / "docs" / "questions").rglob("*zebras*"))


def test_fresh_id_skips_taken_ids() -> None:
    from qbank.scaffold import fresh_id

    first = fresh_id("Q?", set())
    assert fresh_id("Q?", {first}) not in (first,)
    assert re.fullmatch(r"q-[0-9a-f]{7}", fresh_id("Q?", {first}))


# -- the build -----------------------------------------------------------------------------------


def build(project: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(MKDOCS), "build", *extra, "-d", str(out)], cwd=project, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def test_build_fails_on_a_validation_error_with_its_location(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "repo", site=True)
    name = "bad-fixture-qb212-unknown-tag.md"
    shutil.copyfile(BAD / name, project / "docs" / EXPECTED[name]["at"])
    proc = build(project, tmp_path / "site", "--strict")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"docs/{EXPECTED[name]['at']}:6:3: QB212 unknown tag 'nueral-networks'" in output, output[-3000:]
    assert not (tmp_path / "site" / "questions.json").exists()


EVIL = """---
id: q-eeeeee1
title: Evil <img src=x onerror=alert('title')> "question"?
topic: foundations
tags:
- neural-networks
difficulty: easy
status: answered
origins: []
---

## Answer (source: community)

Text <script>alert(1)</script> and <img src=x onerror=alert(2)> and <img/src/onerror=alert(12)>
<iframe src="https://evil.example/"></iframe> and [x](javascript:alert(3)) and
<a href="javascript:alert(5)">z</a> and <a href="data:text/html,alert(13)">d</a>

<style>body{display:none}</style>

<object data="x.swf"></object> <embed src="x.swf">

[w](https://example.org){ onclick="alert(6)" }

### Heading <img src=x onerror=alert(7)> here

![pic](data:text/html,<script>alert(8)</script>)

<div style="position:fixed;top:0;left:0;width:100%">overlay</div>

<svg><script>alert(9)</script></svg> <form action="https://evil.example/"><input name="q"></form>

<details open ontoggle=alert(14)><summary>s</summary>x</details>

\\(\\frac{a}{b}\\) stays typeset.
"""


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def _scan(html: str) -> list[tuple[str, dict]]:
    s = _Scan()
    s.feed(html)
    return s.tags


def test_build_never_publishes_active_content_from_a_bank_file(tmp_path: Path) -> None:
    """Validation skipped, strictness off: the output gate alone must stop the page.

    The gate (site/sanitize.py) sees every page after rendering; a page from which it had to
    remove anything fails the build, naming the file and what was removed, and is never written.
    """
    project = copy_project(tmp_path / "repo", site=True)
    (project / "docs/questions/foundations/evil.md").write_text(EVIL, encoding="utf-8")
    # validate_bank: false: the file skips validation (tests only); --no-strict: MkDocs's
    # own link warnings about it must not stop the build, the gate must hold alone.
    proc = build(project, tmp_path / "site", "--no-strict", "-f", str(without_bank_validation(project)))
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    assert "docs/questions/foundations/evil.md: the page holds markup the site never publishes" in out, out[-3000:]
    for removed in ("<script>", "<iframe>", "<style>", "<form>"):
        assert removed in out, (removed, out[-3000:])
    assert not (tmp_path / "site/questions/foundations/evil/index.html").exists()


def test_credited_answer_is_the_sources_text_or_says_it_was_edited(ctx: Context) -> None:
    """Issue 11 provenance: the source's text as imported passes; a changed text must say edited."""
    source_text = ctx.imported_answer("lazy-ds-guide", 58)  # "Explain the concept of temperature…"
    assert source_text and "positive scalar parameter" in source_text
    head = ("---\nid: q-7e3a001\ntitle: How does temperature change a softmax?\ntopic: activations\n"
            "tags: [softmax]\ndifficulty: medium\nstatus: answered\norigins:\n- source: lazy-ds-guide\n"
            "  seed: 000_d3bd1c64e802493d.txt\n  line: 58\n  question: Explain the concept of temperature in deep learning?\n"
            "---\n\n")
    name = "questions/activations/how-does-temperature-change-a-softmax.md"

    def codes(heading: str, body: str) -> list[str]:
        return [p.code for p in validate_text(f"{head}{heading}\n\n{body}\n", ctx, name)]

    assert codes("## Answer (source: lazy-ds-guide)", source_text) == []
    changed = source_text.replace("is a positive scalar parameter", "is a scalar parameter", 1)
    assert changed != source_text
    assert codes("## Answer (source: lazy-ds-guide)", changed) == ["QB309"]
    assert codes("## Answer (source: lazy-ds-guide, edited)", changed) == []
    assert codes("## Answer (source: project)", changed) == []
