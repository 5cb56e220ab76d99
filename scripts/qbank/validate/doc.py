"""One file as the checks see it: its text, positions (offset -> line:col, YAML node ->
line:col), parsed front matter and the problems found; plus the small helpers every
check family shares."""

from __future__ import annotations

import bisect
import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from .problems import CODES, Problem

MAX_BYTES = 64 * 1024
MAX_PER_CODE = 20  # per file: the first 20 control characters say enough


@dataclass
class Formula:
    offset: int  # in the file's text, at the opening delimiter
    tex: str
    display: bool


@dataclass
class Doc:
    """A bank file as the checks see it.  Offsets are into ``text`` (BOM and CRs removed)."""

    path: Path
    rel: str  # as printed: relative to the repository root
    docs_rel: str | None  # relative to docs/, posix; None outside docs/
    selected: bool = True
    text: str = ""
    line_starts: list[int] = field(default_factory=lambda: [0])
    meta: dict | None = None
    node: yaml.MappingNode | None = None
    fm_offset: int = 4  # where the YAML starts in text
    body: str = ""
    body_offset: int = 0
    masked: str = ""  # body with code, comments (and after math: formulas) blanked out
    formulas: list[Formula] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    anchor_cache: set[str] | None = None
    phrase_cache: list | None = None

    # positions
    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def add(self, code: str, where: int | tuple[int, int], message: str, hint: str | None = None) -> None:
        line, col = self.pos(where) if isinstance(where, int) else where
        if sum(1 for p in self.problems if p.code == code) >= MAX_PER_CODE:
            return
        self.problems.append(Problem(self.rel, line, col, code, message, CODES[code][1] if hint is None else hint))

    def node_pos(self, node: yaml.Node | None) -> tuple[int, int]:
        if node is None:
            return (1, 1)
        return self.pos(self.fm_offset + node.start_mark.index)

    def field_node(self, key: str) -> tuple[yaml.Node | None, yaml.Node | None]:
        """(key node, value node) of a top-level front matter field."""
        if self.node is None:
            return None, None
        found: tuple[yaml.Node | None, yaml.Node | None] = (None, None)
        for k, v in self.node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found = (k, v)
        return found

    def field_pos(self, key: str, index: int | None = None) -> tuple[int, int]:
        knode, vnode = self.field_node(key)
        if index is not None and isinstance(vnode, yaml.SequenceNode) and index < len(vnode.value):
            return self.node_pos(vnode.value[index])
        if vnode is not None and not (isinstance(vnode, yaml.ScalarNode) and vnode.value == ""):
            return self.node_pos(vnode)
        return self.node_pos(knode)

    @property
    def qid(self) -> str | None:
        v = (self.meta or {}).get("id")
        return v if isinstance(v, str) else None


def quote(value: Any, limit: int = 80) -> str:
    """The author's text as they typed it, for a message: 'like this', on one line.

    Never a Python repr (no doubled backslashes, no \\n); line breaks and runs of spaces
    become one space and a long value ends in an ellipsis.
    """
    flat = " ".join(str(value).split())
    if len(flat) > limit:
        flat = flat[:limit - 1].rstrip() + "…"
    return f"'{flat}'"


def under(path: Path, folder: Path) -> str | None:
    """``path`` relative to ``folder`` (both absolute and resolved), posix; None if outside."""
    p, f = str(path), str(folder).rstrip(os.sep) + os.sep
    return p[len(f):].replace(os.sep, "/") if p.startswith(f) else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def list_field(meta: dict | None, key: str) -> list:
    """A front-matter list field, or [] when it is absent or not a list (reported elsewhere)."""
    value = (meta or {}).get(key)
    return value if isinstance(value, list) else []


def is_str_list(value: Any) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)
