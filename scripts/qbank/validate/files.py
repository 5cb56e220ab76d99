"""QB1xx, the file itself: encoding, invisible characters, size, location; and what else
lies under docs/ (symbolic links, file types that can carry script)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..bank import QUESTIONS_DIR
from .context import Context
from .doc import MAX_BYTES, Doc, quote, under
from .problems import CODES, Problem

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\ufeff\r]")
# UTF-8 read as Windows-1252 / Latin-1 ("Ã©", "â€™", "Â ") and the replacement character.
MOJIBAKE = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
    "|Â[\u0080-\u00bf]|â€[\u0080-\u00bf\u0152\u0153\u2013-\u203a\u2122]|â‚¬|\ufffd"
)



def check_file(doc: Doc, raw: bytes, ctx: Context, location: bool = True) -> bool:
    """Encoding, invisible characters, size and location.  Returns False when the text
    cannot be decoded (nothing else can be checked then)."""
    if len(raw) > MAX_BYTES:
        doc.add("QB106", (1, 1), f"file is {len(raw) // 1024} KiB; the limit is {MAX_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        doc.problems.append(Problem(doc.rel, line, col, "QB101",
                                    f"not valid UTF-8: byte 0x{raw[err.start]:02x} cannot be decoded", CODES["QB101"][1]))
        return False
    if text.startswith("\ufeff"):
        doc.problems.append(Problem(doc.rel, 1, 1, "QB102", "file starts with a byte-order mark (BOM)", CODES["QB102"][1]))
        text = text[1:]
    crlf = text.find("\r\n")
    if crlf >= 0:
        line = text.count("\n", 0, crlf) + 1
        doc.problems.append(Problem(doc.rel, line, crlf - (text.rfind("\n", 0, crlf) + 1) + 1, "QB104",
                                    "Windows (CRLF) line endings", CODES["QB104"][1]))
        text = text.replace("\r\n", "\n")
    doc.text = text
    doc.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for m in CONTROL.finditer(text):
        ch = m.group()
        name = {"\r": "carriage return", "\ufeff": "zero-width no-break space (BOM)"}.get(ch, "")
        if not name and ("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069"):
            name = "bidirectional override"
        doc.add("QB103", m.start(), f"control character U+{ord(ch):04X}{f' ({name})' if name else ''}")
    for m in MOJIBAKE.finditer(text):
        what = "replacement character U+FFFD (a character was lost)" if m.group() == "\ufffd" else quote(m.group())
        doc.add("QB105", m.start(), f"mojibake: {what}")
    if location:
        check_location(doc, ctx)
    return True


def check_location(doc: Doc, ctx: Context) -> None:
    """Only docs/questions/<topic>/<slug>.md is read as a question; anything else would be
    published as a stray page, or silently ignored."""
    parts = doc.docs_rel.split("/") if doc.docs_rel else []
    if len(parts) == 3 and parts[0] == QUESTIONS_DIR.as_posix() and parts[2].endswith(".md") and parts[2] != "index.md":
        return
    if parts[-1:] == ["index.md"] and len(parts) == 3:
        msg = f"docs/{doc.docs_rel} would replace the generated topic page"
    else:
        msg = f"{doc.rel} is not where bank files live"
    doc.add("QB107", (1, 1), msg)



IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})
SITE_CODE = {"assets/javascripts": ".js", "assets/stylesheets": ".css"}


def scan_docs(ctx: Context) -> tuple[list[Doc], list[Path], list[Path]]:
    """Walk docs/ without following links: (problems as docs, Markdown pages, notebooks).

    Everything under docs/ is published as it is, so only what the site needs may be there:
    symbolic links never (they could publish the build machine's files), HTML and SVG never
    (they can run script), Markdown pages and notebooks are checked like bank files.
    """
    found: list[Doc] = []
    pages: list[Path] = []
    notebooks: list[Path] = []
    for folder, dirs, files in os.walk(ctx.docs, followlinks=False):
        here = Path(folder)
        rel_dir = under(here, ctx.docs) or ""
        for name in sorted(dirs):
            if (here / name).is_symlink():
                doc = Doc(here / name, under(here / name, ctx.root) or name, f"{rel_dir}/{name}".lstrip("/"))
                doc.add("QB108", (1, 1), f"{doc.rel}/ is a symbolic link to a folder (to {os.readlink(here / name)})")
                found.append(doc)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(files):
            if name.startswith("."):
                continue  # MkDocs never publishes dotfiles
            path = here / name
            rel = f"{rel_dir}/{name}".lstrip("/")
            ext = path.suffix.lower()
            if path.is_symlink():
                doc = Doc(path, under(path, ctx.root) or rel, rel)
                doc.add("QB108", (1, 1), f"{doc.rel} is a symbolic link (to {os.readlink(path)})")
                found.append(doc)
            elif rel.startswith("questions/") and ext == ".md":
                continue  # bank files: bank_paths()
            elif ext == ".md":
                pages.append(path)
            elif ext == ".ipynb" and rel_dir == "notebooks":
                notebooks.append(path)
            elif (ext in IMAGE_TYPES and rel_dir.startswith("assets/images")) or SITE_CODE.get(rel_dir) == ext:
                continue
            else:
                doc = Doc(path, under(path, ctx.root) or rel, rel)
                doc.add("QB109", (1, 1), f"docs/{rel}: {ext or 'this kind of'} file is not published from docs/"
                        + (" (it can run script in the site's origin)" if ext in (".html", ".htm", ".svg", ".xhtml", ".xml", ".js")
                           else ""))
                found.append(doc)
    return found, pages, notebooks
