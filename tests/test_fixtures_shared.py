"""The one way tests reach ../shared: found beside the checkout or through POLICY_FACTS_SHARED."""

from __future__ import annotations

from pathlib import Path

import fixtures_shared


def test_the_override_wins_and_a_missing_folder_is_none(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("POLICY_FACTS_SHARED", str(tmp_path))
    assert fixtures_shared.find_shared() == tmp_path
    monkeypatch.setenv("POLICY_FACTS_SHARED", str(tmp_path / "absent"))
    assert fixtures_shared.find_shared() is None


def test_shared_dir_is_the_folder_found(shared_dir: Path) -> None:
    assert shared_dir == fixtures_shared.SHARED
    assert (shared_dir / "gold").is_dir() and (shared_dir / "realdocs").is_dir()
