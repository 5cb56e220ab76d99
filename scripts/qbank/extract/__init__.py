"""Extractors: one module per seed format, each ``extract(text, seed, source) -> list[Record]``.

Extractors locate questions and cut answer blocks, dropping format-specific noise
(page chrome, flashcard UI text).  They do not prettify: ``qbank.normalize`` does that
for every format alike.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..record import ExtractError, Record
from . import flashcards, github_qa, markdown, mkdocs_page

Extractor = Callable[[str, str, str], list[Record]]

FORMATS: dict[str, Extractor] = {
    "mkdocs-page": mkdocs_page.extract,
    "github-qa": github_qa.extract,
    "flashcards": flashcards.extract,
    "markdown": markdown.extract,
}

_SNIFFERS: list[tuple[str, Callable[[str], bool]]] = [
    ("flashcards", flashcards.looks_like),
    ("github-qa", github_qa.looks_like),
    ("mkdocs-page", mkdocs_page.looks_like),
    ("markdown", markdown.looks_like),
]


def detect_format(text: str) -> str | None:
    """Guess the format from the text itself (first sniffer that accepts it wins)."""
    for name, sniff in _SNIFFERS:
        if sniff(text):
            return name
    return None


def read_seed(path: Path) -> str:
    """Read a seed as UTF-8, refusing binary or mis-encoded files with a located error."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ExtractError(str(path), line, f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})",
                           "re-save the file as UTF-8") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ExtractError(str(path), line, "file contains NUL bytes: not a text file", "pass a text seed")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def extract_file(path: Path, source: str, fmt: str = "auto") -> list[Record]:
    """Extract every record of one seed file, choosing the extractor by ``fmt``."""
    text = read_seed(path)
    if fmt == "auto":
        detected = detect_format(text)
        if detected is None:
            raise ExtractError(str(path), 1, "cannot tell the format of this file",
                               f"pass --format, one of: {', '.join(FORMATS)}")
        fmt = detected
    if fmt not in FORMATS:
        raise ExtractError(str(path), 1, f"unknown format {fmt!r}", f"use one of: auto, {', '.join(FORMATS)}")
    records = FORMATS[fmt](text, path.name, source)
    if not records:
        raise ExtractError(str(path), 1, f"no questions found when read as {fmt!r}",
                           "check the file is complete and the format is right")
    return records
