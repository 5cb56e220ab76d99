"""QB6xx, links and images: relative links resolve to pages and #anchors, external ones
are http(s), images are local, exist and have alt text."""

from __future__ import annotations

import html as _html
import posixpath
import re
from urllib.parse import unquote

from ..bankfile import ANSWER_HEADING, HEADING
from .context import Context
from .doc import Doc, did_you_mean, quote
from .problems import CODES

DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data"})
LINK_START = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(")
REF_DEF = re.compile(r"^ {0,3}\[(?!\^)([^\]\n]+)\]:[ \t]*(<[^>\n]*>|\S+)", re.M)
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def url_scheme(url: str) -> str | None:
    """The URL scheme as a browser reads it (entities decoded, whitespace and controls dropped)."""
    clean = re.sub(r"[\x00-\x20\x7f]", "", _html.unescape(url)).lower()
    m = SCHEME.match(clean)
    return m.group(1) if m else None


def _link_destination(text: str, i: int) -> tuple[str, int] | None:
    """Parse ``(dest "title")`` starting just after '(' -> (dest, offset of dest)."""
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] == "\n":
        i += 1
        while i < n and text[i] in " \t":
            i += 1
    if i < n and text[i] == "<":
        k = text.find(">", i)
        if k == -1 or "\n" in text[i:k]:
            return None
        return text[i + 1:k], i + 1
    start, depth = i, 0
    while i < n and not text[i].isspace():
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return text[start:i], start


def check_links(doc: Doc, ctx: Context, bank: dict[str, Doc]) -> None:
    """Relative links resolve (pages and #anchors), external ones are http(s), images exist,
    are local (the site works offline) and have alt text."""
    base = doc.body_offset
    text = doc.masked
    for m in LINK_START.finditer(text):
        parsed = _link_destination(text, m.end())
        if parsed is None:
            continue
        url, offset = parsed
        image = m.group(1) == "!"
        if image and not m.group(2).strip():
            doc.add("QB605", base + m.start(), "image has no alt text")
        check_url(doc, ctx, bank, url, base + offset, image=image)
    for m in REF_DEF.finditer(text):
        url = m.group(2)
        check_url(doc, ctx, bank, url.strip("<>"), base + m.start(2), image=False)


def check_url(doc: Doc, ctx: Context, bank: dict[str, Doc], url: str, where: int, image: bool,
              raw_html: bool = False) -> None:
    what = "image" if image else "link"
    a_what = "an image" if image else "a link"
    scheme = url_scheme(url)
    clean = _html.unescape(url).strip()
    if scheme in DANGEROUS_SCHEMES:
        doc.add("QB503", where, f"'{scheme}:' URL in {a_what}")
        return
    if scheme is not None:
        if scheme in ("http", "https"):
            if not re.match(r"(?i)https?://[^/\s]", clean):
                doc.add("QB603", where, f"malformed {scheme} URL {quote(clean)}")
            elif image:
                doc.add("QB607", where, f"image is loaded from another host: {quote(clean)}")
            return
        doc.add("QB603", where, f"{what} uses the '{scheme}:' scheme: {quote(clean)}")
        return
    if clean.startswith("//"):
        doc.add("QB603", where, f"protocol-relative {what} {quote(clean)}", "write the full https:// URL")
        return
    if clean.startswith("/"):
        doc.add("QB606", where, f"{what} to the absolute path {quote(clean)}")
        return
    if doc.docs_rel is None:
        return
    path, _, frag = clean.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        if frag and not image:
            _check_anchor(doc, frag, doc, where)
        return
    if raw_html:
        _check_raw_html_url(doc, ctx, bank, clean, path, where, image)
        return
    target = posixpath.normpath(posixpath.join(posixpath.dirname(doc.docs_rel), path))
    if target == ".." or target.startswith("../"):
        doc.add("QB601", where, f"{what} {quote(clean)} points outside the site (docs/)")
        return
    files = ctx.docs_files()
    if image:
        if target not in files:
            doc.add("QB604", where, f"image docs/{target} does not exist")
        return
    ext = posixpath.splitext(target)[1]
    if not ext or path.endswith("/"):
        guess = next((c for c in (f"{target}.md", f"{target}/index.md") if c in files or c in bank), None)
        doc.add("QB608", where, f"link {quote(clean)} is a page URL, not a file",
                f"link to {posixpath.relpath(guess, posixpath.dirname(doc.docs_rel))}" if guess else None)
        return
    if ext == ".md":
        if target not in files and target not in ctx.generated:
            doc.add("QB601", where, f"link target docs/{target} does not exist")
            return
        if frag:
            _check_anchor(doc, frag, bank.get(target), where, target, ctx)
        return
    if target not in files:
        doc.add("QB601", where, f"link target docs/{target} does not exist")


