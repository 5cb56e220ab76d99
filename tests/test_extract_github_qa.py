"""Pins the GitHub Q&A extractor on seed 001: the list is the question set, and every body
block is aligned to its question even where the ``Qn:`` heading and/or ``Answer:`` marker
was lost.  The phrases below were checked by reading the seed."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from qbank.extract import github_qa
from qbank.record import ExtractError, Record

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "seeds"
SEED = SEEDS / "001_bb0412ce525cf09f.txt"

UNANSWERED = {19, 25, 29, 31, 32, 34, 35, 36, 37, 38, 39, 40, 41, 42, 44}

# number -> phrase the answer must start with (proves which block went where).
STARTS = {
    1: "Autoencoders are one of the deep learning types used for unsupervised learning.",
    2: "In mathematical terms, the activation function serves as a gate",
    3: "To reduce overfitting in a deep neural network changes can be made in three places/stages",
    4: "Batch normalization is a technique for training very deep neural networks",  # no heading, no marker
    5: "By taking incremental steps towards the minimal value",  # no heading, no marker
    6: "Hyperparameters are any parameter in the model that affects the performance",
    7: "Parameter sharing is the method of sharing weights by all neurons",
    8: "In a typical CNN architecture, a few convolutional layers are connected in a cascade style.",
    9: "The vanishing gradient problem is encountered in artificial neural networks",
    10: "Some of the reasons why the loss doesn't decrease after a few Epochs are:",
    11: "A common problem with Tanh or Sigmoid functions is that they saturate.",
    12: "Transfer learning is a machine learning method where a model developed for a task is reused",
    13: "In Sequence to Sequence models such as RNNs, the input sentences might have long-term dependencies",
    14: "There are 3 main types of gates in a LSTM Model, as follows:",
    15: "For time-series data, where we assume temporal dependence between the values",
    16: "Overfitting occurs in more complex neural network models",
    17: "Using transfer learning where we can use our knowledge about one task to do another.",
    18: "If the momentum hyperparameter is set too close to 1 (e.g., 0.99999)",
    20: "Dropout is a regularization technique, which zeroes down some weights",
    21: "Deep learning offers several advantages over traditional machine learning approaches",
    22: "Standard neural network Convolution layers involve a lot of multiplications",
    23: "The key components of a transformer architecture are as follows:",
    24: "A transformer model consists of several key components",
    26: "Transformers have several advantages over traditional sequence-to-sequence models",
    27: "The attention mechanism in transformers plays a crucial role in capturing long-range dependencies",
    28: "While transformers have revolutionized many natural language processing tasks",
    30: "BERT (Bidirectional Encoder Representations from Transformers) is a transformer-based neural network model",
    33: "Transfer learning is a machine learning technique where knowledge gained from training on one task",
    43: "The purpose of data augmentation in computer vision is to artificially increase",
}

# number -> phrase the answer must end with (proves where each glued block was cut).
ENDS = {
    3: "restore_best_weights.",
    4: "- Faster Training/Convergence to the minimum loss function",
    5: "- The error gradient values are consistently above 1.0 for each node and layer during training.",
    16: "- https://github.com/youssefHosni/Data-Science-Interview-Questions-Answers/tree/main",
    23: "allowing for better language understanding and generation.",
    43: "to ensure that the model generalizes well to unseen data.",
}


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def records(text: str) -> dict[int, Record]:
    recs = github_qa.extract(text, SEED.name, "github-dl-qa")
    assert all(r.number is not None for r in recs)
    return {r.number: r for r in recs if r.number is not None}


def test_exactly_44_records_in_number_order(text: str) -> None:
    recs = github_qa.extract(text, SEED.name, "github-dl-qa")
    assert len(recs) == 44
    assert [r.number for r in recs] == list(range(1, 45))
    assert {(r.source, r.seed) for r in recs} == {("github-dl-qa", SEED.name)}


def test_unanswered_set(records: dict[int, Record]) -> None:
    assert {n for n, r in records.items() if r.answer == ""} == UNANSWERED
    assert len(UNANSWERED) == 15
    assert set(STARTS) == set(range(1, 45)) - UNANSWERED


@pytest.mark.parametrize("number", sorted(STARTS))
def test_answer_alignment(records: dict[int, Record], number: int) -> None:
    assert records[number].answer.startswith(STARTS[number])


@pytest.mark.parametrize("number", sorted(ENDS))
def test_answer_boundaries(records: dict[int, Record], number: int) -> None:
    assert records[number].answer.endswith(ENDS[number])


def test_glued_answers_are_cut_apart(records: dict[int, Record]) -> None:
    assert "Batch normalization is a technique" not in records[3].answer
    assert "An exploding gradient is the result of this" not in records[4].answer
    assert "There are some subtle signs that you may be suffering from exploding gradients" in records[5].answer


def test_no_markers_or_headings_leak_into_answers(records: dict[int, Record]) -> None:
    for rec in records.values():
        for line in rec.answer.splitlines():
            assert not line.startswith("Answer:"), rec.number
            assert not (line.startswith("Q") and line[1:2].isdigit()), rec.number
        assert rec.answer == rec.answer.strip("\n")


def test_answers_stay_raw(records: dict[int, Record]) -> None:
    # Maths-bold emphasis in answers is left for the normalize stage.
    assert "𝐓𝐡𝐢𝐬 𝐜𝐚𝐧 𝐜𝐚𝐮𝐬𝐞" in records[9].answer
    assert "\n-\nNumber of nodes: number of inputs in each layer." in records[6].answer


def test_stub_marker_is_not_an_answer(text: str, records: dict[int, Record]) -> None:
    assert "Answer: The" in text.splitlines()
    assert records[19].answer == ""


def test_bare_marker_runs_are_empty(records: dict[int, Record]) -> None:
    for number in (25, 29, 31, 32, 34, 35, 36, 37, 38, 39, 40, 41, 42, 44):
        assert records[number].answer == "", number


def test_q17_is_plain_text(records: dict[int, Record]) -> None:
    q17 = records[17].question
    assert q17 == "How would you change a pre-trained neural network from classification to regression?"
    assert q17.isascii()


def test_questions_are_single_line_and_nfkc(records: dict[int, Record]) -> None:
    assert records[4].question == "Why should we use Batch Normalization?"
    for rec in records.values():
        assert "\n" not in rec.question and rec.question == " ".join(rec.question.split())
        assert rec.question == unicodedata.normalize("NFKC", rec.question)


def test_lines_point_at_the_question(text: str, records: dict[int, Record]) -> None:
    lines = text.splitlines()
    for number, rec in records.items():
        source_line = unicodedata.normalize("NFKC", lines[rec.line - 1])
        assert source_line.startswith(f"- Q{number}:")
        assert rec.question in source_line
    assert records[1].line == 1 and records[44].line == 44


def test_truncated_list_names_missing_number(text: str, tmp_path: Path) -> None:
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(text.splitlines()[:19]) + "\n", encoding="utf-8")
    with pytest.raises(ExtractError) as err:
        github_qa.extract(cut.read_text(encoding="utf-8"), cut.name, "s")
    assert "Q20" in err.value.message
    assert err.value.path == cut.name and err.value.hint


def test_list_cut_midway_before_body_names_missing_number(text: str) -> None:
    lines = text.splitlines()
    damaged = "\n".join(lines[:29] + lines[44:])  # list stops at Q29, body still has Q30:
    with pytest.raises(ExtractError) as err:
        github_qa.extract(damaged, "x", "s")
    assert "Q30 is missing" in err.value.message


def test_gap_in_list_names_missing_number(text: str) -> None:
    lines = text.splitlines()
    with pytest.raises(ExtractError) as err:
        github_qa.extract("\n".join(lines[:16] + lines[17:]), "x", "s")
    assert "Q17 is missing" in err.value.message
    assert err.value.line == 17


def test_no_question_list() -> None:
    with pytest.raises(ExtractError):
        github_qa.extract("# Title\n\nSome text.\nAnswer: nothing\n", "x", "s")


def test_looks_like() -> None:
    assert github_qa.looks_like(SEED.read_text(encoding="utf-8"))
    assert not github_qa.looks_like((SEEDS / "000_d3bd1c64e802493d.txt").read_text(encoding="utf-8"))
    assert not github_qa.looks_like((SEEDS / "002_571e76fee13970cc.txt").read_text(encoding="utf-8"))
    assert not github_qa.looks_like("# Questions\n\n- Q1: only one\n\nprose\n")


def test_paragraph_split_needs_a_free_slot_and_matching_content() -> None:
    text = "\n".join([
        "- Q1: What is dropout?",
        "- Q2: Why use batch normalization?",
        "- Q3: What is a learning rate schedule?",
        "Q1: What is dropout?",
        "Answer:",
        "Dropout zeroes random units during training.",
        "- it regularises",
        "Batch normalization standardises each mini-batch, so batch normalization speeds training.",
        "Q3: What is a learning rate schedule?",
        "Answer: A learning rate schedule changes the learning rate over time.",
        "- step decay",
        "Cosine annealing is another popular choice.",
    ])
    recs = github_qa.extract(text, "t", "s")
    assert recs[0].answer == "Dropout zeroes random units during training.\n- it regularises"
    assert recs[1].answer.startswith("Batch normalization standardises")
    # No free slot after Q3, so the trailing paragraph stays with Q3.
    assert recs[2].answer.endswith("Cosine annealing is another popular choice.")
