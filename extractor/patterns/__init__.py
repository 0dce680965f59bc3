"""Load the language data files (units, regions, cue words …) kept in this folder.

The files ship inside the package (the top-level ``patterns/`` of a checkout is
a link to this folder), so an installed wheel finds them; the
``POLICY_FACTS_PATTERNS`` environment variable points at another folder.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml


def patterns_dir() -> Path:
    env = os.environ.get("POLICY_FACTS_PATTERNS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent


@cache
def load(name: str) -> Any:
    """Parse ``patterns/NAME`` (YAML, or a plain list of lines for .txt)."""
    path = patterns_dir() / name
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return yaml.safe_load(text)
