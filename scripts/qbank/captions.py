"""Caption noise: image captions a web scrape glued into answer text, and how to cut them out.

Why this exists: saving a page with pictures as text leaves each picture's caption (its alt
text, or the title of the image-search hit it was copied from) in the flow of the text, often
with no space or punctuation around it.  Seed 002 has "RNNAs you can see here" (caption
"RNN"), "...(e.g., Adam).Backpropagation Step by StepHere, w is ...", "vanishing
gradientConvolution Neural Network (CNN)" and "... forward... | Download Scientific
DiagramNodes:".  They read as garbage and, worse, as the answer's author's words.

A caption is recognised by its *shape*, so the rules carry over to any source:

* **Host suffix** — text ending in a known image host (" | Download Scientific Diagram",
  " | Medium", ...) is a caption back to where it starts: the earliest sentence start at most
  ``max_caption_chars`` before the suffix (or the whole line, when the line is the caption).
* **Glued title** — at a "glue point" (a lower-case letter directly followed by a capitalised
  word, an acronym directly followed by one, or a truncating "..." directly followed by more
  text), the phrase back to the previous sentence end or line start is a caption when it is
  a short Title Case phrase (or an acronym, or lower-case alt text at the start of a line)
  *and* what follows starts a sentence ("The", "Here,"), a label ("Improved activation
  functions: ..."), a numbered item ("5. ...") or, after lower-case alt text, a heading.
  camelCase words ("AdaGrad", "ResNet") are not glue: see ``keep_words``.
* **Alt text** — a lone lower-case name on its own line between two list items ("seq2seq":
  a name with a digit, or a word the answer spells otherwise), or after a sentence at the end
  of a line when the answer spells it otherwise ("... a feature map. cnn" about CNNs).

Lines with code, math, links or URLs are left alone.  The vocabulary (host suffixes, sentence
openers, camelCase words, limits) is data: ``data/caption_noise.yml``, which says how to edit it.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import DATA_FILE_HINT, LocatedError
from .repo import repo_root

DEFAULT_PATH = repo_root() / "data" / "caption_noise.yml"
"""The checkout's rules; the pipeline passes ``Project.data / "caption_noise.yml"`` explicitly."""

#: List markers before a line's text; several in a row ("- a. ...") once a lettered item or a
#: bare "-" merged with its text has become a bullet, so the text starts at the same place.
_MARKER = re.compile(r"^\s*(?:(?:[•●▪◦‣∙·\-*+]|\d{1,3}[.)]|[A-Za-z][.)])(?:\s+|$))*")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?: |(?=[A-Za-z]))")
#: The glue point is where the match ends.
_GLUE = re.compile(
    r"(?P<hump>[a-z](?=[A-Z][a-z]))"          # "ExplainedThe", "gradientConvolution"
    r"|(?P<acronym>[A-Z]{2}(?=[A-Z][a-z]))"   # "RNNAs"
    r"|(?P<cut>(?:\.\.\.|…)(?=[A-Z0-9]))"      # "Networks ...5. Activation"
)
_SKIP = re.compile(r"`|\\\(|\\\[|\$|\]\(|https?://")
_LIST_START = re.compile(r"^\d{1,3}[.)] ")
_LABEL = re.compile(r"^[A-Z][\w-]*(?: [\w()/-]+){0,4}:(?:\s|$)")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_ALT_LINE = re.compile(r"^[a-z][a-z0-9]{2,}$")
_LONE = re.compile(r"^\s*[•●▪◦‣∙·\-*+]\s*$")
_TRAILING_ALT = re.compile(r"(?<=[a-z]{3}[.!?]) ([a-z][a-z0-9]{1,15})$")


