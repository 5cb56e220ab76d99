"""Sources: the seed files and what we know (and do not know) about where they came from."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from . import safeyaml
from .errors import DATA_FILE_HINT, LocatedError


class Source(BaseModel):
    """One seed file's provenance; ``attribution`` is what the site prints under its answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    seed: str
    format: str
    title: str
    author: str
    origin: str
    licence: str
    attribution: str
    url: str | None = None
    """Where the source is published, when known (the site links it)."""
    repository: str | None = None
    """The repository its text is kept in, when known."""
    file: str | None = None
    """The file in ``repository`` the seed matches."""

    @field_validator("url", "repository")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith("https://") or any(c.isspace() for c in value)):
            raise ValueError("must be an https:// URL without spaces")
        return value

    @model_validator(mode="after")
    def _file_needs_repository(self) -> Source:
        if self.file is not None and self.repository is None:
            raise ValueError("file is a path inside repository: give the repository too")
        return self


class SourceError(LocatedError):
    """``seeds/sources.yml`` cannot be used: a located problem (the line when the YAML names
    one).  When several entries are wrong, ``message`` lists them all, one a line (each line
    after the first starts with the path again).  ``str()`` stays ``path: [line N: ]message``,
    the form validation (QB801) reads."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str) -> None:
        super().__init__(path, line, message, DATA_FILE_HINT)
        self.args = (f"{path}: line {line}: {message}" if line is not None else f"{path}: {message}",)


def load_sources(path: Path) -> list[Source]:
    """Read ``seeds/sources.yml``; every problem is reported with the file and entry."""
    try:
        data = safeyaml.load(path.read_text(encoding="utf-8")) or {}
    except safeyaml.YamlLimitError as err:
        raise SourceError(path, err.line, err.message) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        mark = getattr(err, "problem_mark", None)
        raise SourceError(path, mark.line + 1 if mark else None,
                          f"cannot read sources: {getattr(err, 'problem', None) or err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources") or [], list):
        raise SourceError(path, None, "expected a mapping with a 'sources:' list")
    sources: list[Source] = []
    problems: list[str] = []
    for n, entry in enumerate(data.get("sources") or [], start=1):
        try:
            sources.append(Source.model_validate(entry))
        except ValidationError as err:
            problems.append(f"entry {n}: {err.errors()[0]['loc']}: {err.errors()[0]['msg']}")
    ids = [s.id for s in sources]
    problems += [f"duplicate source id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise SourceError(path, None, f"\n{path}: ".join(problems))
    return sources
