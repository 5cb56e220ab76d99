"""The unit every extractor produces: one question (and maybe its answer) as found in a seed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .errors import LocatedError


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


class ExtractError(LocatedError):
    """A seed that cannot be read as its format, at its path and line."""
