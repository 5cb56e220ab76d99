"""One parser of a bank file's structure (``qbank.bankfile``), and its readers agreeing on it.

* the bug of issue 13: a ``~~~`` line inside a ```` ``` ```` block no longer ends the block,
  so the bank reader, validation and the ``questions.json`` export all see the answers the
  file has, each with its own source;
* fences as CommonMark closes them (same character, at least as long, nothing after), any
  indentation, unclosed ones running to the end; normalization and the MkDocs-page extractor
  read them the same way;
* front matter: a file ending in ``\\n---`` is refused by the bank reader and validation alike.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, seed_project
from qbank import bankfile
from qbank.bank import BankFormatError, parse_answers, read_question, split_front_matter
from qbank.export import export_json
from qbank.extract import mkdocs_page
from qbank.normalize import normalize_answer, split_fenced
from qbank.record import ExtractError
from qbank.validate import Context, validate_text

FRONT = """---
id: q-f3ce0d1
title: How do you print a tilde fence in a Python docstring?
topic: foundations
tags:
- neural-networks
difficulty: easy
status: answered
origins: []
---

"""

# The first answer's code block holds a `~~~` line; the second answer has another source.
TILDE_IN_BACKTICKS = """## Answer (source: community)

Like this:

```python
print('''
~~~
''')
```

## Answer (source: project)

The project's own answer.
"""

# A literal answer heading inside code, after a `~~~` line: code, not a third answer.
HEADING_IN_CODE = """## Answer (source: community)

```markdown
~~~
## Answer (source: project)
```

