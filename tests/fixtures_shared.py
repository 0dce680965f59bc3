"""Where the shared material lives (../shared beside the checkout: seed texts, real documents, gold).

Tests reach it only through the ``shared_dir`` fixture (tests/conftest.py), which skips
with :data:`MISSING` when the folder is absent; :func:`shared_files` gives parametrize
lists at collection time, one skipped case when the folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MISSING = ("../shared (seed texts, real documents, gold, verify examples) is not beside this checkout: "
           "set POLICY_FACTS_SHARED to its path to run these tests")


def find_shared() -> Path | None:
    """``$POLICY_FACTS_SHARED``, else ``../shared`` beside the checkout; None when neither is a folder."""
    env = os.environ.get("POLICY_FACTS_SHARED")
    path = Path(env) if env else ROOT.parent / "shared"
    return path if path.is_dir() else None


SHARED = find_shared()


def shared_files(folder: str, pattern: str) -> list:
    """Files of ``../shared/FOLDER`` matching ``pattern``, for ``parametrize``; one skipped case without it."""
    if SHARED is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="no-shared")]
    return sorted((SHARED / folder).glob(pattern))
