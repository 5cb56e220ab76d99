"""One located error type (qbank.errors): what extract, the bank reader and import raise, and
how validation's problems print."""

from __future__ import annotations

from pathlib import Path

from qbank.bank import BankFormatError
from qbank.errors import LocatedError, render
from qbank.importer import ImportWriteError
from qbank.record import ExtractError
from qbank.validate import Problem


def test_every_raised_problem_is_a_located_error() -> None:
    for err in (ExtractError("seeds/x.md", 3, "no questions", "use --format"),
                BankFormatError(Path("docs/questions/t/x.md"), 2, "front matter is not valid YAML"),
                ImportWriteError(Path("docs/questions/t/x.md"), "disk full")):
        assert isinstance(err, LocatedError)
        assert str(err) == f"{err.path}:{err.line}: {err.message}" == err.where + ": " + err.message
        assert err.hint and err.render() == f"{err.path}:{err.line}: {err.message}\n  hint: {err.hint}"


def test_validation_prints_through_the_same_renderer() -> None:
    p = Problem("docs/questions/t/x.md", 7, 1, "QB212", "unknown tag 'dropuot'", "did you mean 'dropout'?")
    assert p.format() == render("docs/questions/t/x.md:7:1", p.message, p.hint, "QB212") == (
        "docs/questions/t/x.md:7:1: QB212 unknown tag 'dropuot'\n  hint: did you mean 'dropout'?")
    assert LocatedError("a.md", 2, "bad", column=5).render() == "a.md:2:5: bad"
