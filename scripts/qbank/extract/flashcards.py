"""Extractor for flashcard decks scraped as plain text from a study web app.

The scrape is the page text of a deck: a header of app chrome (rating, "Study
Analytics", a ``1/36`` viewer counter, "37 Terms"), then every card as::

    <n>                 card number, alone on its line
    New cards           the card's study status (UI, dropped)
    <term>              -> Record.question (first non-blank line)
    <definition ...>    -> Record.answer (everything up to the next card number)

Cards are recognised only by a bare number *immediately followed* by a status line,
because definitions themselves may contain bare numbers or numbered lists.  The
viewer counter is ignored (it says 36 for a 37-card deck): the cards are the truth.
Answers are cut raw; only UI lines and standalone image captions are removed,
bullets and formulas are left for ``qbank.normalize``.
"""

from __future__ import annotations

import re

from ..record import ExtractError, Record

#: Study statuses the app prints under a card number ("New cards" is the only one
#: seen in the seeds; a card is only recognised with one, see module docstring).
_STATUSES = frozenset({"New cards"})

#: App chrome that may appear on a line of its own.  Matched on the stripped line.
_UI_LINES = frozenset({
    "New cards", "Study Analytics", "No study sessions yet.", "encourage image",
    "There's no tags or description", "Looks like no tags are added yet.",
    "learnLearn", "examPractice Test", "spaced repetitionSpaced Repetition",
    "heart puzzleMatch", "flashcardsFlashcards", "Card Sorting",
})
_UI_PATTERNS = re.compile(
    r"\d+/\d+"                 # viewer counter "1/36"
    r"|\d+ Terms"              # deck size header
    r"|\d\.\d\(\d+\)"          # rating "5.0(1)"
    r"|studied byStudied by \d+ (?:people|person)"
)
_NUMBER = re.compile(r"\d+")
_TERMS = re.compile(r"(\d+) Terms")

#: Standalone image captions: titles of pictures lifted from image search, which end
#: in their source site ("... | Medium", "... - Quora") or are tweets ("X on X: ...").
#: They are dropped, not kept: they are not the card author's words, and one of them
#: ("What are the advantages of ... Leaky ReLU ... in deep learning? - Quora") is
#: phrased as a question, so keeping it would plant a fake question inside an answer
#: for the later question-splitting/normalising stages to trip over.  Captions glued
#: into a sentence by the scrape are left alone: cutting them out means guessing.
_CAPTION = re.compile(
    r"\s[|-]\s+(?:Medium|Quora|Codecademy|Machine Learning Flashcards)\s*$"
    r"|^(?:•\s*)?\S+ on X: \""
)

#: Heuristics for formulas the scrape destroyed (MathML/images flattened to text).
#: Intact formulas in these decks keep spaces around "=" and use "_", "∂" or Unicode
#: subscripts ("v_t = β * v_{t-1}", "∂Loss/∂W₁"), so none of these fire on them.
#: Glued sentences ("...Adam).Backpropagation Step by StepHere") are NOT used alone:
#: they also come from plain image captions (cards about RNN/CNN, computational
#: graphs) where no formula is involved.
_GARBLED = (
    # "∂" read as "a": "(aerror/aws)" for ∂error/∂w.
    re.compile(r"\ba[a-z]+/a[a-z]+\b"),
    # Unspaced equation with sub/superscripts flattened into the symbols:
    # "mt=β1mt−1+(1−β1)gt", "θt+1=θt−v^t+ϵηm^t" (Greek letter or U+2212 minus inside).
    re.compile(r"[^\s=]*[α-ωΑ-Ωϵ−][^\s=]*=[^\s=]+|[^\s=]+=[^\s=]*[α-ωΑ-Ωϵ−]"),
)
#: A formula announced ("The formula for this computation is:") whose next non-blank
#: line has no "=": the equation itself was an image the scrape dropped.
_ANNOUNCED = re.compile(r"\bformula\b[^.:]*[.:]\s*$")


def _card_starts(lines: list[str]) -> list[int]:
    """0-based indexes of card-number lines (a bare number directly above a status)."""
    return [i for i in range(len(lines) - 1)
            if _NUMBER.fullmatch(lines[i].strip()) and lines[i + 1].strip() in _STATUSES]


def looks_like(text: str) -> bool:
    """True for a scraped deck: numbered cards with status lines (or one plus a header).

    This sniffer runs before the Markdown ones, so it demands the app's own card
    layout rather than anything a normal document would contain.
    """
    lines = text.splitlines()
    starts = _card_starts(lines)
    return len(starts) >= 2 or (len(starts) == 1 and _announced(lines[: starts[0]]) is not None)


def _announced(header: list[str]) -> tuple[int, int] | None:
    """(1-based line, count) of the header's "37 Terms", used to catch a deck cut mid-way."""
    for i, line in enumerate(header):
        if match := _TERMS.fullmatch(line.strip()):
            return i + 1, int(match.group(1))
    return None


def _is_noise(line: str) -> bool:
    stripped = line.strip()
    return stripped in _UI_LINES or bool(_UI_PATTERNS.fullmatch(stripped)) or bool(_CAPTION.search(stripped))


def _clean(body: list[str]) -> str:
    """Drop noise lines, without leaving the doubled blank line a removal creates."""
    kept: list[str] = []
    dropped = False
    for line in body:
        if _is_noise(line):
            dropped = True
            continue
        if not line.strip() and dropped and kept and not kept[-1].strip():
            continue
        dropped = False
        kept.append(line)
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def _garbled(answer: str) -> bool:
    """Whether the answer holds a formula the scrape mangled (see ``_GARBLED``)."""
    if any(rx.search(answer) for rx in _GARBLED):
        return True
    lines = [ln for ln in answer.splitlines() if ln.strip()]
    return any(_ANNOUNCED.search(ln) and (k + 1 == len(lines) or "=" not in lines[k + 1])
               for k, ln in enumerate(lines))


def extract(text: str, seed: str, source: str) -> list[Record]:
    """One record per card; raises ``ExtractError`` when the deck is cut short or scrambled."""
    lines = text.splitlines()
    starts = _card_starts(lines)
    if not starts:
        raise ExtractError(seed, 1, "no numbered flashcards found",
                           "expected a card number line followed by a 'New cards' line")
    records: list[Record] = []
    for k, start in enumerate(starts):
        number = int(lines[start].strip())
        if number != k + 1:
            raise ExtractError(seed, start + 1, f"card number {number} out of sequence (expected {k + 1})",
                               "cards must run 1, 2, 3, ...: the scrape is reordered or lost a card")
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        term = next((i for i in range(start + 2, end) if lines[i].strip()), None)
        if term is None or _is_noise(lines[term]):
            raise ExtractError(seed, start + 1, f"card {number} has no term after its number",
                               "the file looks truncated: re-save the whole deck page")
        flags = ("garbled-formula",) if _garbled(answer := _clean(lines[term + 1:end])) else ()
        records.append(Record(source=source, seed=seed, line=term + 1, number=number,
                              question=lines[term].strip(), answer=answer, flags=flags))
    tail = [ln.strip() for ln in lines if ln.strip()][-1]
    if _NUMBER.fullmatch(tail) and int(tail) == len(records) + 1:
        raise ExtractError(seed, len(lines), f"card {tail} is cut off after its number",
                           "the file looks truncated: re-save the whole deck page")
    announced = _announced(lines[: starts[0]])
    if announced and announced[1] > len(records):
        raise ExtractError(seed, announced[0], f"header announces {announced[1]} terms but only "
                           f"{len(records)} cards were found", "the file looks truncated: re-save the whole deck page")
    return records
