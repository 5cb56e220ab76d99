"""Located problems: one type for "this file, this line, this is wrong, here is the fix".

Extraction (:class:`qbank.record.ExtractError`), the bank reader
(:class:`qbank.bank.BankFormatError`) and the importer (:class:`qbank.importer.ImportWriteError`)
raise a :class:`LocatedError`; validation collects :class:`qbank.validate.Problem`\\ s, which add
a code and a severity.  Both print through :func:`render`, so the CLI shows every one the
same way: ``error: path:line: message`` for bad input, ``path:line:col: CODE message`` for
``qbank validate``, each followed by ``  hint: ...`` when there is a hint.
"""

from __future__ import annotations

import os

__all__ = ["LocatedError", "render"]


class LocatedError(Exception):
    """A problem at a place in a file: ``path``, 1-based ``line`` and ``column`` (``None`` when
    only the line is known), ``message`` and a one-line ``hint`` saying what to do."""

    def __init__(self, path: str | os.PathLike[str], line: int, message: str, hint: str = "",
                 column: int | None = None) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint

    @property
    def where(self) -> str:
        """``path:line`` or ``path:line:column``."""
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column is not None else "")

    def render(self) -> str:
        return render(self.where, self.message, self.hint)


def render(where: str, message: str, hint: str = "", code: str = "") -> str:
    """``where: [CODE ]message``, then ``  hint: ...`` on its own line when there is one."""
    head = f"{where}: {code} {message}" if code else f"{where}: {message}"
    return head + (f"\n  hint: {hint}" if hint else "")
