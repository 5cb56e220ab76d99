"""Located problems: one type for "this file, this line, this is wrong, here is the fix".

Extraction (:class:`qbank.record.ExtractError`), the bank reader
(:class:`qbank.bank.BankFormatError`), the importer (:class:`qbank.importer.ImportWriteError`),
the loaders of the data files (:class:`qbank.source.SourceError` for seeds/sources.yml,
:class:`qbank.taxonomy.TaxonomyError` for data/topics.yml and data/tags.yml,
:class:`qbank.dedupe.OverridesError` for data/dedupe.yml,
:class:`qbank.captions.CaptionRulesError` and :class:`qbank.recovered_links.RecoveredLinkError`)
and a notebook's page (:class:`qbank.site.notebook_pages.NotebookPageError`) raise a
:class:`LocatedError` (``line`` is ``None`` when only the file, or an entry the message names,
is known); validation collects :class:`qbank.validate.Problem`\\ s, which add a code and a
severity.  Both print through :func:`render`, so the CLI shows every one the
same way: ``error: path:line: message`` for bad input, ``path:line:col: CODE message`` for
``qbank validate``, each followed by ``  hint: ...`` when there is a hint.
"""

from __future__ import annotations

import os

__all__ = ["DATA_FILE_HINT", "LocatedError", "render"]

DATA_FILE_HINT = "fix the file named above and run the command again"
"""The hint of a problem in a data file (seeds/sources.yml, data/*.yml): the message says what
is wrong and where; there is nothing more specific to do than to fix it."""


class LocatedError(Exception):
    """A problem at a place in a file: ``path``, 1-based ``line`` (``None`` when the problem
    belongs to the whole file or to an entry that the message names) and ``column`` (``None``
    when only the line is known), ``message`` and a one-line ``hint`` saying what to do."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str, hint: str = "",
                 column: int | None = None) -> None:
        super().__init__(f"{path}:{line}: {message}" if line is not None else f"{path}: {message}")
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint

    @property
    def where(self) -> str:
        """``path``, ``path:line`` or ``path:line:column``."""
        if self.line is None:
            return str(self.path)
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column is not None else "")

    def render(self) -> str:
        """The problem as the CLI prints it (after ``error: ``)."""
        return render(self.where, self.message, self.hint)


def render(where: str, message: str, hint: str = "", code: str = "") -> str:
    """``where: [CODE ]message``, then ``  hint: ...`` on its own line when there is one."""
    head = f"{where}: {code} {message}" if code else f"{where}: {message}"
    return head + (f"\n  hint: {hint}" if hint else "")
