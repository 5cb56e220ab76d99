"""``qbank -h``: help that reads like git's or ruff's (issue 14, section 5).

Plain text (no reStructuredText ``quoting``), flags shown as flags (no ``<bool>``), ``-h``
as well as ``--help`` on every command, an example in every command's help, and the
error format the help promises is the one ``qbank validate`` prints.
"""

from __future__ import annotations

import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from qbank.cli import app

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]
runner = CliRunner()


def help_text(*args: str) -> str:
    result = runner.invoke(app, [*args], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_covered() -> None:
    assert {"extract", "dedupe", "classify", "import", "export", "validate", "new"} <= set(COMMANDS)


@pytest.mark.parametrize("args", [[], *[[c] for c in COMMANDS]], ids=lambda a: " ".join(a) or "qbank")
def test_short_and_long_help_agree_and_read_clean(args: list[str]) -> None:
    short, long = help_text(*args, "-h"), help_text(*args, "--help")
    assert short == long
    assert "-h, --help" in short
    assert "``" not in short, "reStructuredText quoting in the help"
    assert "<bool>" not in short and "BOOLEAN" not in short, "a flag reads as if it took a value"
    assert "[default: True]" not in short and "[default: False]" not in short
    assert "╭" not in short, "help is plain text"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_examples(command: str) -> None:
    text = help_text(command, "-h")
    examples = text.split("Examples:", 1)
    assert len(examples) == 2, f"`qbank {command} -h` shows no examples"
    lines = [ln.strip() for ln in examples[1].splitlines() if ln.strip().startswith("qbank ")]
    assert lines and all(ln.startswith(f"qbank {command}") for ln in lines), examples[1]


def test_flags_are_plain_flags() -> None:
    text = help_text("new", "-h")
    assert re.search(r"^\s+--force\s+Create it", text, re.M), text
    text = help_text("import", "-h")
    assert re.search(r"^\s+--check\s+Write nothing", text, re.M), text
    assert re.search(r"^\s+-q, --quiet\s+Only errors", text, re.M), text


def test_existing_option_names_still_work() -> None:
    """README, CONTRIBUTING, the Makefile and the tests use these names."""
    names = {c: {o for p in get_command(app).commands[c].params for o in (*p.opts, *p.secondary_opts)}  # type: ignore[attr-defined]
             for c in COMMANDS}
    assert {"--format", "--jsonl", "--normalized", "--source"} <= names["extract"]
    assert {"--report", "--near"} <= names["dedupe"]
    assert {"--explain"} <= names["classify"]
    assert {"--check", "--quiet", "-q", "--allow-removals"} <= names["import"]
    assert {"--format", "-o", "--output"} <= names["export"]
    assert {"--format"} <= names["validate"]
    assert {"--topic", "--tags", "--difficulty", "--force"} <= names["new"]


def test_the_promised_error_format_is_the_one_validate_prints() -> None:
    top = help_text("-h")
    assert "path:line:col: CODE message" in top
    from qbank.validate import Problem

    printed = Problem("docs/questions/a/b.md", 3, 7, "QB212", "unknown tag", "a hint").format()
    assert re.match(r"docs/questions/a/b\.md:3:7: QB212 unknown tag\n  hint: a hint", printed), printed


def test_unknown_option_says_how_to_get_help() -> None:
    result = runner.invoke(app, ["new", "--nope"])
    assert result.exit_code == 2
    assert "-h" in result.output and "No such option" in result.output
