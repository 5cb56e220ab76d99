"""Formulas a scrape left as plain text, typeset as TeX before Unicode folding can lose them.

Why this exists: sources write formulas with Unicode sub- and superscripts ("gt²",
"∂Aₗ/∂Aₗ₋₁") or in plain-text TeX-ish notation ("v_t = β * v_{t-1}").  NFKC, which the
normalizer needs for mojibake and "mathematical bold" letters, folds ``²`` to ``2`` and
``ₗ₋₁`` to ``l−1``, so "g squared" silently becomes "g2".  This module finds the runs of a
line that are clearly formulas and rewrites them as ``\\( \\)`` (or, when the formula is the
whole line, ``\\[ \\]``) with ``^``/``_``, so the meaning survives and KaTeX typesets it.

"Clearly a formula" is deliberately narrow, because prose must never be mangled:

* a token (whitespace-separated) is a formula when it holds a Unicode sub/superscript,
  a ``∂``, or a one-letter identifier with a short subscript (``v_t``, ``θ_{t-1}``, ``p_i``;
  not ``restore_best_weights``);
* operators (``=``, ``+``, ``*``, ``/``, ``...``) join formula tokens into one run, and pull
  in the short operands beside them (``CE = -Σ(y_i * ...)``, ``(1 - β)``);
* code spans, existing math, URLs, link targets and HTML are never looked into, and a run
  holding TeX specials (``\\ % # & $ ~``) or characters KaTeX might reject is left as it is.

Everything else (a lone ``β`` in a sentence, ``f(x) = 1/(1+exp(-x))``) stays text: it
survives NFKC unharmed.  ``SCRIPTS`` is also what :func:`qbank.normalize.fix_unicode`
keeps out of NFKC, so a sub/superscript outside any formula is never flattened either.
"""

from __future__ import annotations

import re
import unicodedata

# --- Unicode sub- and superscripts ---------------------------------------------------------

#: Blocks that hold the sub/superscript characters (Latin-1, spacing modifiers, phonetic
#: extensions, super/subscripts, Latin extended-C/D, Latin extended-E).
_SCRIPT_BLOCKS = ((0x00A0, 0x00FF), (0x02B0, 0x02FF), (0x1D2C, 0x1DBF), (0x2070, 0x209F),
                  (0x2C7C, 0x2C7D), (0xA69C, 0xA69D), (0xA770, 0xA770), (0xA7F2, 0xA7F9),
                  (0xAB5C, 0xAB69))
#: Ordinal indicators (1ª, 2º) are superscript letters by decomposition but not maths.
_NOT_SCRIPTS = frozenset("\u00aa\u00ba")


def _scripts() -> dict[str, tuple[str, str]]:
    """``{char: ("^" or "_", plain char)}`` from Unicode's own ``<super>``/``<sub>`` tags."""
    table: dict[str, tuple[str, str]] = {}
    for lo, hi in _SCRIPT_BLOCKS:
        for cp in range(lo, hi + 1):
            char = chr(cp)
            tag, _, code = unicodedata.decomposition(char).partition(" ")
            if tag in ("<super>", "<sub>") and " " not in code and char not in _NOT_SCRIPTS:
                table[char] = ("^" if tag == "<super>" else "_", chr(int(code, 16)))
    return table


SCRIPTS: dict[str, tuple[str, str]] = _scripts()
SCRIPT_CHARS = re.compile("[" + "".join(re.escape(c) for c in sorted(SCRIPTS)) + "]")

# --- TeX for the characters a plain-text formula uses --------------------------------------

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi",
    "Ω": "Omega",
}
_SYMBOLS = {
    "∂": r"\partial", "∑": r"\sum", "∏": r"\prod", "∞": r"\infty", "×": r"\times", "·": r"\cdot",
    "≤": r"\le", "≥": r"\ge", "≈": r"\approx", "≠": r"\ne", "→": r"\to", "±": r"\pm",
    "…": r"\ldots", "∇": r"\nabla",
}
_PLAIN = {"−": "-", "–": "-"}
#: Words KaTeX typesets upright as functions; any other word of 3+ letters (or an
#: all-capitals one) is a name, set in ``\text{}`` so it does not read as a product of letters.
_FUNCTIONS = frozenset({"log", "ln", "exp", "max", "min", "sin", "cos", "tan", "tanh", "det", "arg", "lim"})
_UNSAFE = re.compile(r"[\\%#&$~]")

# --- what a formula token looks like -------------------------------------------------------

