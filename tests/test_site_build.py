"""The built site, checked as files (no browser).

One strict build per test run (``built_site`` in conftest.py). Every expectation is
derived from the bank files' own front matter, read here with plain YAML, so the
generated pages are compared against the source of truth rather than against the
code that generated them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import yaml

from conftest import REPO, BuiltSite, copy_project, mkdocs_build, mkdocs_config

DOCS = REPO / "docs"
BANK = DOCS / "questions"
JSON_FIELDS = {"id", "title", "topic", "tags", "difficulty", "status", "aliases", "path", "url", "origins", "answers"}


# -- the bank, read independently -------------------------------------------------------


@dataclass
class BankFile:
    path: Path  # docs/questions/<topic>/<slug>.md
    meta: dict
    body: str

    @property
    def rel(self) -> str:  # questions/<topic>/<slug>.md (relative to docs/)
        return self.path.relative_to(DOCS).as_posix()

    @property
    def url(self) -> str:  # questions/<topic>/<slug>/
        return self.rel[: -len(".md")] + "/"

    @property
    def answers(self) -> list[str]:
        parts = re.split(r"^## Answer \(source: [^)]+\)\s*$", self.body, flags=re.M)
        return [p.strip() for p in parts[1:]]


def _read_bank() -> list[BankFile]:
    out = []
    for path in sorted(BANK.glob("*/*.md")):
        if path.name == "index.md":
            continue
        text = path.read_text(encoding="utf-8")
        m = re.match(r"^---\n(.*?)\n---\n(.*)$", text, flags=re.S)
        assert m, f"{path}: no YAML front matter"
        out.append(BankFile(path, yaml.safe_load(m.group(1)), m.group(2)))
    return out


BANK_FILES = _read_bank()


@pytest.fixture(scope="module")
def bank() -> list[BankFile]:
    assert BANK_FILES, f"no question files under {BANK}"
    return BANK_FILES


# -- HTML helpers -----------------------------------------------------------------------

RAW_TEXT_TAGS = {"code", "pre", "script", "style", "kbd", "textarea", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Doc:
    """What the tests need from one HTML page."""

    html_attrs: dict = field(default_factory=dict)
    metas: list[list[tuple[str, str | None]]] = field(default_factory=list)
    scripts: list[tuple[dict, str]] = field(default_factory=list)  # (attrs, inline body)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text)
    links: list[tuple[dict, str, bool]] = field(default_factory=list)  # (attrs, text, inside <article>)
    prose: list[str] = field(default_factory=list)  # text outside code/pre/script/style
    list_links: list[str] = field(default_factory=list)  # first link of each ul.qb-list > li


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Doc()
        self.stack: list[str] = []
        self.raw_depth = 0
        self.article_depth = 0
        self.heading: list | None = None
        self.link: list | None = None
        self.script: list | None = None
        self.qb_list_depth: list[int] = []
        self.li_first_link: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.doc.html_attrs = a
        elif tag == "meta":
            self.doc.metas.append(attrs)
        elif tag == "script":
            self.script = [a, ""]
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag in RAW_TEXT_TAGS:
            self.raw_depth += 1
        if tag == "article":
            self.article_depth += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.heading = [int(tag[1]), ""]
        if tag == "a":
            self.link = [a, ""]
            if self.li_first_link and self.li_first_link[-1] is False and len(self.stack) >= 2 \
                    and self.stack[-2] == "li" and self.qb_list_depth \
                    and self.qb_list_depth[-1] == len(self.stack) - 2:
                self.doc.list_links.append(a.get("href", ""))
                self.li_first_link[-1] = True
        if tag == "ul" and "qb-list" in (a.get("class") or "").split():
            self.qb_list_depth.append(len(self.stack))
        if tag == "li":
            self.li_first_link.append(False)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in RAW_TEXT_TAGS:
                self.raw_depth -= 1
            if top == "article":
                self.article_depth -= 1
            if top == "script" and self.script is not None:
                self.doc.scripts.append((self.script[0], self.script[1]))
                self.script = None
            if re.fullmatch(r"h[1-6]", top) and self.heading is not None:
                self.doc.headings.append((self.heading[0], " ".join(self.heading[1].split())))
                self.heading = None
            if top == "a" and self.link is not None:
                self.doc.links.append((self.link[0], " ".join(self.link[1].split()), self.article_depth > 0))
                self.link = None
            if top == "ul" and self.qb_list_depth and self.qb_list_depth[-1] == len(self.stack) + 1:
                self.qb_list_depth.pop()
            if top == "li" and self.li_first_link:
                self.li_first_link.pop()
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script[1] += data
        if self.heading is not None:
            self.heading[1] += data
        if self.link is not None:
            self.link[1] += data
        if self.raw_depth == 0:
            self.doc.prose.append(data)


_DOCS: dict[Path, Doc] = {}


def parse(path: Path) -> Doc:
    if path not in _DOCS:
        p = _Parser()
        p.feed(path.read_text(encoding="utf-8"))
        p.close()
        _DOCS[path] = p.doc
    return _DOCS[path]


def site_path(href: str, page_url: str) -> str:
    """Resolve ``href`` found on the page at site URL ``page_url`` to a site path (no leading /)."""
    resolved = urlsplit(urljoin("http://site/" + page_url, href))
    return resolved.path.lstrip("/") if resolved.netloc == "site" else resolved.geturl()


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


# -- the build itself -------------------------------------------------------------------


def test_strict_build_succeeds_without_warnings(site_build: BuiltSite) -> None:
    assert site_build.returncode == 0, site_build.output[-4000:]
    warnings = [ln for ln in site_build.output.splitlines() if "WARNING" in ln]
    assert not warnings, "mkdocs build printed warnings:\n" + "\n".join(warnings)
    assert (site_build.dir / "index.html").is_file()


def test_every_question_file_has_a_page(built_site: BuiltSite, bank: list[BankFile]) -> None:
    missing, wrong_title = [], []
    for q in bank:
        page = built_site.page(q.url)
        if not page.is_file():
            missing.append(f"{q.rel} -> {page.relative_to(built_site.dir)}")
            continue
        h1 = [t for level, t in parse(page).headings if level == 1]
        if h1 != [" ".join(q.meta["title"].split())]:
            wrong_title.append(f"{q.rel}: h1 {h1!r} != title {q.meta['title']!r}")
    assert not missing, "question files without a page:\n" + "\n".join(missing)
    assert not wrong_title, "\n".join(wrong_title)


def test_questions_json_lists_every_question(built_site: BuiltSite, questions_json: dict, bank: list[BankFile]) -> None:
    listed = {q["id"]: q for q in questions_json["questions"]}
    assert len(listed) == len(questions_json["questions"]), "duplicate ids in questions.json"
    assert set(listed) == {q.meta["id"] for q in bank}
    problems = []
    for q in bank:
        entry = listed[q.meta["id"]]
        if JSON_FIELDS - set(entry):
            problems.append(f"{q.meta['id']}: missing fields {sorted(JSON_FIELDS - set(entry))}")
            continue
        expected = {
            "title": q.meta["title"], "topic": q.meta["topic"], "difficulty": q.meta["difficulty"],
            "status": q.meta["status"], "tags": sorted(q.meta.get("tags") or []),
            "aliases": list(q.meta.get("aliases") or []), "path": q.rel, "url": q.url,
        }
        got = {k: (sorted(entry[k]) if k == "tags" else entry[k]) for k in expected}
        if got != expected:
            problems.append(f"{q.meta['id']}: {got} != {expected}")
        if len(entry["answers"]) != len(q.answers):
            problems.append(f"{q.meta['id']}: {len(entry['answers'])} answers in JSON, {len(q.answers)} in {q.rel}")
        if len(entry["origins"]) != len(q.meta.get("origins") or []):
            problems.append(f"{q.meta['id']}: origins differ from front matter")
        if not built_site.page(entry["url"]).is_file():
            problems.append(f"{q.meta['id']}: url {entry['url']} has no page")
    assert not problems, "\n".join(problems)


def test_unanswered_page_lists_exactly_the_unanswered_questions(built_site: BuiltSite, bank: list[BankFile]) -> None:
    expected = {q.url for q in bank if q.meta["status"] == "unanswered"}
    doc = parse(built_site.page("unanswered/"))
    listed = [site_path(h, "unanswered/") for h in doc.list_links]
    if not expected:  # the real bank is fully answered today: the page says so instead of "0 questions"
        assert listed == []
        assert "Every question in the bank has an answer" in built_site.page("unanswered/").read_text(encoding="utf-8")
    assert len(listed) == len(set(listed)), "a question is listed twice"
    assert set(listed) == expected, (
        f"missing: {sorted(expected - set(listed))}\nunexpected: {sorted(set(listed) - expected)}")
    # Every listed link is the right question (h1 of its page == the bank title).
    titles = {q.url: q.meta["title"] for q in bank}
    for url in listed:
        assert [t for lv, t in parse(built_site.page(url)).headings if lv == 1] == [titles[url]]


def test_each_tag_page_lists_exactly_its_questions(built_site: BuiltSite, bank: list[BankFile]) -> None:
    by_tag: dict[str, set[str]] = {}
    for q in bank:
        for tag in q.meta.get("tags") or []:
            by_tag.setdefault(tag, set()).add(q.url)
    assert by_tag, "no tags in the bank"
    problems = []
    for tag, expected in sorted(by_tag.items()):
        url = f"tags/{tag}/"
        page = built_site.page(url)
        if not page.is_file():
            problems.append(f"tag {tag}: no page {url}")
            continue
        listed = [site_path(h, url) for h in parse(page).list_links]
        if sorted(listed) != sorted(expected):
            problems.append(f"tag {tag}: missing {sorted(expected - set(listed))}, "
                            f"unexpected {sorted(set(listed) - expected)}, {len(listed)} links")
    assert not problems, "\n".join(problems)


def test_question_pages_link_to_their_source_and_to_a_new_issue(built_site: BuiltSite, bank: list[BankFile]) -> None:
    repo_url = mkdocs_config()["repo_url"].rstrip("/")
    problems = []
    for q in bank:
        doc = parse(built_site.page(q.url))
        hrefs = [a.get("href") or "" for a, _, _ in doc.links]
        edit = f"{repo_url}/edit/main/docs/{q.rel}"
        if edit not in hrefs:
            problems.append(f"{q.rel}: no edit link {edit}")
        if any("/edit/main/docs/questions/" in h and h != edit for h in hrefs):
            problems.append(f"{q.rel}: an edit link points at another file")
        reports = [a.get("href") or "" for a, text, _ in doc.links if text == "Report a problem"]
        if len(reports) != 1:
            problems.append(f"{q.rel}: {len(reports)} 'Report a problem' links")
            continue
        parts = urlsplit(reports[0])
        query = parse_qs(parts.query)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" != f"{repo_url}/issues/new":
            problems.append(f"{q.rel}: report link is not a new-issue URL: {reports[0]}")
        named = [v for vs in query.values() for v in vs if q.meta["id"] in v]
        if not named:
            problems.append(f"{q.rel}: report link does not name {q.meta['id']}: {reports[0]}")
    assert not problems, "\n".join(problems)


def test_no_raw_tex_outside_code_and_no_katex_script(built_site: BuiltSite) -> None:
    raw, scripts = [], []
    pages = html_pages(built_site.dir)
    assert len(pages) > 100
    for path in pages:
        doc = parse(path)
        text = "".join(doc.prose)
        for token in ("\\(", "\\["):
            i = text.find(token)
            if i >= 0:
                raw.append(f"{path.relative_to(built_site.dir)}: {text[max(0, i - 40):i + 60]!r}")
        for attrs, body in doc.scripts:
            if "katex" in (attrs.get("src") or "").lower() or "katex" in body.lower():
                scripts.append(f"{path.relative_to(built_site.dir)}: <script {attrs}>")
    assert not raw, "raw TeX delimiters in page text:\n" + "\n".join(raw)
    assert not scripts, "pages load KaTeX JavaScript:\n" + "\n".join(scripts)


def test_math_pages_have_katex_markup(built_site: BuiltSite, bank: list[BankFile]) -> None:
    with_math = [q for q in bank if re.search(r"\\\(|\\\[|\$\$", q.body)]
    assert with_math, "no question with math in the bank"
    for q in with_math:
        source = built_site.page(q.url).read_text(encoding="utf-8")
        assert 'class="katex"' in source, f"{q.rel} has math but its page has no KaTeX output"
        assert "katex.min.css" in source


def test_every_page_is_english(built_site: BuiltSite) -> None:
    wrong = [f"{p.relative_to(built_site.dir)}: {parse(p).html_attrs}"
             for p in html_pages(built_site.dir) if parse(p).html_attrs.get("lang") != "en"]
    assert not wrong, "pages without <html lang=\"en\">:\n" + "\n".join(wrong)


def _answer_text(markdown: str) -> str:
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"\\\[.*?\\\]|\\\(.*?\\\)|\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return text


def test_question_pages_have_a_meta_description_from_the_answer(built_site: BuiltSite, bank: list[BankFile]) -> None:
    site_description = " ".join(mkdocs_config()["site_description"].split())
    problems = []
    for q in bank:
        metas = [m for m in parse(built_site.page(q.url)).metas if dict(m).get("name") == "description"]
        if len(metas) != 1:
            problems.append(f"{q.rel}: {len(metas)} meta descriptions")
            continue
        attrs = metas[0]
        names = [k for k, _ in attrs]
        content = " ".join((dict(attrs).get("content") or "").split())
        if sorted(names) != ["content", "name"]:
            problems.append(f"{q.rel}: malformed <meta name=description> (unescaped quote?), "
                            f"parsed attributes {names}; content={content!r}")
            continue
        if not content or content == site_description:
            problems.append(f"{q.rel}: description is empty or the site default")
            continue
        if not q.answers:
            continue  # unanswered: any page-specific description will do
        answer = words(_answer_text(q.answers[0]))
        desc = words(content.rstrip("…."))
        head = desc[:6]
        found = any(answer[i:i + len(head)] == head for i in range(len(answer)))
        if not found:
            problems.append(f"{q.rel}: description does not start with the answer's text: {content!r}")
        elif len(desc) < min(12, len(answer)):
            problems.append(f"{q.rel}: description cut short ({len(desc)} words): {content!r}")
    assert not problems, "\n".join(problems)


def test_question_headings_do_not_skip_levels(built_site: BuiltSite, bank: list[BankFile]) -> None:
    problems = []
    for q in bank:
        headings = parse(built_site.page(q.url)).headings
        if not headings or headings[0][0] != 1:
            problems.append(f"{q.rel}: first heading is {headings[:1]}, not h1")
            continue
        if sum(1 for level, _ in headings if level == 1) != 1:
            problems.append(f"{q.rel}: more than one h1")
        for (prev, _), (level, text) in zip(headings, headings[1:]):
            if level > prev + 1:
                problems.append(f"{q.rel}: h{prev} -> h{level} ({text!r})")
    assert not problems, "\n".join(problems)


# -- a broken formula must fail the build, naming the file ------------------------------


def test_unparsable_formula_fails_the_build_and_names_the_file(tmp_path: Path, bank: list[BankFile]) -> None:
    project = copy_project(tmp_path / "repo", copy=("docs", "data", "seeds", "overrides"), site=True)
    victim = next(q for q in bank if q.answers and "\\frac" not in q.body and "$" not in q.body)
    target = project / "docs" / victim.rel
    text = target.read_text(encoding="utf-8").rstrip("\n")
    line = text.count("\n") + 3
    target.write_text(text + "\n\nA broken formula: \\(\\frac{1}{\\) here.\n", encoding="utf-8")
    proc = mkdocs_build(project, tmp_path / "site")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, "the build succeeded with an unparsable formula:\n" + output[-3000:]
    assert f"docs/{victim.rel}" in output, f"the failure does not name docs/{victim.rel}:\n{output[-3000:]}"
    assert f"docs/{victim.rel}:{line}" in output, f"the failure names the file but not line {line}:\n{output[-3000:]}"
    assert not (tmp_path / "site" / "questions.json").exists()


