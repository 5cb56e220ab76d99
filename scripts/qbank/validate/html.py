"""QB5xx, raw HTML: only tags and attributes from a small safe list; never scripts, event
handlers, styles, script URLs or the site's reserved classes (also in ``{...}`` attribute lists)."""

from __future__ import annotations

import html as _html
import re

from .context import Context
from .doc import Doc
from .html_tokens import parse_tags
from .links import DANGEROUS_SCHEMES, check_url, url_scheme

# Raw HTML: a small safe list.  Everything else is either active content (QB501) or
# merely not allowed (QB504).  The build sanitizes independently (qbank.site.sanitize).
SAFE_TAGS = frozenset("""
a abbr b blockquote br caption cite code dd del details dfn div dl dt em figcaption figure h3 h4 h5 h6 hr i
img ins kbd li mark ol p pre q s samp small span strong sub summary sup table tbody td tfoot th thead tr u
ul var
""".split())
ACTIVE_TAGS = frozenset("""
script style iframe frame frameset object embed applet base link meta form input button textarea select
option svg math template noscript portal xmp plaintext noembed noframes audio video source track canvas
dialog slot
""".split())
SAFE_ATTRS: dict[str, frozenset[str]] = {
    "*": frozenset({"title", "markdown", "lang", "dir"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align"}),
    "details": frozenset({"open"}),
    "ol": frozenset({"start", "type"}),
}
URL_ATTRS = frozenset({"href", "src"})

ATTR_BLOCK = re.compile(r"\{:?[ \t]*([^{}\n]*)\}")
ATTR_CLASS = re.compile(r"(?:^|[\s])\.([A-Za-z_][\w-]*)")
# Material's (md-*) and our (qb-*) classes drive layout: md-consent__overlay covers the page.
RESERVED_CLASS_PREFIXES = ("md-", "qb-")
ALLOWED_RESERVED_CLASSES = frozenset({"md-button", "md-button--primary"})
ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*=[^{}\n]*)\}")
ATTR_PAIR = re.compile(r"([^\s=\"'{}]+)[ \t]*=[ \t]*(\"[^\"]*\"|'[^']*'|[^\s}]+)")


def check_html(doc: Doc, ctx: Context, bank: dict[str, Doc]) -> None:
    """Raw HTML only from a small safe list; never scripts, handlers or script URLs."""
    base = doc.body_offset
    for tag in parse_tags(doc.masked):
        if tag.closing:
            continue
        at = base + tag.offset
        if tag.name in ACTIVE_TAGS:
            doc.add("QB501", at, f"<{tag.name}> is not allowed in a bank file")
            continue
        if tag.name not in SAFE_TAGS:
            doc.add("QB504", at, f"<{tag.name}> is not in the list of allowed HTML tags")
            continue
        allowed = SAFE_ATTRS["*"] | SAFE_ATTRS.get(tag.name, frozenset())
        for name, value, offset in tag.attrs:
            where = base + offset
            if name.startswith("on"):
                doc.add("QB502", where, f"event-handler attribute '{name}' on <{tag.name}>")
            elif name == "style":
                doc.add("QB505", where, f"style attribute on <{tag.name}>")
            elif name not in allowed:
                if value is not None and url_scheme(value) in DANGEROUS_SCHEMES:
                    doc.add("QB503", where, f"'{url_scheme(value)}:' URL in attribute '{name}'")
                else:
                    doc.add("QB506", where, f"attribute '{name}' is not allowed on <{tag.name}>")
            elif name in URL_ATTRS and value is not None:
                check_url(doc, ctx, bank, value, where, image=(tag.name == "img"), raw_html=True)
        if tag.name == "img":
            alt = next((v for k, v, _ in tag.attrs if k == "alt"), None)
            if not (alt or "").strip():
                doc.add("QB605", at, "<img> has no alt text", "add alt=\"what the image shows\"")
    for m in ATTR_BLOCK.finditer(doc.masked):
        if "&" in m.group(1):  # attribute lists are read after entities are decoded
            decoded = _html.unescape(m.group(1))
            if re.search(r"(?i)(?:^|[\s])on[a-z]+\s*=|javascript:|style\s*=", decoded):
                doc.add("QB502", base + m.start(1), f"attribute list {{{decoded[:40]}}} hides an attribute behind "
                        "character references")
        for c in ATTR_CLASS.finditer(m.group(1)):
            name = c.group(1)
            if name.startswith(RESERVED_CLASS_PREFIXES) and name not in ALLOWED_RESERVED_CLASSES:
                doc.add("QB507", base + m.start(1) + c.start(1) - 1, f"class '{name}' in an attribute list is reserved for "
                        "the site's own layout")
    for m in ATTR_LIST.finditer(doc.masked):
        for p in ATTR_PAIR.finditer(m.group(1)):
            key, value = p.group(1).lower(), p.group(2).strip("\"'")
            where = base + m.start(1) + p.start()
            if key.startswith("on"):
                doc.add("QB502", where, f"event-handler attribute '{key}' in an attribute list {{...}}")
            elif key == "style":
                doc.add("QB505", where, "style attribute in an attribute list {...}")
            elif url_scheme(value) in DANGEROUS_SCHEMES:
                doc.add("QB503", where, f"'{url_scheme(value)}:' URL in an attribute list {{...}}")
