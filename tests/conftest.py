"""Shared fixtures: ../shared, a temporary store, a small hand-made document, the Datasette plugin."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractor.models import Fact, Page, ParsedDocument, Sentence, Table, TableCell

sys.path.insert(0, str(Path(__file__).parent))
from fixtures_shared import MISSING, SHARED  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (seed texts, real documents, gold, verify examples); skips, saying so, when absent."""
    if SHARED is None:
        pytest.skip(MISSING)
    return SHARED


def _make_sentences(texts: list[str], page: int | None = 1) -> list[Sentence]:
    """Sentences for ``texts``, one paragraph each, laid end to end on ``page``."""
    out, start = [], 0
    for i, text in enumerate(texts):
        out.append(Sentence(index=i, page=page, paragraph=i, text=text, char_start=start, char_end=start + len(text)))
        start += len(text) + 1
    return out


def _sentence_fact(s: Sentence, quote: str, value: float, **kw) -> Fact:
    """A regex fact for ``quote`` in sentence ``s`` (offsets into the page text)."""
    at = s.char_start + s.text.index(quote)
    return Fact(page=s.page, sentence_index=s.index, sentence=s.text, quote=quote, value=value,
                char_start=at, char_end=at + len(quote), **kw)


@pytest.fixture
def make_sentences():
    """``make_sentences(texts, page=1)``: Sentences laid end to end, one paragraph each."""
    return _make_sentences


@pytest.fixture
def sentence_fact():
    """``sentence_fact(sentence, quote, value, **fields)``: a regex Fact with its offsets."""
    return _sentence_fact


@pytest.fixture
def sample() -> dict:
    """A two-sentence PDF with one table: ``doc``, ``sentences`` and ``facts`` for save_document."""
    sentences = _make_sentences([
        "2023年杭州数字服务贸易进出口578.06亿元，增长12.5%。",
        "浙江跨境电商出口增长23.8%。",
    ])
    table = Table(
        page=2, pages=[2, 3], caption="表1 分地区跨境电商进出口", unit="亿元", header_rows=2, n_rows=4, n_cols=3,
        bbox=(50.0, 100.0, 550.0, 300.0),
        cells=[
            TableCell(row=0, col=0, text="地区", row_span=2),
            TableCell(row=0, col=1, text="2023年", col_span=2),
            TableCell(row=1, col=1, text="进出口"),
            TableCell(row=1, col=2, text="增长%"),
            TableCell(row=2, col=0, text="杭州"),
            TableCell(row=2, col=1, text="1203.6"),
            TableCell(row=2, col=2, text="16.0"),
            TableCell(row=3, col=0, text="宁波"),
            TableCell(row=3, col=1, text="2336.4"),
            TableCell(row=3, col=2, text="9.4"),
        ],
    )
    doc = ParsedDocument(
        path="reports/hz-2023.pdf", doc_type="pdf", title="杭州市2023年数字贸易发展报告", published="2024-03-01",
        page_count=3, publisher="杭州市商务局",
        pages=[Page(number=1, text="\n".join(s.text for s in sentences)), Page(number=2), Page(number=3)],
        tables=[table],
    )
    s0, s1 = sentences
    facts = [
        _sentence_fact(s0, "578.06亿元", 578.06, unit="亿元", value_norm=5.7806e10, unit_norm="CNY",
                      kind="amount", region="杭州", period="2023", metric="数字服务贸易进出口额"),
        _sentence_fact(s0, "12.5%", 12.5, unit="%", value_norm=12.5, unit_norm="%", kind="growth",
                      region="杭州", period="2023"),
        _sentence_fact(s1, "23.8%", 23.8, unit="%", value_norm=23.8, unit_norm="%", kind="growth",
                      region="浙江", metric="跨境电商出口"),
        Fact(page=2, sentence="杭州 2023年 进出口", quote="1203.6", value=1203.6, unit="亿元",
             value_norm=1.2036e11, unit_norm="CNY", kind="amount", region="杭州", period="2023",
             method="table", table_index=0, table_row=2, table_col=1),
        Fact(page=2, sentence="宁波 2023年 增长%", quote="9.4", value=9.4, unit="%", value_norm=9.4,
             unit_norm="%", kind="growth", region="宁波", period="2023",
             method="table", table_index=0, table_row=3, table_col=2),
    ]
    return {"doc": doc, "sentences": sentences, "facts": facts}


@pytest.fixture
def store(tmp_path):
    """A fresh :class:`extractor.store.database.Store` at ``tmp_path/facts.db``."""
    from extractor.store.database import Store

    with Store(tmp_path / "facts.db") as s:
        yield s


@pytest.fixture
def policy_facts_plugin():
    """The Datasette plugin, registered for the test if its entry point isn't installed."""
    from datasette.plugins import pm

    from extractor.datasette import plugin as datasette_plugin

    registered = pm.is_registered(datasette_plugin)
    if not registered:
        pm.register(datasette_plugin, name="policy_facts")
    yield datasette_plugin
    if not registered:
        pm.unregister(datasette_plugin)
