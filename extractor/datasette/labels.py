"""Chinese labels for column headers and coded values (``patterns/labels.yml``).

The English of a column is its name; of a coded value, the code itself. A
``metric_key`` is labelled by its synonym groups' names (``patterns/synonyms.yml``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from extractor.facts.synonyms import metric_name
from extractor.patterns import load


@cache
def _labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    data = load("labels.yml")
    return data["columns"], data["values"]


def column_label(column: Any) -> str | None:
    """The Chinese label of a column (``value_norm`` → 标准值), None when it has none."""
    return _labels()[0].get(str(column)) if column is not None else None


def value_label(column: Any, value: Any) -> str | None:
    """The Chinese label of a coded value of ``column`` (kind ``growth`` → 增长; a metric_key
    → its Chinese name), None when it has none."""
    if value is None or isinstance(value, dict | list):
        return None
    if column == "metric_key":
        return metric_name(str(value))
    return _labels()[1].get(str(column), {}).get(str(value))


def choices(column: str) -> list[tuple[str, str]]:
    """(code, Chinese label) of each coded value of ``column``, in the order of labels.yml."""
    return list(_labels()[1].get(column, {}).items())
