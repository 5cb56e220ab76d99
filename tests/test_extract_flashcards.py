"""Pins the flashcard-deck extractor on seed 002 (a deck scraped from a study web app)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qbank.extract import flashcards
from qbank.record import ExtractError, Record

SEEDS = Path(__file__).parents[1] / "seeds"
SEED = "002_571e76fee13970cc.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return (SEEDS / SEED).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def records(text: str) -> list[Record]:
    return flashcards.extract(text, SEED, "deck")


def by_number(records: list[Record]) -> dict[int, Record]:
    return {r.number: r for r in records if r.number is not None}


def test_exactly_37_cards_numbered_in_order(records: list[Record]) -> None:
    # The header says "37 Terms", the viewer counter "1/36": the cards win.
    assert len(records) == 37
    assert [r.number for r in records] == list(range(1, 38))
    assert all(r.seed == SEED and r.source == "deck" for r in records)


def test_every_card_has_an_answer(records: list[Record]) -> None:
    assert all(r.answered for r in records)


CARDS = [
    (1, 35, "What is deep learning?", "Hidden layers: Hidden layers process and transport data"),
    (2, 51, "What is AI?", "capable to think like human and mimic their actions"),
    (7, 104, "What is epoch and iteration?", "The batch is the dataset that has been divided into smaller parts"),
    (8, 133, "Types of Neutral network", "Radial Basis Function (RBF) Neural Network"),
    (9, 202, "Explain the concept of a neuron in Deep Learning.", "where xi are the inputs, wi are the weights"),
    (12, 259, "Name few popular activation functions and describe them.", "small negative slope like 0.01"),
    (14, 301, "Describe how training of basic neural networks works", "(aerror/aws) is the gradient"),
    (17, 346, "What is cost function", "tries to penalize the network when it makes errors"),
    (21, 406, "How does the vanishing gradient problem occur ?", "∂Loss/∂W₁ = (∂Loss/∂Aₗ)"),
    (22, 421, "Method to overcome the vanishing gradient problem", "Careful weight initialization"),
    (24, 476, "There is a neuron in the hidden layer that always results in a large error in backpropagation. "
     "What could be the reason for this?", "Insufficient representation capacity"),
    (28, 688, "What is the difference between gradient descent and stochastic gradient descent??",
     "These variants aim to improve the convergence properties"),
    (30, 832, "How can optimization methods like GD be improved? what is the role of the momentum term?",
     "v_t = β * v_{t-1} + (1 - β) * g_t"),
    (31, 883, "Compare batch gradient descent, minibatch gradient descent, and stochastic gradient descent.",
     "MBGD is commonly used as it provides a good balance"),
    (34, 960, "What is Hessian, and how can it be used for faster training? What are its disadvantages?",
     "Limited scalability. May not scale well"),
    (36, 1030, "What is RMSProp and How does it work?", "The small constant is added to prevent division by zero"),
    (37, 1058, "What is Adam and why is it used most of the time in NNs?", "θt+1=θt−v^t+ϵηm^t"),
]


@pytest.mark.parametrize(("number", "line", "question", "phrase"), CARDS, ids=[f"card{c[0]}" for c in CARDS])
def test_card_question_line_and_answer(records: list[Record], number: int, line: int, question: str,
                                       phrase: str) -> None:
    rec = by_number(records)[number]
    assert rec.question == question
    assert rec.line == line
    assert phrase in rec.answer


def test_answers_are_raw_not_normalized(records: list[Record]) -> None:
    cards = by_number(records)
    assert "  • Input layer: Data enters through the input layer." in cards[1].answer
    assert "  1. Feature Extraction:" in cards[4].answer
    assert cards[1].answer.startswith("Deep learning is a subset of machine learning")
    assert all(r.answer == r.answer.strip("\n") and r.answer.strip() for r in records)


def test_question_line_points_at_the_question(text: str, records: list[Record]) -> None:
    lines = text.splitlines()
    for rec in records:
        assert rec.question in lines[rec.line - 1]
        assert lines[rec.line - 3].strip() == "New cards"


UI_NOISE = ["New cards", "Study Analytics", "No study sessions yet.", "37 Terms", "encourage image",
            "Looks like no tags are added yet.", "There's no tags or description", "Card Sorting",
            "studied byStudied by", "5.0(1)"]


def test_no_ui_noise_in_answers_or_questions(records: list[Record]) -> None:
    for rec in records:
        for noise in UI_NOISE:
            assert noise not in rec.answer, (rec.number, noise)
            assert noise not in rec.question, (rec.number, noise)
        for line in rec.answer.splitlines():
            assert not re.fullmatch(r"\s*\d+/\d+\s*", line), (rec.number, line)
            assert not re.fullmatch(r"\s*\d+\s*", line), (rec.number, line)
        assert "\n\n\n" not in rec.answer


def test_image_captions_dropped_and_question_caption_is_not_a_question(records: list[Record]) -> None:
    questions = [r.question for r in records]
    assert not any("Leaky Rectified Linear Units" in q or "Quora" in q for q in questions)
    everything = "\n".join(r.answer for r in records)
    for caption in ["- Quora", "| Medium", "| Codecademy", "Levi on X:", "Machine Learning Flashcards"]:
        assert caption not in everything, caption
    # the content around the dropped captions survives
    cards = by_number(records)
    assert "Leaky ReLu\n\n  • Not only activates the positive scores" in cards[12].answer
    assert cards[10].answer.endswith("based on the input data.")


def test_garbled_formula_flags(records: list[Record]) -> None:
    flagged = {r.number for r in records if "garbled-formula" in r.flags}
    # 9: formula image lost ("is:" then "where xi ..."), 14: "(aerror/aws)",
    # 36: "according to the formula." with no formula, 37: "mt=β1mt−1+(1−β1)gt".
    # 21/23/26/30 hold intact formulas and must not be flagged.
    assert flagged == {9, 14, 36, 37}
    assert all(r.flags in ((), ("garbled-formula",)) for r in records)


def _cut_after(text: str, marker: str) -> str:
    return text[: text.index(marker) + len(marker)]


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda t: _cut_after(t, "\n37\nNew cards\n"), "card 37 has no term"),
    (lambda t: _cut_after(t, "\n37\n"), "card 37 is cut off"),
    (lambda t: t[: t.index("\n21\nNew cards\n")], "announces 37 terms but only 20"),
    (lambda t: t.replace("\n12\nNew cards\n", "\n13\nNew cards\n"), "card number 13 out of sequence (expected 12)"),
    (lambda t: t.replace("\n5\nNew cards\n", "\n"), "card number 6 out of sequence (expected 5)"),
], ids=["no-term", "bare-number", "cut-mid-deck", "renumbered", "missing-card"])
def test_truncated_or_scrambled_copy_raises(tmp_path: Path, text: str, mutate, message: str) -> None:
    broken = tmp_path / SEED
    broken.write_text(mutate(text), encoding="utf-8")
    with pytest.raises(ExtractError) as err:
        flashcards.extract(broken.read_text(encoding="utf-8"), SEED, "deck")
    assert message in err.value.message
    assert err.value.path == SEED and err.value.line >= 1 and err.value.hint


def test_no_cards_at_all_raises() -> None:
    with pytest.raises(ExtractError):
        flashcards.extract("Deep learning Interview Questions\n\nNothing here.\n", SEED, "deck")


def test_looks_like() -> None:
    assert flashcards.looks_like((SEEDS / SEED).read_text(encoding="utf-8"))
    assert not flashcards.looks_like((SEEDS / "000_d3bd1c64e802493d.txt").read_text(encoding="utf-8"))
    assert not flashcards.looks_like((SEEDS / "001_bb0412ce525cf09f.txt").read_text(encoding="utf-8"))
    assert not flashcards.looks_like("# Title\n\n1\n\nSome list\n2\nNew cards are great\n")