def _page_dir(docs_rel: str) -> str:
    """The folder a page is served from: questions/t/x.md -> questions/t/x (directory URLs)."""
    stem = docs_rel[: -len(".md")] if docs_rel.endswith(".md") else docs_rel
    return posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem


def _check_raw_html_url(doc: Doc, ctx: Context, bank: dict[str, Doc], clean: str, path: str, where: int,
                        image: bool) -> None:
    """MkDocs rewrites Markdown links, never raw HTML: the browser resolves those against the
    page's URL (one folder deeper than its .md file), and they must name the built URL."""
    assert doc.docs_rel is not None
    target = posixpath.normpath(posixpath.join(_page_dir(doc.docs_rel), path))
    if target == ".." or target.startswith("../"):
        doc.add("QB601", where, f"{quote(clean)} points outside the site (raw HTML links are relative to the page's URL, "
                f"docs/{_page_dir(doc.docs_rel)}/)")
        return
    files = ctx.docs_files()
    if image:
        if target not in files:
            doc.add("QB604", where, f"image docs/{target} does not exist (raw HTML is relative to the page's URL, "
                    f"docs/{_page_dir(doc.docs_rel)}/)")
        return
    if path.endswith(".md"):
        doc.add("QB608", where, f"raw HTML link {quote(clean)} names a .md file, which MkDocs does not rewrite in HTML",
                "use a Markdown link [text](page.md), which MkDocs turns into the page's URL")
        return
    pages = {f"{target}.md", f"{target}/index.md"}
    if target in files or any(p in files or p in bank or p in ctx.generated for p in pages):
        return
    doc.add("QB601", where, f"raw HTML link {quote(clean)} leads to docs/{target}, which is neither a page nor a file "
            f"(raw HTML is relative to the page's URL, docs/{_page_dir(doc.docs_rel)}/)")


def _check_anchor(doc: Doc, frag: str, target: Doc | None, where: int, target_path: str | None = None,
                  ctx: Context | None = None) -> None:
    frag = unquote(frag)
    if frag.startswith(("fn:", "fnref:", "__")):
        return
    if target is not None:
        anchors = page_anchors(target)
    elif target_path == "sources.md" and ctx is not None:
        anchors = set(ctx.sources) | {"removal-on-request", "licence-of-community-contributions"}
    elif target_path and re.fullmatch(r"questions/[^/]+/index\.md", target_path):
        anchors = {"easy", "medium", "hard"}
    else:
        return  # another generated page: its headings are not known here
    if frag not in anchors:
        name = "this page" if target is doc else f"docs/{target_path}"
        doc.add("QB602", where, f"#{frag} is not an anchor on {name}",
                f"{did_you_mean(frag, anchors)}{CODES['QB602'][1]}")


def page_anchors(doc: Doc) -> set[str]:
    """Heading ids on a question's page, as the build makes them (hooks + toc)."""
    if doc.anchor_cache is not None:
        return doc.anchor_cache
    from markdown.extensions.toc import slugify as toc_slugify
    from markdown.extensions.toc import unique

    anchors: set[str] = {"related-questions"}
    if (doc.meta or {}).get("aliases"):
        anchors.add("also-asked-as")
    masked = doc.masked or doc.body
    n = 0
    for masked_line, line in zip(masked.split("\n"), doc.body.split("\n")):
        h = HEADING.fullmatch(masked_line)
        if not h:
            continue
        if ANSWER_HEADING.match(line):
            n += 1
            anchors.add(f"answer-{n}")
            continue
        text = (HEADING.fullmatch(line) or h).group(2) or ""
        explicit = re.search(r"\{[^}]*#([\w-]+)[^}]*\}\s*$", text)
        if explicit:
            anchors.add(explicit.group(1))
            continue
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"<[^>]+>|[*_`]", "", text)
        anchors.add(unique(toc_slugify(text, "-"), anchors))
    doc.anchor_cache = anchors
    return anchors
