"""Building blocks of the pattern-file schemas: a section that forbids unknown keys, checked regexes."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict


def compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from exc
    return pattern


def ascii_key(key: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        raise ValueError(f"{key!r} is not a key: lower-case ASCII letters, digits and _")
    return key


#: A Python regular expression (checked to compile).
Regex = Annotated[str, AfterValidator(compiles)]


Words = list[str]


Qualifier = Literal["approx", "gte", "gt", "lte", "lt", "eq"]


#: units.yml: ``NORM``, ``[NORM, FACTOR]`` or null (a count: the measure word is the norm).
UnitNorm = str | tuple[str, float] | None


class Section(BaseModel):
    """A mapping whose keys are fixed: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)
