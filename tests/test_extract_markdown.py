"""Tests for the generic Markdown extractor (repos imported from GitHub).

Each fixture under ``fixtures/markdown`` imitates one real repository style; the
tests pin the exact questions found in it and spot-check answers and line numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qbank.extract import detect_format, markdown
from qbank.record import ExtractError, Record

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
SEEDS = Path(__file__).parents[1] / "seeds"

Row = tuple[str, str | None, str | None, int | None, bool]


def _read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _extract(name: str) -> list[Record]:
    return markdown.extract(_read(name), name, "test-repo")


def _rows(records: list[Record]) -> list[Row]:
    return [(r.question, r.difficulty, r.section, r.number, r.answered) for r in records]


def _one(records: list[Record], question: str) -> Record:
    (found,) = [r for r in records if r.question == question]
    return found


def _line_of(name: str, needle: str) -> int:
    """1-based line of the only line containing ``needle`` (so tests do not hard-code lines)."""
    hits = [i for i, line in enumerate(_read(name).split("\n"), 1) if needle in line]
    assert len(hits) == 1, hits
    return hits[0]


EXPECTED: dict[str, list[Row]] = {
    # "##" sections with emoji, "####" questions, 👶/⭐️/🚀, <br/> separators, banner + TOC.
    "sections_emoji.md": [
        ("What is an activation function and why do we need it?", "easy", "Neural Network Basics", None, True),
        ("Why is ReLU preferred over sigmoid in hidden layers?", "easy", "Neural Network Basics", None, True),
        ("What is the vanishing gradient problem?", "medium", "Neural Network Basics", None, True),
        ("Batch normalization vs layer normalization", "medium", "Neural Network Basics", None, True),
        ("What is the difference between SGD with momentum and Adam?", "medium", "Optimization", None, True),
        ("Weight decay vs L2 regularization", None, "Optimization", None, True),
        ("Why do Transformers need a learning-rate warmup?", "hard", "Optimization", None, True),
        ("What is the receptive field of a neuron in a CNN?", "medium", "Convolutional Networks", None, True),
        ("How does a 1x1 convolution work and where is it used?", "hard", "Convolutional Networks", None, False),
    ],
    # "**1. What ...?**" bold numbered questions, bold labels and bold sub-items in answers.
    "bold_numbered.md": [
        ("What is Deep Learning?", None, "Basics", 1, True),
        ("What is the difference between a shallow and a deep network?", None, "Basics", 2, True),
        ("What are the types of gradient descent?", None, "Basics", 3, True),
        ("Explain the bias-variance trade-off.", None, "Basics", 4, True),
        ("Weight initialization", None, "Training", 5, True),
        ("What is an epoch, a batch and an iteration?", None, "Training", 6, True),
        ("What is transfer learning?", None, "Training", 7, True),
        ("What is early stopping?", "hard", "Training", 8, True),
    ],
    # "### Q1: ... [E]" headings, [E]/[M]/[H] in any position and case, "####" inside answers.
    "q_headings.md": [
        ("What is backpropagation?", "easy", "Part 1: Fundamentals", 1, True),
        ("Why do we need a validation set?", "easy", "Part 1: Fundamentals", 2, True),
        ("What is the difference between L1 and L2 regularization?", "medium", "Part 1: Fundamentals", 3, True),
        ("How do you detect overfitting?", "medium", "Part 1: Fundamentals", 4, True),
        ("What problem does the LSTM cell solve?", "medium", "Part 2: Sequence models", 5, True),
        ("Derive the gradient of softmax cross-entropy with respect to the logits", "hard",
         "Part 2: Sequence models", 6, True),
        ("What is teacher forcing?", "hard", "Part 2: Sequence models", 7, False),
    ],
    # Community template: bold questions, "(easy)" markers, "---" rules, placeholder answers.
    "placeholders.md": [
        ("What is a perceptron?", "easy", "Neural networks", None, True),
        ("What is the universal approximation theorem?", "medium", "Neural networks", None, False),
        ("What is a dead ReLU?", "easy", "Neural networks", None, False),
        ("How does weight tying work in language models?", "hard", "Neural networks", None, False),
        ("What is label smoothing?", None, "Neural networks", None, False),
        ("What is early stopping?", None, "Regularization", None, False),
        ("Why does dropout behave differently at train and test time?", None, "Regularization", None, True),
        ("What is mixup?", None, "Regularization", None, False),
        ("What is data augmentation?", None, "Regularization", None, False),
        ("What is stochastic depth?", None, "Regularization", None, False),
        ("What is a Lipschitz constraint?", None, "Regularization", None, False),
    ],
    # Devinterview style: "## 1. ..." questions, "###" sub-headings, fences with "#"/"**", footer.
    "code_fences.md": [
        ("What is a tensor in PyTorch and how does it differ from a NumPy array?", None, None, 1, True),
        ("Explain how autograd computes gradients.", None, None, 2, True),
        ("How do you write a custom `Dataset`?", None, None, 3, True),
        ("Gradient clipping", None, None, 4, True),
        ("What does `torch.no_grad()` do?", None, None, 5, True),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_records(name: str) -> None:
    records = _extract(name)
    assert _rows(records) == EXPECTED[name]
    assert all(r.seed == name and r.source == "test-repo" for r in records)
    assert [r.line for r in records] == sorted({r.line for r in records})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_looks_like_fixtures(name: str) -> None:
    assert markdown.looks_like(_read(name))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_question_line_points_at_the_question(name: str) -> None:
    lines = _read(name).split("\n")
    for r in _extract(name):
        def bare(s: str) -> str:
            return s.replace("_", "").replace("`", "")
        assert all(w in bare(lines[r.line - 1]) for w in bare(r.question).split()[:3]), (r.line, r.question)


def test_flashcard_seed_is_not_markdown() -> None:
    text = (SEEDS / "002_571e76fee13970cc.txt").read_text(encoding="utf-8")
    assert not markdown.looks_like(text)


@pytest.mark.parametrize("seed", ["000_d3bd1c64e802493d.txt", "001_bb0412ce525cf09f.txt"])
def test_other_project_seeds_are_not_markdown(seed: str) -> None:
    assert not markdown.looks_like((SEEDS / seed).read_text(encoding="utf-8"))


# --- sections_emoji.md ---------------------------------------------------------------

def test_banner_toc_and_chrome_are_not_answers() -> None:
    name = "sections_emoji.md"
    records = _extract(name)
    first = records[0]
    assert first.line == _line_of(name, "#### What is an activation function")
    assert first.answer.startswith("An activation function is applied")
    assert first.answer.endswith("Common choices are **ReLU**, **sigmoid** and **tanh**.")
    joined = "\n".join(r.answer for r in records)
    for noise in ("<br/>", "img.shields.io", "Table of Contents", "Pull requests are welcome", "Legend"):
        assert noise not in joined


def test_bold_lines_inside_heading_answers_stay_in_the_answer() -> None:
    records = _extract("sections_emoji.md")
    relu = _one(records, "Why is ReLU preferred over sigmoid in hidden layers?")
    assert relu.answer.endswith('**Note:** ReLU units can "die" when they get stuck outputting zero; '
                                "Leaky ReLU keeps a small negative slope to avoid this.")
    vanishing = _one(records, "What is the vanishing gradient problem?")
    assert "\n\n**How do we fix it?**\n\n- ReLU-family activations" in vanishing.answer
    assert "How do we fix it?" not in {r.question for r in records}


def test_last_answer_trimmed_before_rule_and_contributing() -> None:
    records = _extract("sections_emoji.md")
    assert records[-1].answer == ""
    assert records[-1].flags == ()
    warmup = _one(records, "Why do Transformers need a learning-rate warmup?")
    assert warmup.answer.endswith("until the statistics settle.")


# --- bold_numbered.md ----------------------------------------------------------------

def test_bold_sub_items_and_labels_are_not_questions() -> None:
    name = "bold_numbered.md"
    records = _extract(name)
    questions = {r.question for r in records}
    for not_q in ("Batch gradient descent", "Stochastic gradient descent", "Mini-batch gradient descent",
                  "Example:", "Why not just use the biggest model?",
                  "This line is inside a fence and is not a question?"):
        assert not_q not in questions
    types = _one(records, "What are the types of gradient descent?")
    assert types.line == _line_of(name, "**3. What are the types")
    assert types.answer.startswith("**1. Batch gradient descent**\n\nUses the whole training set")
    assert types.answer.endswith('and what "SGD" means in practice.')
    shallow = _one(records, "What is the difference between a shallow and a deep network?")
    assert "**far fewer parameters**" in shallow.answer
    assert shallow.answer.endswith("**Example:**\n\nA 784-512-10 MLP on MNIST is shallow; ResNet-50 is deep.")


def test_answer_glued_to_question_and_back_to_top_link() -> None:
    name = "bold_numbered.md"
    records = _extract(name)
    epoch = _one(records, "What is an epoch, a batch and an iteration?")
    assert epoch.answer.startswith("An epoch is one pass")
    assert epoch.line == _line_of(name, "**6. What is an epoch")
    last = records[-1]
    assert last.answer == ("Stop training when the validation loss has not improved for a number of epochs "
                           "(the *patience*) and keep the best checkpoint.")


def test_fence_contents_are_answer_text_verbatim() -> None:
    records = _extract("bold_numbered.md")
    init = _one(records, "Weight initialization")
    assert '```python\nimport torch.nn as nn\n\nlayer = nn.Linear(512, 256)\n# **He** initialization' in init.answer
    assert init.answer.endswith('nonlinearity="relu")\n```')
    transfer = _one(records, "What is transfer learning?")
    assert transfer.answer.endswith("```text\n**8. This line is inside a fence and is not a question?**\n```")


# --- q_headings.md -------------------------------------------------------------------

def test_q_headings_keep_sub_headings_and_labels_in_answers() -> None:
    name = "q_headings.md"
    records = _extract(name)
    backprop = records[0]
    assert backprop.line == _line_of(name, "### Q1:")
    assert backprop.answer.startswith("**Answer:** Backpropagation computes the gradient")
    assert "\n\n#### Intuition\n\nEach layer only needs" in backprop.answer
    l1 = _one(records, "What is the difference between L1 and L2 regularization?")
    assert l1.line == _line_of(name, "### Q3: [M]")
    assert l1.answer.startswith("| | L1 | L2 |\n|---|---|---|")
    softmax = records[5]
    assert softmax.answer.startswith("**Answer:**\n\n$$\n\\frac{\\partial L}")


def test_labelled_placeholder_is_unanswered() -> None:
    teacher = _extract("q_headings.md")[-1]
    assert teacher.answer == ""
    assert teacher.flags == ("placeholder-answer",)


# --- placeholders.md -----------------------------------------------------------------

def test_placeholders_are_unanswered_and_flagged() -> None:
    records = _extract("placeholders.md")
    stubs = [r.question for r in records if "placeholder-answer" in r.flags]
    assert stubs == [
        "What is the universal approximation theorem?",   # Answer here
        "What is a dead ReLU?",                            # TODO
        "How does weight tying work in language models?",  # _(answer here)_
        "What is label smoothing?",                        # ...
        "What is early stopping?",                         # TBD.
        "What is mixup?",                                  # <!-- answer -->
        "What is data augmentation?",                      # **Answer here.**
    ]
    assert all(r.answer == "" for r in records if not r.answered)
    empty = [r.question for r in records if not r.answered and not r.flags]
    assert empty == ["What is stochastic depth?", "What is a Lipschitz constraint?"]


def test_real_answers_between_rules() -> None:
    name = "placeholders.md"
    records = _extract(name)
    dropout = _one(records, "Why does dropout behave differently at train and test time?")
    assert dropout.line == _line_of(name, "**Why does dropout")
    assert dropout.answer.startswith("At training time each unit is kept with probability p")
    assert dropout.answer.endswith("the scaling is done during training instead.")
    assert "---" not in dropout.answer
    assert records[-1].line == len(_read(name).rstrip("\n").split("\n"))


@pytest.mark.parametrize("stub", ["Answer here", "answer here.", "TODO", "todo: write this", "TBD", "_(answer here)_",
                                  "*Answer here*", "...", "…", "**Answer:** TBD", "<!-- TODO -->", "[Answer here]"])
def test_placeholder_variants(stub: str) -> None:
    text = f"## Basics\n\n**What is X?**\n\n{stub}\n\n**What is Y?**\n\nY is a real answer.\n\n**What is Z?**\n"
    x, y, z = markdown.extract(text, "t.md", "s")
    assert (x.answer, x.flags) == ("", ("placeholder-answer",))
    assert y.answer == "Y is a real answer."


# --- code_fences.md ------------------------------------------------------------------

def test_nothing_inside_fences_is_a_question_or_boundary() -> None:
    name = "code_fences.md"
    records = _extract(name)
    tensor = records[0]
    assert tensor.line == _line_of(name, "## 1. What is a _tensor_")
    assert "\n\n### Key Differences\n\n- **Device**" in tensor.answer
    assert tensor.answer.endswith("## Back to NumPy: the tensor must be on the CPU first\na = x.cpu().numpy()\n```")
    autograd = records[1]
    assert "loss = (w ** 2).sum()   # **not bold**, just a power" in autograd.answer
    assert autograd.answer.endswith("```python\n# comment in a nested fence\n```\n````")
    assert "## 3. What is this heading inside a fence?" in autograd.answer
    dataset = records[2]
    assert dataset.line == _line_of(name, "## 3. How do you write")
    assert dataset.answer.startswith("Subclass `torch.utils.data.Dataset`")
    assert "    # __len__ and __getitem__ are all a map-style dataset needs" in dataset.answer
    assert dataset.answer.endswith("return self.xs[i], self.ys[i]\n~~~")


def test_banner_and_footer_are_cut() -> None:
    records = _extract("code_fences.md")
    assert records[-1].answer == ("It disables gradient tracking inside its block, "
                                  "which saves memory and time during inference.")
    joined = "\n".join(r.answer for r in records)
    assert "Explore all" not in joined and "find all 5 answers" not in joined and "<img" not in joined


# --- errors, structure and sniffing ----------------------------------------------------

def test_unclosed_fence_is_an_error_at_its_line() -> None:
    text = ("# Notes\n\n## Q1: What is a tensor?\n\nAn array.\n\n## Q2: How do I print one?\n\n"
            "```python\nprint(x)\n# done\n\n## Q3: Is this swallowed?\n")
    with pytest.raises(ExtractError) as err:
        markdown.extract(text, "broken.md", "s")
    assert err.value.line == 9
    assert err.value.path == "broken.md"
    assert "never closed" in err.value.message


def test_unclosed_fence_in_fixture_reports_its_line() -> None:
    text = _read("code_fences.md").replace("~~~\n<br>", "<br>", 1)
    with pytest.raises(ExtractError) as err:
        markdown.extract(text, "code_fences.md", "s")
    assert err.value.line == _line_of("code_fences.md", "~~~python")


def test_topic_headings_without_question_marks() -> None:
    text = ("# Deep learning glossary\n\n## Optimizers\n\nNotes on optimizers.\n\n### SGD with momentum\n\n"
            "Keeps a velocity.\n\n### Adam\n\nAdaptive moments.\n\n## Normalization\n\n### Batch norm\n\n"
            "Normalizes over the batch.\n")
    records = markdown.extract(text, "g.md", "s")
    assert _rows(records) == [("SGD with momentum", None, "Optimizers", None, True),
                              ("Adam", None, "Optimizers", None, True),
                              ("Batch norm", None, "Normalization", None, True)]
    assert records[1].answer == "Adaptive moments."
    assert not markdown.looks_like(text)    # conservative: topics alone do not prove a Q&A file


def test_plain_markdown_is_not_sniffed() -> None:
    readme = ("# My project\n\n## Install\n\n```bash\npip install x\n```\n\n## Usage\n\n"
              "**Important:** read the docs.\n\n## License\n\nMIT\n")
    assert not markdown.looks_like(readme)


def test_detect_format_reaches_markdown() -> None:
    assert detect_format(_read("bold_numbered.md")) == "markdown"
