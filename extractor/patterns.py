"""Load the data files in ``patterns/`` (units, regions, cue words …).

The folder is found beside the package (a source checkout) or through the
``POLICY_FACTS_PATTERNS`` environment variable.
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
    return Path(__file__).resolve().parent.parent / "patterns"


@cache
def load(name: str) -> Any:
    """Parse ``patterns/NAME`` (YAML, or a plain list of lines for .txt)."""
    path = patterns_dir() / name
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return yaml.safe_load(text)
