"""Which of KaTeX's font faces typeset HTML needs, read from KaTeX's own stylesheet.

Why: the study page keeps every answer in memory, so that a session goes on offline; the fonts
its formulas use must be fetched while the reader is online.  The page used to lay out every
card invisibly so that the browser would fetch them: about 350 ms of main thread on
Lighthouse's phone (4x CPU), its largest long task.  The build has the answers, and KaTeX's
stylesheet says which class selects which face; so the cards document lists the faces (as CSS
``font`` values) and the page asks ``document.fonts.load()`` for each: no layout at all.

How: each rule of ``katex.min.css`` that sets ``font-family``, ``font-style`` or
``font-weight`` is keyed by the classes its selector needs (``.katex .delimsizing.mult
.delim-size1>span`` needs ``delimsizing``, ``mult`` and ``delim-size1``).  HTML needs a rule's
face when its elements carry all of those classes.  This over-approximates on purpose -- one
face too many is one small download, one too few is a formula in a fallback font offline: the
classes may sit on different elements, and each family used gets every style and weight set with
it or by a rule that leaves the family inherited (``\\mathbf`` inside ``\\textit``: Main bold
italic).  KaTeX's base face (Main, regular) is always in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["BASE_FAMILY", "Rule", "faces", "rules"]

BASE_FAMILY = "KaTeX_Main"  # `.katex { font: normal 1.21em KaTeX_Main, ... }`

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_DECL = re.compile(r"(font-family|font-style|font-weight)\s*:\s*([^;]+)")
_CLASS = re.compile(r"\.([A-Za-z0-9_-]+)")
_HTML_CLASS = re.compile(r'class="([^"]*)"')
_WEIGHTS = {"normal": "400", "bold": "700"}


@dataclass(frozen=True)
class Rule:
    """The classes a selector needs, and what its declarations set (None: inherited)."""

    classes: frozenset[str]
    family: str | None
    style: str | None
    weight: str | None


def rules(css: str) -> list[Rule]:
    """Every font-setting rule of KaTeX's stylesheet (selectors inside ``.katex``)."""
    out = []
    for selectors, body in _RULE.findall(_FONT_FACE.sub("", css)):
        decls = dict(_DECL.findall(body))
        if not decls:
            continue
        family = decls.get("font-family", "").split(",")[0].strip().strip("'\"") or None
        style = decls.get("font-style", "").strip() or None
        weight = decls.get("font-weight", "").strip() or None
        weight = _WEIGHTS.get(weight, weight) if weight else None
        for selector in selectors.split(","):
            names = _CLASS.findall(selector)
            if names[:1] == ["katex"] and len(names) > 1:
                out.append(Rule(frozenset(names[1:]), family, style, weight))
    return out


def faces(html: Iterable[str], css_rules: list[Rule]) -> list[str]:
    """The faces that ``html`` (pieces of KaTeX output) needs, as CSS ``font`` values for
    ``document.fonts.load()``; [] when it holds no typeset math."""
    classes: set[str] = set()
    for piece in html:
        for value in _HTML_CLASS.findall(piece):
            classes.update(value.split())
    if "katex" not in classes:
        return []
    matched = [rule for rule in css_rules if rule.classes <= classes]
    inherited = [rule for rule in matched if rule.family is None]  # e.g. \textbf: the weight only
    out = []
    for family in sorted({BASE_FAMILY} | {rule.family for rule in matched if rule.family}):
        own = [rule for rule in matched if rule.family == family] + inherited
        styles = {"normal"} | {rule.style for rule in own if rule.style}
        weights = {"400"} | {rule.weight for rule in own if rule.weight}
        out += [f"{style} {weight} 1em {family}" for style in sorted(styles) for weight in sorted(weights)]
    return out
