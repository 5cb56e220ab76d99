"""The schema of a question's front matter: which fields exist, in which order, which are
required and what type each holds -- written once, as a pydantic model (like
:class:`qbank.source.Source` and :class:`qbank.taxonomy.Topic`).

Who uses it: :mod:`qbank.validate.front_matter` runs :func:`schema_errors` and turns each
error into its QB code (QB205 missing, QB206 wrong type, QB207 unknown) at the field's YAML
position; :func:`qbank.bank.read_question` reads the fields it names.
What a value *means* (a known topic, a real date, an origin from a known source) is
validation's business, not the schema's: those fields are typed here only as far as YAML
can get them wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["FIELD_ORDER", "REQUIRED", "FieldError", "FrontMatter", "expected", "schema_errors"]

_TEXT = "text"
_TEXT_LIST = "a list of text values"


class FrontMatter(BaseModel):
    """A bank file's front matter.  Each field's ``description`` is what a message says the
    value must be ("'tags' must be a list of text values, not ...")."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(description=_TEXT)
    title: str = Field(description=_TEXT)
    topic: str = Field(description=_TEXT)
    tags: list[str] | None = Field(description=_TEXT_LIST)
    difficulty: str = Field(description=_TEXT)
    status: str = Field(description=_TEXT)
    reviewed: Any = Field(default=None, description="a date like 2026-12-02")  # validation checks the date
    aliases: list[str] | None = Field(default=None, description=_TEXT_LIST)
    notebooks: list[str] | None = Field(default=None, description=_TEXT_LIST)
    flags: list[str] | None = Field(default=None, description=_TEXT_LIST)
    origins: list[Any] | None = Field(default=None, description="a list of {source, seed, line, question}")
    distinct_from: list[str] | None = Field(default=None, description=_TEXT_LIST)
    redirect_from: list[str] | None = Field(default=None, description=_TEXT_LIST)
    import_digest: str = Field(default="", description=_TEXT)  # written by `qbank import`


FIELD_ORDER: tuple[str, ...] = tuple(FrontMatter.model_fields)
REQUIRED: tuple[str, ...] = tuple(name for name, f in FrontMatter.model_fields.items() if f.is_required())


def expected(name: str) -> str:
    """What the field's value must be, in words."""
    return FrontMatter.model_fields[name].description or _TEXT


@dataclass(frozen=True)
class FieldError:
    """One field the schema refuses: ``kind`` is ``missing``, ``unknown`` or ``type``."""

    field: str
    kind: str


def schema_errors(meta: dict) -> list[FieldError]:
    """Every field of ``meta`` (parsed YAML) that the schema refuses, at most one per field:
    missing ones in schema order, unknown ones in the file's order, then wrong types in
    schema order."""
    known = {k: v for k, v in meta.items() if isinstance(k, str) and k in FrontMatter.model_fields}
    errors = [FieldError(str(k), "unknown") for k in meta if not (isinstance(k, str) and k in FrontMatter.model_fields)]
    missing: set[str] = set()
    wrong: set[str] = set()
    try:
        FrontMatter.model_validate(known)
    except ValidationError as err:
        for e in err.errors():
            name = str(e["loc"][0]) if e["loc"] else ""
            (missing if e["type"] == "missing" else wrong).add(name)
    errors[:0] = [FieldError(n, "missing") for n in FIELD_ORDER if n in missing]
    errors += [FieldError(n, "type") for n in FIELD_ORDER if n in wrong]
    return errors
