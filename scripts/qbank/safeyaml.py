"""YAML from pull requests, parsed with limits: no aliases, bounded size.

Front matter and the data files are written by contributors.  YAML anchors and aliases
(``&a`` / ``*a``) let 700 bytes describe a structure with billions of nodes (the "billion
laughs"); PyYAML builds it with shared references, but anything that walks it afterwards --
an error message's ``repr``, a JSON export, MkDocs' own page loader -- expands it and runs
out of time or memory.  None of our files needs an alias, so they are refused before the
document is built, with the position of the first one; and a document over ``max_bytes`` is
refused before it is parsed at all.
"""

from __future__ import annotations

import reprlib
from typing import Any

import yaml

__all__ = ["YamlLimitError", "load", "short_repr", "LOADER"]

# libyaml's loader when PyYAML has it: front matter is parsed for every page of every build.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 64 * 1024

_REPR = reprlib.Repr()
_REPR.maxstring = 60
_REPR.maxother = 60
_REPR.maxlist = _REPR.maxdict = _REPR.maxtuple = _REPR.maxset = 6
_REPR.maxlevel = 3


class YamlLimitError(ValueError):
    """The document uses an alias or is too large; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def first_alias(text: str) -> tuple[int, int] | None:
    """(line, column), 0-based, of the first alias or anchor in ``text``; None if there is none.

    Only the event stream is read (linear in the text; nothing is expanded).  Errors in the
    YAML itself are left to the real parse, which reports them with their position.
    """
    try:
        for event in yaml.parse(text, Loader=LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                assert mark is not None  # the parser marks every event
                return mark.line, mark.column
    except yaml.YAMLError:
        return None
    return None


def check(text: str, max_bytes: int = MAX_BYTES) -> None:
    """Raise :class:`YamlLimitError` if ``text`` is too large or uses anchors/aliases."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise YamlLimitError(f"the YAML is {size:,} bytes long (at most {max_bytes:,})")
    where = first_alias(text)
    if where is not None:
        raise YamlLimitError("YAML anchors and aliases (&name, *name) are not allowed",
                             where[0] + 1, where[1] + 1)


def load(text: str, max_bytes: int = MAX_BYTES) -> Any:
    """``yaml.safe_load`` after :func:`check` (same result for every document we accept)."""
    check(text, max_bytes)
    return yaml.load(text, Loader=LOADER)


def short_repr(value: Any) -> str:
    """A repr for messages that never walks more than a few elements of ``value``."""
    return _REPR.repr(value)