Text after the code.
"""

NAME = "questions/foundations/how-do-you-print-a-tilde-fence-in-a-python-docstring.md"


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.load(REPO)


# -- the bug, end to end -------------------------------------------------------------------


def test_tilde_line_inside_backtick_fence_keeps_both_answers() -> None:
    answers = parse_answers(TILDE_IN_BACKTICKS)
    assert [(a.source, a.kind) for a in answers] == [("community", "community"), ("project", "project")]
    assert "~~~" in answers[0].markdown and "project's own" not in answers[0].markdown
    assert answers[1].markdown == "The project's own answer."


def test_answer_heading_inside_code_is_code() -> None:
    answers = parse_answers(HEADING_IN_CODE)
    assert [a.source for a in answers] == ["community"]
    assert "## Answer (source: project)" in answers[0].markdown and "Text after the code." in answers[0].markdown


def test_validate_agrees_with_the_reader(ctx: Context) -> None:
    assert validate_text(FRONT + TILDE_IN_BACKTICKS, ctx, NAME) == []
    assert validate_text(FRONT + HEADING_IN_CODE, ctx, NAME) == []
    # The status check counts the answers the reader finds: two, not one.
    problems = validate_text(FRONT.replace("status: answered", "status: unanswered") + TILDE_IN_BACKTICKS, ctx, NAME)
    assert [(p.code, p.message) for p in problems] == [("QB302", "status is 'unanswered' but the file has 2 answers")]


def test_export_attributes_each_answer_to_its_source(tmp_path: Path) -> None:
    root = seed_project(tmp_path / "repo").root
    (root / "docs" / NAME).parent.mkdir(parents=True)
    (root / "docs" / NAME).write_text(FRONT + TILDE_IN_BACKTICKS, encoding="utf-8")
    question = read_question(root / "docs" / NAME, root / "docs")
    assert [a.source for a in question.answers] == ["community", "project"]
    [exported] = json.loads(export_json(root))["questions"]
    assert [(a["source"], a["kind"]) for a in exported["answers"]] == [("community", "community"), ("project", "project")]
    assert exported["answers"][1]["markdown"] == "The project's own answer."


def test_site_numbers_only_real_answer_headings() -> None:
    """The site hook rewrites answer headings ("Answer 1", its attribution): never a line in code."""
    def label(m):
        return f"## Answer by {m.group('source')}"

    assert bankfile.replace_answer_headings(HEADING_IN_CODE, label).split("\n")[:5] == [
        "## Answer by community", "", "```markdown", "~~~", "## Answer (source: project)"]
    out = bankfile.replace_answer_headings(TILDE_IN_BACKTICKS, label)
    assert "## Answer by community" in out and "## Answer by project" in out and "(source:" not in out


# -- fences ----------------------------------------------------------------------------------


def blocks(text: str) -> list[tuple[int, int, bool]]:
    return [(b.start, b.stop, b.closed) for b in bankfile.fenced_blocks(text.split("\n"))]


@pytest.mark.parametrize(("text", "expected"), [
    ("```\ncode\n```\nafter", [(0, 3, True)]),
    ("```\ncode\n`````\nafter", [(0, 3, True)]),  # a longer closing fence closes
    ("````\n```\n````\nafter", [(0, 3, True)]),  # a shorter one is code
    ("```\n~~~\n```\nafter", [(0, 3, True)]),  # the other character is code
    ("~~~\n```\n~~~\nafter", [(0, 3, True)]),
    ("~~~~ python\n~~~\n~~~~~\n```\n```", [(0, 3, True), (3, 5, True)]),
    ("```\n```python\n```\nafter", [(0, 3, True)]),  # a closing fence has no info string: code
    ("```\ncode\n```   \nafter", [(0, 3, True)]),  # trailing spaces are allowed
    ("``` a`b\n```\ncode\n```", [(1, 4, True)]),  # a backtick fence's info holds no backtick
    ("~~~ a`b\ncode\n~~~", [(0, 3, True)]),  # a tilde fence's may
    ("- item\n\n    ```python\n    x = 1\n    ```\n\n- next", [(2, 5, True)]),  # indented in a list item
    ("        ```\n        code\n```", [(0, 3, True)]),  # any indentation, opening and closing
    ("text\n```python\ncode\n## Answer (source: project)", [(1, 4, False)]),  # unclosed: to the end
    ("```", [(0, 1, False)]),
    ("``\ncode\n``", []),  # two backticks are no fence
])
def test_fenced_blocks(text: str, expected: list[tuple[int, int, bool]]) -> None:
    assert blocks(text) == expected


def test_fence_content_and_info() -> None:
    lines = "  ~~~~ python title=x\n  a\n  b\n  ~~~~".split("\n")
    block = bankfile.fenced_block_at(lines, 0)
    assert block is not None and block.fence == bankfile.Fence("  ", "~~~~", " python title=x")
    assert list(block.content) == [1, 2]
    assert bankfile.fenced_block_at(lines, 1) is None
    unclosed = bankfile.fenced_block_at(["```", "a"], 0)
    assert unclosed is not None and list(unclosed.content) == [1] and not unclosed.closed


def test_unclosed_fence_swallows_the_next_answer_everywhere(ctx: Context) -> None:
    body = "## Answer (source: community)\n\n```python\nx = 1\n\n## Answer (source: project)\n\nText.\n"
    assert [a.source for a in parse_answers(body)] == ["community"]
    assert [p.code for p in validate_text(FRONT + body, ctx, NAME)] == ["QB411"]


def test_comments_hide_headings_from_reader_and_validation(ctx: Context) -> None:
    body = "## Answer (source: community)\n\nText.\n\n<!--\n## Answer (source: project)\n-->\n"
    assert [a.source for a in parse_answers(body)] == ["community"]
    assert validate_text(FRONT + body, ctx, NAME) == []


def test_mask_keeps_offsets() -> None:
    text = "a\n```\n## x\n```\nb <!-- c\nd --> e"
    masked, found = bankfile.mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert masked.split("\n") == ["a", "   ", "    ", "   ", "b" + " " * 7, " " * 6 + "e"]
    assert [(b.start, b.stop) for b in found] == [(1, 4)]


def test_normalize_splits_on_the_same_fences() -> None:
    lines = ["text", "```", "~~~", "```", "more", "~~~", "open"]
    assert split_fenced(lines) == [(False, ["text"]), (True, ["```", "~~~", "```"]), (False, ["more"]),
                                    (True, ["~~~", "open", "~~~"])]  # an unclosed fence is closed
    # Prose rules (math delimiters) stay out of a backtick block that holds a tilde line.
    out = normalize_answer("```\n~~~\n$x$\n```\n\n$y$").text
    assert "$x$" in out and "\\(y\\)" in out


def test_mkdocs_page_extractor_uses_the_same_fences() -> None:
    lines = ["Question one?", "", "```", "~~~", "Not a question?", "```", ""]
    assert mkdocs_page.block_lines(lines, "seed") == {2, 3, 4, 5}
    with pytest.raises(ExtractError, match="never closed"):
        mkdocs_page.block_lines(["```", "~~~", "code"], "seed")


# -- front matter ----------------------------------------------------------------------------


def test_front_matter_split() -> None:
    split = bankfile.split_front_matter("---\nid: x\n---\n\nbody\n")
    assert (split.yaml, split.body, split.body_line) == ("id: x\n", "\nbody\n", 4)
    assert split.yaml_offset == 4 and split.body_offset == len("---\nid: x\n---\n")
    empty = bankfile.split_front_matter("---\n---\nbody")
    assert (empty.yaml, empty.body, empty.body_line) == ("", "body", 3)
    # "---" inside a value is not a closing line; the first line that is only "---" is.
    assert bankfile.split_front_matter("---\nt: a---b\n---\n---\n").body == "---\n"
    with pytest.raises(bankfile.FrontMatterError) as err:
        bankfile.split_front_matter("id: x\n---\n")
    assert (err.value.kind, err.value.line) == ("missing", 1)
    with pytest.raises(bankfile.FrontMatterError) as err:
        bankfile.split_front_matter("---\nid: x\n")
    assert (err.value.kind, err.value.line) == ("unclosed", 1)


def test_file_ending_in_delimiter_without_line_break(ctx: Context) -> None:
    """MkDocs does not read such front matter (it would publish the YAML as text), so
    neither the bank reader nor validation accept it, and both say where and why."""
    text = FRONT.replace("status: answered", "status: unanswered").rstrip("\n")
    assert text.endswith("\n---")
    last = text.count("\n") + 1
    with pytest.raises(bankfile.FrontMatterError) as err:
        bankfile.split_front_matter(text)
    assert (err.value.kind, err.value.line) == ("unclosed", last)
    with pytest.raises(BankFormatError) as bank_err:
        split_front_matter(text, Path(NAME))
    assert bank_err.value.line == last and "line break" in bank_err.value.message
    problems = validate_text(text, ctx, NAME)
    assert [(p.code, p.line) for p in problems] == [("QB202", last)]
    # With the line break both read it.
    meta, body, _ = split_front_matter(text + "\n", Path(NAME))
    assert meta["status"] == "unanswered" and body == ""
    assert validate_text(text + "\n", ctx, NAME) == []


def test_mkdocs_reads_front_matter_the_same_way() -> None:
    from mkdocs.utils.meta import get_data

    for text in ("---\nid: x\n---\nbody\n", "---\nid: x\n---", "---\nid: x\n---\n"):
        try:
            ours = bankfile.split_front_matter(text).body
        except bankfile.FrontMatterError:
            ours = text
        assert get_data(text)[0] == ours