class CaptionRulesError(LocatedError, ValueError):
    """``data/caption_noise.yml`` cannot be used (a located problem naming the file; a
    ``ValueError`` as before)."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        super().__init__(path, None, message, DATA_FILE_HINT)


@dataclass(frozen=True)
class CaptionRules:
    """The vocabulary the rules need (see the module docstring and the data file)."""

    host_suffixes: tuple[str, ...]
    max_caption_chars: int
    max_title_words: int
    small_words: frozenset[str]
    sentence_openers: frozenset[str]
    keep_words: frozenset[str]

    @functools.cached_property
    def _suffixes(self) -> re.Pattern[str]:
        """Any host suffix, its spaces matching any run of spaces ("|  Download ...")."""
        return re.compile("|".join(r"\s+".join(re.escape(part) for part in s.split(" "))
                                   for s in self.host_suffixes) or r"(?!)")

    @functools.cached_property
    def _hosts(self) -> tuple[str, ...]:
        """The last word of each suffix: a cheap test before the regex."""
        return tuple(s.split()[-1] for s in self.host_suffixes)

    @classmethod
    def load(cls, path: Path) -> CaptionRules:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return cls(
                host_suffixes=tuple(str(s) for s in data["host_suffixes"]),
                max_caption_chars=int(data["max_caption_chars"]),
                max_title_words=int(data["max_title_words"]),
                small_words=frozenset(str(w) for w in data["small_words"]),
                sentence_openers=frozenset(str(w) for w in data["sentence_openers"]),
                keep_words=frozenset(str(w) for w in data["keep_words"]),
            )
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as err:
            raise CaptionRulesError(path, f"cannot read caption rules: {err!r}") from None

    # -- public ------------------------------------------------------------------------------

    def strip(self, lines: list[str], context: str) -> list[str]:
        """``lines`` (prose, outside code fences) without caption noise.

        ``context`` is the whole answer, used to tell alt text ("cnn") from a word.
        Rules are applied until nothing changes, so the result is a fixed point.
        """
        for _ in range(8):
            out = self._alt_lines(lines, context)
            out = [piece for line in out for piece in self._line(line, context)]
            if out == lines:
                break
            lines = out
        return lines

    # -- one line --------------------------------------------------------------------------

    def _line(self, line: str, context: str) -> list[str]:
        if not line.strip() or _SKIP.search(line):
            return [line]
        starts = self._starts(line)
        result = self._host_suffix(line, starts)
        if result is None:
            result = self._glued(line, starts)
        if result is None:
            result = self._trailing_alt(line, context)
        return [line] if result is None else result  # [] is a result: the line was all caption

    def _content_start(self, line: str) -> int:
        return _MARKER.match(line).end()  # type: ignore[union-attr]

    def _starts(self, line: str) -> list[int]:
        """Where a caption may start: the content start and every sentence start, in order."""
        first = self._content_start(line)
        return sorted({first} | {m.end() for m in _SENTENCE_END.finditer(line, first)
                                 if m.end() < len(line) and line[m.end()].isalnum()})

    def _join(self, line: str, start: int, rest: str) -> list[str]:
        """The line with ``line[start:...]`` (the caption) replaced: ``rest`` follows the text
        before it, on a line of its own when it is a numbered item or a label."""
        head = line[:start]
        if not head.strip() or head == line[: self._content_start(line)]:
            joined = head + rest
            return [joined] if joined.strip() and joined.strip() != head.strip() else []
        if not rest.strip():
            return [head.rstrip()]
        if _LIST_START.match(rest) or _LABEL.match(rest):
            indent = line[: len(line) - len(line.lstrip())]
            return [head.rstrip(), indent + rest]
        return [head.rstrip() + " " + rest]

    def _host_suffix(self, line: str, starts: list[int]) -> list[str] | None:
        if not any(host in line for host in self._hosts):
            return None
        for found in self._suffixes.finditer(line):
            at, end = found.span()
            rest = line[end:]
            if rest and not (rest[0].isupper() or rest[0].isdigit()):
                continue  # "| Medium" inside a sentence that goes on: not a caption title
            before = starts[: bisect.bisect_left(starts, at)]
            inner = [s for s in before[1:] if at - s <= self.max_caption_chars]
            if inner:
                start = inner[0]
            elif before:
                start = before[0]  # the caption has the line to itself (or no sentence before it)
            else:
                continue
            if not (line[start:start + 1].isalnum() and re.search("[A-Za-z]{2}", line[start:at])):
                continue  # no words before the suffix: nothing that reads as a caption
            return self._join(line, start, rest)
        return None

    def _glued(self, line: str, starts: list[int]) -> list[str] | None:
        first = starts[0]
        for glue in _GLUE.finditer(line, first):
            g = glue.end()
            k = bisect.bisect_left(starts, g)
            if not k:
                continue
            start = starts[k - 1]
            phrase, rest = line[start:g], line[g:]
            if self._is_caption(phrase, rest, glue.lastgroup or "", start == first):
                return self._join(line, start, rest)
        return None

    def _is_caption(self, phrase: str, rest: str, glue: str, at_line_start: bool) -> bool:
        words = phrase.split()
        if not words:
            return False
        tail = _WORD.match(rest)
        glued = (words[-1] + (tail.group(0) if tail else "")).strip(".,:;()")
        if glued in self.keep_words:
            return False
        opener = tail is not None and tail.group(0) in self.sentence_openers and rest[len(tail.group(0)):][:1] in (" ", ",")
        if glue == "acronym":
            return len(words) == 1 and bool(re.fullmatch(r"[A-Z]{2,6}", phrase)) and opener
        last_letters = len(re.sub(r"[^A-Za-z]", "", words[-1]))
        if glue == "hump" and phrase.islower() and at_line_start:
            return 1 <= len(words) <= 3 and last_letters >= 4 and self._heading(rest)
        if not (2 <= len(words) <= self.max_title_words and self._title(words)):
            return False
        if glue == "cut":
            return bool(_LIST_START.match(rest)) or opener
        return last_letters >= 4 and (opener or (bool(_LABEL.match(rest)) and len(words) >= 3))

    def _title(self, words: list[str]) -> bool:
        """Title Case: every word capitalised (or a number, or a small word inside)."""
        for k, word in enumerate(words):
            bare = word.strip(".,:;()[]'\"…")
            if not bare:
                continue
            if bare[0].isupper() or bare[0].isdigit():
                continue
            if k > 0 and bare in self.small_words:
                continue
            return False
        return bool(words[0][:1].isupper())

    def _heading(self, text: str) -> bool:
        words = text.strip().split()
        return 1 <= len(words) <= self.max_title_words and text.rstrip()[-1:] not in ".!?:,;" \
            and self._title(words)

    def _trailing_alt(self, line: str, context: str) -> list[str] | None:
        m = _TRAILING_ALT.search(line)
        if not m or not self._spelt_otherwise(m.group(1), context):
            return None  # the answer never writes it otherwise: maybe a real word
        return [line[: m.start()]]

    @staticmethod
    def _spelt_otherwise(token: str, context: str) -> bool:
        """Whether the answer also writes ``token`` in another case ("cnn" / "CNN")."""
        spelt = set(re.findall(rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])", context, re.I))
        return bool(spelt - {token})

    def _alt_text(self, token: str, context: str) -> bool:
        return any(c.isdigit() for c in token) or self._spelt_otherwise(token, context)

    # -- whole lines -----------------------------------------------------------------------

    def _alt_lines(self, lines: list[str], context: str) -> list[str]:
        """Drop a lone lower-case token line standing between two list items, when it reads as
        alt text: a name with a digit ("seq2seq") or a word the answer writes otherwise."""
        # A line right after a bare marker ("-" then the text) will be that item's text.
        item = [_is_item(line) or (k > 0 and bool(line.strip()) and bool(_LONE.match(lines[k - 1])))
                for k, line in enumerate(lines)]

        def neighbour(ks: range) -> bool:
            k = next((k for k in ks if lines[k].strip() and not _LONE.match(lines[k])), None)
            return k is not None and item[k]

        out: list[str] = []
        for k, line in enumerate(lines):
            if _ALT_LINE.match(line.strip()) and not item[k] and self._alt_text(line.strip(), context) \
                    and neighbour(range(k - 1, -1, -1)) and neighbour(range(k + 1, len(lines))):
                continue
            out.append(line)
        return out


#: Anything the list rules may turn into an item: bullets (also bare or glued to a word),
#: numbered and lettered items.  Judging neighbours by this wide shape keeps the decision
#: the same before and after normalization (which rewrites them all as "- " / "1. ").
_ITEM_LIKE = re.compile(r"^\s*(?:[•●▪◦‣∙·\-*+](?:\s|$|(?=[A-Z]))|\d{1,3}[.)](?:\s|$)|[A-Za-z][.)]\.?\s)")


def _is_item(line: str) -> bool:
    return bool(_ITEM_LIKE.match(line))


@functools.cache
def default_rules() -> CaptionRules:
    """The rules of this checkout (``data/caption_noise.yml``), read once."""
    return CaptionRules.load(DEFAULT_PATH)
