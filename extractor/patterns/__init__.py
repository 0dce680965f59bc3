"""Load the language data files (units, regions, cue words …) kept in this folder.

The files ship inside the package (the top-level ``patterns/`` of a checkout is
a link to this folder, the one to edit), so an installed wheel finds them; the
``POLICY_FACTS_PATTERNS`` environment variable points at another folder.

Each YAML file is parsed once per process and checked against its model in
:mod:`extractor.patterns.schema`; a file that breaks it raises
:class:`extractor.errors.PatternError` naming the file, the key path and the line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from extractor.errors import PatternError
from extractor.patterns.schema import SCHEMAS

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def patterns_dir() -> Path:
    """The folder pattern files are read from (``POLICY_FACTS_PATTERNS`` or this package)."""
    env = os.environ.get("POLICY_FACTS_PATTERNS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent


@cache
def load(name: str) -> Any:
    """Parse ``patterns/NAME``: YAML checked against its schema, or a plain list of lines for .txt."""
    path = patterns_dir() / name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatternError(name, f"cannot read {path} ({exc})") from exc
    if path.suffix == ".txt":
        return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    model = SCHEMAS.get(name)
    if model is None:
        raise PatternError(name, "no schema for this file: declare its model in extractor/patterns/schema.py")
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise PatternError(name, f"not valid YAML: {problem}", line=mark.line + 1 if mark else None) from exc
    try:
        model.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(name, text, exc) from exc
    return data


def _schema_error(name: str, text: str, exc: ValidationError) -> PatternError:
    """The first problem (an unknown key before a missing one: a misspelling is both), others listed."""
    found = []
    for err in sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden"):
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc if p != "[key]") or None
        message = {"extra_forbidden": "unknown key", "missing": "missing key"}.get(err["type"], err["msg"])
        found.append((key, _line_of(text, loc), message))
    (key, line, message), rest = found[0], found[1:6]
    if rest:
        message += "; also " + "; ".join(f"line {ln}: {k}: {m}" for k, ln, m in rest)
    return PatternError(name, message, key=key, line=line)


def check_all() -> list[str]:
    """Load and check every pattern file of :data:`SCHEMAS` (the names checked); raises PatternError."""
    for name in SCHEMAS:
        load(name)
    return list(SCHEMAS)


def alternation(words: Iterable[str], longest_first: bool = False) -> str:
    """A regular expression matching any of ``words``, tried in the order given (or the longest
    first, so that 本报告期末 wins over 本期 wherever both match)."""
    if longest_first:
        words = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) for w in words)


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line (1-based) of the key path ``loc`` in a YAML text, as far down as it exists."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if hit is None:
                break
            line, node = hit[0].start_mark.line + 1, hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
