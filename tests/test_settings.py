"""extractor/settings.py: typed tuning numbers; the CLI and the stage modules take their values from it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from extractor.cli import cli
from extractor.settings import SETTINGS, Ingest, Settings


def test_the_cli_takes_its_defaults_from_the_settings() -> None:
    params = {p.name: p.default for p in cli.commands["ingest"].params}
    assert params["timeout"] == SETTINGS.ingest.timeout_s
    assert params["memory_mb"] == SETTINGS.ingest.memory_mb
    assert params["max_text_mb"] == SETTINGS.ingest.max_text_mb
    assert params["workers"] == SETTINGS.ingest.workers


def test_the_stage_modules_read_their_group() -> None:
    from extractor.checks import conflicts, match, verify
    from extractor.datasette import chart_view, common, search_view
    from extractor.facts import segment
    from extractor.ingest import job, pipeline, workers
    from extractor.store import database

    assert (pipeline.COMMIT_DOCS, pipeline.COMMIT_SECONDS, pipeline.WRITER_CACHE_MB) == (
        SETTINGS.store.commit_docs, SETTINGS.store.commit_seconds, SETTINGS.store.writer_cache_mb)
    assert database.BUSY_TIMEOUT_MS == SETTINGS.store.busy_timeout_ms
    assert (workers.DEFAULT_TIMEOUT, workers.DEFAULT_MEMORY_MB, job.DEFAULT_MAX_TEXT_MB) == (
        SETTINGS.ingest.timeout_s, SETTINGS.ingest.memory_mb, SETTINGS.ingest.max_text_mb)
    assert (conflicts.TEXT_SIM, conflicts.CONFLICT_SIM) == (SETTINGS.checks.text_sim, SETTINGS.checks.conflict_sim)
    assert (verify.MAX_EVIDENCE, verify.HOME_MIN) == (SETTINGS.verify.max_evidence, SETTINGS.verify.home_min)
    assert (match.SUPPORT, match.CONTRADICT_METRIC) == (SETTINGS.verify.support_score, SETTINGS.verify.contradict_sim)
    assert segment.MAX_SENTENCE == SETTINGS.segment.max_sentence_chars
    assert (verify.MAX_ARTICLE_CHARS, verify.MAX_ARTICLE_BYTES) == (
        SETTINGS.verify.max_article_chars, SETTINGS.verify.max_article_bytes)
    assert common.MAX_PAGE_SIZE == SETTINGS.web.max_page_size
    assert (search_view.MAX_EXPORT_ROWS, chart_view.MAX_ROWS) == (SETTINGS.web.max_export_rows, SETTINGS.web.chart_max_rows)


def test_the_text_size_limit_is_in_bytes_where_a_file_is_read() -> None:
    import inspect

    from extractor.ingest.job import extract_file

    default = inspect.signature(extract_file).parameters["max_text_bytes"].default
    assert default == 10 * 2**20 == int(SETTINGS.ingest.max_text_mb * 2**20)


def test_settings_are_typed_and_checked() -> None:
    assert Settings(ingest={"timeout_s": "12.5"}).ingest.timeout_s == 12.5
    with pytest.raises(ValidationError, match="greater than or equal"):
        Ingest(memory_mb=-1)
    with pytest.raises(ValidationError, match="Extra inputs"):
        Settings(ingest={"timeout": 5})  # misspelt: not silently ignored
    with pytest.raises(ValidationError):
        SETTINGS.ingest.timeout_s = 1  # frozen: one value per process