_GREEK_CLASS = "".join(_GREEK)
_SUBSCRIPTED = re.compile(
    rf"(?<![A-Za-z0-9\\{_GREEK_CLASS}])[A-Za-z{_GREEK_CLASS}]_(?:[A-Za-z0-9]{{1,3}}|\{{[^{{}}\s]{{1,12}}\}})"
    rf"(?![A-Za-z0-9_])"
)
_OPERATORS = frozenset({"=", "+", "-", "−", "*", "/", "×", "·", "≈", "≤", "≥", "<", ">", "...", "…", "→", "±"})
#: An operand an operator may pull into a run: a number, a short name, a Greek letter, or a
#: bracketed one of those ("(1", "β)"), optionally signed.
_OPERAND = re.compile(rf"^[(\[]*[-−]?(?:\d+(?:\.\d+)?|[A-Za-z]{{1,2}}|[{_GREEK_CLASS}])[)\]]*$")
#: Two-letter English words that are never operands, so "x_1 - an example" stays prose.
_SHORT_WORDS = frozenset("an as at be by do he if in is it me my no of on or so to up us we".split())
_TRAILING = ".,;:!?"

#: Spans never looked into: inline code, existing math, links' targets, URLs, HTML tags.
_PROTECTED = re.compile(
    r"`+[^`]*`+|\\\(.*?\\\)|\\\[.*?\\\]|\$\$.*?\$\$|\]\([^)]*\)|https?://\S+|<[^>\n]*>"
)


def _strong(token: str) -> bool:
    """A token that is a formula on its own."""
    return bool(SCRIPT_CHARS.search(token) or "∂" in token or _SUBSCRIPTED.search(token))


def _kind(token: str) -> str:
    if token in _OPERATORS:
        return "op"
    if _strong(token):
        return "formula"
    if _OPERAND.match(token) and token.strip("()[]-−").lower() not in _SHORT_WORDS:
        return "operand"
    return "word"


def _runs(tokens: list[str]) -> list[tuple[int, int]]:
    """Half-open token index ranges that form one formula each (see the module doc)."""
    kinds = [_kind(t) for t in tokens]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if kinds[i] != "formula":
            i += 1
            continue
        lo, hi = i, i + 1
        while True:  # extend right: formula tokens, or an operator followed by an operand
            if hi < len(tokens) and kinds[hi] == "formula" and not _ends_clause(tokens[hi - 1]):
                hi += 1
            elif hi + 1 < len(tokens) and kinds[hi] == "op" and kinds[hi + 1] in ("formula", "operand") \
                    and not _ends_clause(tokens[hi - 1]):
                hi += 2
            else:
                break
        while True:  # extend left, the same way
            if lo > 0 and kinds[lo - 1] == "formula" and not _ends_clause(tokens[lo - 1]):
                lo -= 1
            elif lo > 1 and kinds[lo - 1] == "op" and kinds[lo - 2] in ("formula", "operand") \
                    and not _ends_clause(tokens[lo - 2]):
                lo -= 2
            else:
                break
        if runs and lo < runs[-1][1]:
            lo = runs[-1][1]
        runs.append((lo, hi))
        i = hi
    return runs


def _ends_clause(token: str) -> bool:
    """A token ending in ``,`` ``;`` ``:`` or a sentence end closes the formula before it."""
    return token[-1:] in _TRAILING and not token.endswith("...")


