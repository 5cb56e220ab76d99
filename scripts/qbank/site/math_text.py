"""Formulas as plain text, for places that cannot hold typeset math.

The table of contents, the navigation and the browser's title bar show a heading's text,
not its HTML: a heading such as "Why divide by $\\sqrt{d_k}$?" would show its raw TeX there.
There we write the formula the way one would type it in an e-mail ("√dₖ"), using
pylatexenc's TeX-to-Unicode conversion.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

# \( … \), \[ … \], $$ … $$ and $ … $ (a $ followed by a non-space, as arithmatex reads it)
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|\$(?=\S)(.+?)(?<=\S)\$", re.S)
_SUB = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ")
_SCRIPT = re.compile(r"([_^])(\((?:[^()]{1,6})\)|[0-9A-Za-z+\-=]{1})")


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def _scripts(text: str) -> str:
    """y_i → yᵢ, x^2 → x², √(d_k) → √(dₖ) where Unicode has the character; else kept."""
    def one(m: re.Match[str]) -> str:
        body = m.group(2).strip("()") if m.group(2).startswith("(") else m.group(2)
        table = _SUB if m.group(1) == "_" else _SUP
        out = body.translate(table)
        if any(a == b for a, b in zip(body, out)):
            return m.group(0)  # a character without a Unicode sub/superscript: leave as typed
        return out
    return _SCRIPT.sub(one, text)


def tex_to_text(tex: str) -> str:
    text = _converter().latex_to_text(tex).strip()
    text = re.sub(r"√\(([^()\s]{1,3})\)", r"√\1", text)
    return _scripts(text)


def plain(title: str) -> str:
    """A title or heading with every formula in it written as plain text."""
    if "$" not in title and "\\(" not in title and "\\[" not in title:
        return title
    return _MATH.sub(lambda m: tex_to_text(next(g for g in m.groups() if g is not None)), title)
