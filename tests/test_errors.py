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


def test_data_file_errors_are_located_errors(tmp_path: Path) -> None:
    """The loaders of seeds/sources.yml, data/dedupe.yml and the taxonomy raise LocatedErrors
    (the CLI renders them one way); their str() is what it was (validation's QB801 reads it)."""
    import pytest

    from qbank.dedupe import Overrides, OverridesError
    from qbank.source import SourceError, load_sources
    from qbank.taxonomy import Taxonomy, TaxonomyError

    dedupe_yml = tmp_path / "dedupe.yml"
    dedupe_yml.write_text("merge:\n  - why: x\n    origins: [a:1, b:2\n", encoding="utf-8")
    with pytest.raises(OverridesError) as overrides:
        Overrides.load(dedupe_yml)
    assert isinstance(overrides.value, (LocatedError, ValueError)) and isinstance(overrides.value.line, int)
    assert str(overrides.value).startswith(f"{dedupe_yml}:{overrides.value.line}: not valid YAML")

    sources_yml = tmp_path / "sources.yml"
    sources_yml.write_text("sources: [\n", encoding="utf-8")
    with pytest.raises(SourceError) as source:
        load_sources(sources_yml)
    assert isinstance(source.value, LocatedError) and source.value.line is not None
    assert str(source.value).startswith(f"{sources_yml}: line {source.value.line}: cannot read sources")
    assert source.value.where == f"{sources_yml}:{source.value.line}"

    with pytest.raises(TaxonomyError) as taxonomy:
        Taxonomy.load(tmp_path)
    assert isinstance(taxonomy.value, LocatedError) and taxonomy.value.line is None
    assert str(taxonomy.value) == f"{tmp_path / 'topics.yml'}: file not found"
    assert taxonomy.value.render() == f"{tmp_path / 'topics.yml'}: file not found\n  hint: {taxonomy.value.hint}"
