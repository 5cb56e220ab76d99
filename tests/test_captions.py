"""Caption noise glued into answers by a scrape (``qbank.captions``, ``data/caption_noise.yml``).

The seeds are the test: seed 002 has every glued caption we know of, and exactly those are
removed — ``test_exactly_the_known_captions_are_removed_from_the_seeds`` compares the
normalized seeds with and without the caption rules, word by word, so a rule that starts
eating real text fails here.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import pytest

from qbank.captions import DEFAULT_PATH, CaptionRules, default_rules
from qbank.extract import extract_file
from qbank.normalize import normalize_answer
from qbank.record import Record
from qbank.source import load_sources

ROOT = Path(__file__).parents[1]


class NoCaptions(CaptionRules):
    """The normalizer as it was: every other rule, no caption removal."""

    def __init__(self) -> None:
        super().__init__((), 0, 0, frozenset(), frozenset(), frozenset())

    def strip(self, lines: list[str], context: str) -> list[str]:
        return lines


@functools.cache
def records() -> list[Record]:
    out: list[Record] = []
    for source in load_sources(ROOT / "seeds" / "sources.yml"):
        out += extract_file(ROOT / "seeds" / source.seed, source.id, source.format)
    return out


def card(number: int) -> Record:
    return next(r for r in records() if r.source == "flashcard-deck" and r.number == number)


def words(text: str) -> Counter[str]:
    """Words, with camelCase glue split ("RNNAs" -> RNN, As; "DiagramNodes" -> Diagram, Nodes)."""
    return Counter(re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", text))


# (source, question line) -> the captions removed from that answer, as they appear in the seed.
REMOVED = {
    ("flashcard-deck", 133): ["RNN", "RNN", "seq2seq", "vanishing gradient", "cnn"],
    ("flashcard-deck", 202): ["Calculus in Action: Neural Networks ..."],
    ("flashcard-deck", 301): ["Backpropagation Step by Step"],
    ("flashcard-deck", 421): ["Vanishing Gradient Problem, Explained", "Vanishing Gradient Problem, Explained"],
    ("flashcard-deck", 517): ["A (a) neural network and (b) its computational graph. The (c) forward... "
                              "| Download Scientific Diagram"],
}


def test_exactly_the_known_captions_are_removed_from_the_seeds() -> None:
    removed: dict[tuple[str, int], Counter[str]] = {}
    for r in records():
        if not r.answered:
            continue
        before = normalize_answer(r.answer, NoCaptions()).text
        after = normalize_answer(r.answer).text
        assert not words(after) - words(before), f"{r.source}:{r.line}: caption removal added words"
        if lost := words(before) - words(after):
            removed[(r.source, r.line)] = lost
    expected = {key: sum((words(c) for c in captions), Counter()) for key, captions in REMOVED.items()}
    assert removed == expected


def test_glued_acronym_caption() -> None:
    out = normalize_answer(card(8).answer).text
    assert "\nAs you can see here, RNN has a recurrent connection" in out
    assert "decreases the computational cost. As shown in the above figure, 3 weight matrices" in out
    assert "RNNAs" not in out and "seq2seq" not in out


def test_lowercase_alt_text_before_a_heading_and_at_the_end_of_a_sentence() -> None:
    out = normalize_answer(card(8).answer).text
    assert "\nConvolution Neural Network (CNN)\n" in out
    assert out.endswith("to produce a feature map.")


def test_title_caption_between_two_sentences() -> None:
    assert "(e.g., Stochastic Gradient Descent, Adam). Here, w is a weight" in normalize_answer(card(14).answer).text
    out = normalize_answer(card(22).answer).text
    assert "the function will return zero. The derivative of a ReLU function" in out
    assert "\nImproved activation functions: Using activation functions like ReLU" in out
    assert "Explained" not in out


def test_host_suffix_caption_keeps_the_sentence_before_it() -> None:
    out = normalize_answer(card(25).answer).text
    assert "Useful for visualizing data transformations and model structure.\n\nNodes:\n\n- In a computational graph" in out
    assert "Download Scientific Diagram" not in out and "(c) forward" not in out


def test_truncated_caption_glued_to_the_next_numbered_step() -> None:
    # Card 9: "...inputs to the neuron.Calculus in Action: Neural Networks ...5. Activation Function:"
    out = normalize_answer(card(9).answer).text
    assert "and is the number of inputs to the neuron.\n\n5. Activation Function: The weighted sum" in out
    assert "\n    1. Sigmoid: Maps the input" in out  # 1.-3. stay the sub-list of step 5


@pytest.mark.parametrize("text", [
    "The AdaGrad optimizer adapts the rate.",
    "Using TensorFlow Lite: a guide to it.",
    "Deploying Models with TensorFlow Lite: steps follow.",
    "LSTMs are good. ResNet Architecture is deep.",
    "We tried A, B, C...None worked.",
    "Common activations, e.g. relu",
    "The answer is short. yes",
    "Training Deep ResNet Models: we use skip connections.",
    "See `RNNAs you` and \\(x\\) here.RNNAs you see.",
    "A post on Medium | Medium is where it was.",
])
def test_real_text_is_kept(text: str) -> None:
    assert normalize_answer(text).text == text


def test_a_lone_word_between_items_is_kept_unless_it_reads_as_alt_text() -> None:
    assert normalize_answer("- one\n\npara\n\n- two").text == "- one\n\npara\n\n- two"
    assert normalize_answer("- one\n\nword2vec\n\n- two").text == "- one\n- two"


def test_standalone_caption_line_is_dropped_whole() -> None:
    text = "Intro.\n\n- Activation Functions for Deep Learning | by Mehmet Toprak | Medium\n- real item"
    assert normalize_answer(text).text == "Intro.\n\n- real item"


def test_rules_come_from_the_data_file_which_says_how_to_edit_it() -> None:
    head = DEFAULT_PATH.read_text(encoding="utf-8").split("\n\n")[0]
    assert DEFAULT_PATH == ROOT / "data" / "caption_noise.yml"
    assert head.startswith("# Caption noise") and "How to edit" in DEFAULT_PATH.read_text(encoding="utf-8")
    rules = default_rules()
    assert " | Download Scientific Diagram" in rules.host_suffixes and "ResNet" in rules.keep_words
    # a suffix added to the data is honoured
    more = CaptionRules.load(DEFAULT_PATH)
    more = CaptionRules(more.host_suffixes + (" | Example Host",), more.max_caption_chars, more.max_title_words,
                        more.small_words, more.sentence_openers, more.keep_words)
    assert normalize_answer("Real text. A Figure | Example HostNext: it", more).text == "Real text.\n\nNext: it"