def to_tex(text: str) -> str | None:
    """TeX for one plain-text formula, or None when it cannot be converted safely."""
    if _UNSAFE.search(text) or text.count("{") != text.count("}"):
        return None
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in SCRIPTS:
            mark = SCRIPTS[char][0]
            j = i
            while j < len(text) and text[j] in SCRIPTS and SCRIPTS[text[j]][0] == mark:
                j += 1
            body = "".join(_PLAIN.get(SCRIPTS[c][1], SCRIPTS[c][1]) for c in text[i:j])
            body = "".join(f"\\{_GREEK[c]} " if c in _GREEK else c for c in body).strip()
            out.append(mark + (body if len(body) == 1 else "{" + body + "}"))
            i = j
            continue
        if text.startswith("...", i):
            out.append(r"\ldots ")
            i += 3
            continue
        if char.isascii() and char.isalpha():
            j = i
            while j < len(text) and text[j].isascii() and text[j].isalpha():
                j += 1
            word = text[i:j]
            if word.lower() in _FUNCTIONS and word.islower():
                out.append(f"\\{word} ")
            elif len(word) >= 3 or (len(word) > 1 and word.isupper()):
                out.append(r"\text{" + word + "}")
            else:
                out.append(word)
            i = j
            continue
        if char == "_" and (m := re.match(r"_([A-Za-z0-9]{2,3})(?![A-Za-z0-9])", text[i:])):
            out.append("_{" + m.group(1) + "}")
            i += m.end()
            continue
        if char == "/":
            out.append(" / ")
        elif char in _GREEK:
            out.append(f"\\{_GREEK[char]} ")
        elif char in _SYMBOLS:
            out.append(_SYMBOLS[char] + " ")
        elif char in _PLAIN:
            out.append(_PLAIN[char])
        elif not char.isascii():
            return None  # a character we have no TeX for: leave the text alone
        else:
            out.append(char)
        i += 1
    tex = re.sub(r" +", " ", "".join(out))
    tex = re.sub(r" (?=[\s)}\],^_])|(?<=[({\[]) ", "", tex)
    tex = re.sub(r"(\\[A-Za-z]+) (?=[(\[])", r"\1", tex)  # "\log (p)" -> "\log(p)"
    return tex.strip()


def _wraps_whole(text: str) -> bool:
    """Whether the bracket opening ``text`` is closed by its last character."""
    depth = 0
    for k, char in enumerate(text):
        depth += char in "([" and 1 or -(char in ")]")
        if depth == 0:
            return k == len(text) - 1
    return False


def _split_brackets(raw: str) -> tuple[str, str, str]:
    """``(lead, formula, tail)``: sentence punctuation after a formula, brackets around all
    of it and brackets it does not close or open stay in the text, outside the math."""
    lead, core, tail = "", raw, ""
    while core and core[-1] in _TRAILING and not core.endswith("..."):
        core, tail = core[:-1], core[-1] + tail
    while True:
        opens, closes = core.count("(") + core.count("["), core.count(")") + core.count("]")
        if core[:1] in ("(", "[") and _wraps_whole(core):
            lead, core, tail = lead + core[0], core[1:-1], core[-1] + tail
        elif core[-1:] in (")", "]") and closes > opens:
            core, tail = core[:-1], core[-1] + tail
        elif core[:1] in ("(", "[") and opens > closes:
            lead, core = lead + core[0], core[1:]
        else:
            return lead, core, tail


def _wrap(segment: str, whole_line: bool) -> str:
    """Typeset the formula runs of one unprotected segment of a line."""
    parts = re.split(r"(\s+)", segment)
    tokens = parts[0::2]
    spaces = parts[1::2]
    if not any(_strong(t) for t in tokens):
        return segment
    index = [k for k, t in enumerate(tokens) if t]
    words = [tokens[k] for k in index]
    for lo, hi in reversed(_runs(words)):
        first, last = index[lo], index[hi - 1]
        raw = "".join(tokens[k] + (spaces[k] if k < last else "") for k in range(first, last + 1))
        lead, core, tail = _split_brackets(raw)
        tex = to_tex(core) if core else None
        if tex is None:
            continue
        display = whole_line and not lead and not tail and first == index[0] and last == index[-1]
        math = rf"\[{tex}\]" if display else rf"\({tex}\)"
        tokens[first] = lead + math + tail
        for k in range(first + 1, last + 1):
            tokens[k] = ""
        for k in range(first, last):
            spaces[k] = ""
    return "".join(t + (spaces[k] if k < len(spaces) else "") for k, t in enumerate(tokens))


_ITEM_PREFIX = re.compile(r"^\s*(?:[•●▪◦‣∙·\-*+]|\d{1,3}[.)]|[A-Za-z][.)])\s+|^\s+")


def typeset_line(line: str) -> str:
    """``line`` with its plain-text formulas as ``\\( \\)`` (``\\[ \\]`` if it is one formula)."""
    if not (SCRIPT_CHARS.search(line) or "∂" in line or "_" in line):
        return line
    prefix = m.group(0) if (m := _ITEM_PREFIX.match(line)) else ""
    body = line[len(prefix):]
    pieces: list[str] = []
    pos = 0
    spans = [(p.start(), p.end()) for p in _PROTECTED.finditer(body)]
    for start, end in spans:
        pieces.append(_wrap(body[pos:start], False))
        pieces.append(body[start:end])
        pos = end
    pieces.append(_wrap(body[pos:], not prefix and not spans))
    return prefix + "".join(pieces)
