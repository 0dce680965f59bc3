"""The building blocks of the pattern schemas: a section that forbids unknown keys, word
lists, qualifiers, unit norms and regular expressions checked to compile."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from exc
    return pattern


#: A Python regular expression (checked to compile).
Regex = Annotated[str, AfterValidator(_compiles)]
Words = list[str]
Qualifier = Literal["approx", "gte", "gt", "lte", "lt", "eq"]
#: units.yml: ``NORM``, ``[NORM, FACTOR]`` or null (a count: the measure word is the norm).
UnitNorm = str | tuple[str, float] | None


class Section(BaseModel):
    """A mapping whose keys are fixed: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)
