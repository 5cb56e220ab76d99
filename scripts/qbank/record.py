"""The unit every extractor produces: one question (and maybe its answer) as found in a seed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Record:
    """One question/answer pair exactly as located in a seed file.

    ``line`` is the 1-based line of the question in the seed so that every bank
    entry can be traced back to the text it came from.  ``answer`` is ``""`` when
    the source has no real answer (empty, placeholder or a one-word stub).
    """

    source: str
    seed: str
    line: int
    number: int | None
    question: str
    answer: str
    difficulty: str | None = None
    section: str | None = None
    flags: tuple[str, ...] = field(default=())

    @property
    def origin(self) -> str:
        """Stable handle for maintainers' override files: ``<seed>:<line>``."""
        return f"{self.seed}:{self.line}"

    @property
    def answered(self) -> bool:
        return bool(self.answer.strip())

    def to_dict(self) -> dict:
        data = asdict(self)
        data["flags"] = list(self.flags)
        return data


class ExtractError(Exception):
    """A seed that cannot be read as its format: carries path and line for the message."""

    def __init__(self, path: str, line: int, message: str, hint: str = "") -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message
        self.hint = hint
