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
    # the author's text as typed, not a Python repr with doubled backslashes (issue 14)
    assert "cannot parse '\\frac{1}{'" in output and "\\\\frac" not in output, output[-3000:]
    assert not (tmp_path / "site" / "questions.json").exists()




# -- issue 14: the pages a reader meets ---------------------------------------------------


TAGS_DATA = yaml.safe_load((REPO / "data" / "tags.yml").read_text(encoding="utf-8"))["tags"]
TOPICS_DATA = yaml.safe_load((REPO / "data" / "topics.yml").read_text(encoding="utf-8"))["topics"]
LABELS = {t["id"]: t["label"] for t in TAGS_DATA}


def _article(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    m = re.search(r'<article class="md-content__inner[^"]*">(.*?)</article>', html, re.S)
    assert m, f"{path}: no article"
    return m.group(1)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_tag_has_a_label_and_a_topic_as_data() -> None:
    topic_ids = {t["id"] for t in TOPICS_DATA}
    for tag in TAGS_DATA:
        assert tag.get("label") and tag["label"] != tag["id"], f"tag {tag['id']} has no reader-facing label"
        assert tag.get("topic") in topic_ids, f"tag {tag['id']}: topic {tag.get('topic')!r} is not in data/topics.yml"


def test_tags_page_is_a_compact_labelled_list_grouped_by_topic(built_site: BuiltSite, bank: list[BankFile]) -> None:
    """Issue 14: no mid-word breaks in a monospace column, counts, grouped, no talk of Material's plugin."""
    article = _article(built_site.page("tags/"))
    assert "<table" not in article and "<code" not in article
    assert "Material" not in _text(article) and "plugin" not in _text(article)
    counts: dict[str, int] = {}
    for q in bank:
        for t in q.meta.get("tags") or []:
            counts[t] = counts.get(t, 0) + 1
    chips = dict(re.findall(r'<a href="([a-z0-9-]+)/"[^>]*>([^<]+?) <span class="qb-tag-count"[^>]*>\d+</span>', article))
    assert set(chips) == set(counts), f"missing {set(counts) - set(chips)}, unexpected {set(chips) - set(counts)}"
    for tag_id, label in chips.items():
        assert label.replace("&amp;", "&") == LABELS[tag_id]
        assert re.search(rf'<a href="{tag_id}/"[^>]*>[^<]+ <span class="qb-tag-count"[^>]*>{counts[tag_id]}</span>', article)
    headings = re.findall(r"<h2[^>]*>(.*?)<", article)
    by_topic = {t["id"]: t["title"] for t in TOPICS_DATA}
    used_topics = {next(t["topic"] for t in TAGS_DATA if t["id"] == tag) for tag in counts}
    assert [h.replace("&amp;", "&") for h in headings] == [by_topic[t["id"]] for t in TOPICS_DATA if t["id"] in used_topics]
    css = (REPO / "docs/assets/stylesheets/qbank.css").read_text(encoding="utf-8")
    assert re.search(r"\.qb-tag-cloud a \{[^}]*white-space: nowrap", css), "tag names may break mid-word"


def test_tags_show_as_labels_on_question_tag_and_topic_pages(built_site: BuiltSite, bank: list[BankFile]) -> None:
    q = next(q for q in bank if len(q.meta.get("tags") or []) >= 2)
    html = built_site.page(q.url).read_text(encoding="utf-8")
    chips = re.findall(r'<a href="[^"]*tags/([a-z0-9-]+)/" class="md-tag">([^<]*)</a>', html)
    assert chips and all(label == LABELS[t].replace("&", "&amp;") for t, label in chips), chips
    topic = _article(built_site.page(f"questions/{q.meta['topic']}/"))
    topic_chips = re.findall(r'<a class="qb-tag" href="[^"]*tags/([a-z0-9-]+)/"[^>]*>([^<]*)</a>', topic)
    assert topic_chips and all(_text(label) == LABELS[t] for t, label in topic_chips)
    tag = q.meta["tags"][0]
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", _article(built_site.page(f"tags/{tag}/")), re.S).group(1)
    assert _text(h1).replace("&amp;", "&").rstrip("¶ ").strip() == LABELS[tag]


def test_provenance_names_and_links_the_source(built_site: BuiltSite, bank: list[BankFile]) -> None:
    sources = {s["id"]: s for s in yaml.safe_load((REPO / "seeds/sources.yml").read_text(encoding="utf-8"))["sources"]}
    imported = [q for q in bank if q.meta.get("origins")]
    assert imported
    for q in imported:
        foot = re.search(r'<p class="qb-provenance">(.*?)</p>', built_site.page(q.url).read_text(encoding="utf-8"), re.S)
        assert foot, q.rel
        foot_html, foot_text = foot.group(1), _text(foot.group(1))
        assert "found in" not in foot_text and ".txt" not in foot_text and "seed line" not in foot_text, foot_text
        for origin in q.meta["origins"]:
            src = sources[origin["source"]]
            assert f'href="../../../sources/#{src["id"]}"' in foot_html, (q.rel, foot_html)
            assert _text(src["title"]).replace("&", "&amp;") in foot_html.replace("&#", "&#") or src["title"] in _html_unescape(foot_html)
            original = src.get("url") or src.get("repository")
            if original:
                assert f'href="{original}"' in foot_html, (q.rel, foot_html)


def _html_unescape(value: str) -> str:
    import html

    return html.unescape(value)


def test_suggest_a_question_is_linked_from_home_and_footer(built_site: BuiltSite, bank: list[BankFile]) -> None:
    template = REPO / ".github" / "ISSUE_TEMPLATE" / "suggest-question.yml"
    assert template.is_file()
    url = f"{mkdocs_config()['repo_url'].rstrip('/')}/issues/new?template={template.name}"
    home = parse(built_site.page(""))
    assert [a for a, text, inside in home.links if a.get("href") == url and inside and text == "Suggest a question"]
    unanswered = parse(built_site.page("unanswered/"))
    assert [a for a, text, inside in unanswered.links if a.get("href") == url and inside]
    question = parse(built_site.page(bank[0].url))
    assert [a for a, text, inside in question.links if a.get("href") == url and not inside], "no footer link"


def test_question_pages_list_their_topic_in_the_left_column(built_site: BuiltSite, bank: list[BankFile]) -> None:
    q = bank[0]
    html = built_site.page(q.url).read_text(encoding="utf-8")
    sidebar = re.search(r'data-md-type="navigation".*?<nav class="qb-topic-nav"(.*?)</nav>', html, re.S)
    assert sidebar, "the primary sidebar of a question page holds no topic list"
    same_topic = [b for b in bank if b.meta["topic"] == q.meta["topic"]]
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>', sidebar.group(1))
    targets = [site_path(h, q.url) for h, _ in links]
    assert set(b.url for b in same_topic) <= set(targets)
    assert [site_path(h, q.url) for h, cur in links if cur] == [q.url]


# -- an unanswered question made with `qbank new`: one call to action, no dangling foot ---


NEW_TITLE = "What is the Zorblax curvature of a hypothetical tensor manifold?"


@pytest.fixture(scope="module")
def new_question_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project copied, one question added with `qbank new` (unanswered, no origins), built."""
    import subprocess

    root = tmp_path_factory.mktemp("newq")
    project = copy_project(root / "repo", copy=("docs", "data", "seeds", "overrides"), site=True)
    qbank = REPO / ".venv" / "bin" / "qbank"
    proc = subprocess.run([str(qbank), "new", NEW_TITLE, "--topic", "foundations", "--tags", "neural-networks", "--force"],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rel = next(p for p in (project / "docs/questions/foundations").glob("*.md") if "zorblax" in p.name)
    build = mkdocs_build(project, root / "site")
    assert build.returncode == 0, (build.stdout + build.stderr)[-3000:]
    return root / "site", "questions/foundations/" + rel.stem + "/"


def test_unanswered_question_has_one_call_to_action_styled_as_a_gap(new_question_site: tuple[Path, str]) -> None:
    site, url = new_question_site
    article = _article(site / url / "index.html")
    text = _text(article)
    assert "Improve this answer" not in text and "Answer this question" not in text
    assert text.count("Write the first answer") == 1
    assert 'class="admonition question' not in article and "admonition success" not in article
    gap = re.search(r'<div class="admonition warning qb-gap">(.*?)</div>', article, re.S)
    assert gap and "No answer yet" in gap.group(1) and 'md-button--primary' in gap.group(1)
    # one visible call to action (Material's small pencil icon, md-content__button, aside)
    edit_links = [m for m in re.findall(r'<a ([^>]*href="[^"]*/edit/main/docs/questions/[^"]+"[^>]*)>', article)
                  if "md-content__button" not in m]
    assert len(edit_links) == 1, edit_links
    assert "Report a problem" in text


def test_a_contributed_question_ends_without_a_dangling_source(new_question_site: tuple[Path, str]) -> None:
    site, url = new_question_site
    html = (site / url / "index.html").read_text(encoding="utf-8")
    foot = _text(re.search(r'<p class="qb-provenance">(.*?)</p>', html, re.S).group(1))
    assert "added by a contributor" in foot
    assert "found in" not in foot and "asked in" not in foot, foot
    assert not re.search(r"(in|from)\s*(·|$)", foot), foot
    chips = re.findall(r'class="md-tag">([^<]*)</a>', html)
    assert chips == [LABELS["neural-networks"]]
