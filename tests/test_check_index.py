"""The checks' indexes: candidates are found without comparing every pair, and none is lost."""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

import pytest

from extractor.checks.crosscheck import run_checks
from extractor.checks.figures import Fig, fig_similarity
from extractor.checks.index import MetricIndex, frame, frames
from extractor.ingest.pipeline import ingest

WORDS = ["数字", "贸易", "进出口", "出口", "进口", "跨境", "电商", "服务", "软件", "业务", "收入", "外资",
         "实际", "使用", "网络", "零售", "离岸", "外包", "执行", "总额", "增加值", "核心", "产业", "额", "（", "）"]


def fig(n: int, metric: str | None, context: str | None = None, **kw) -> Fig:
    base = dict(id=n, doc_id=1, quote="1.0亿元", value=1.0, unit="亿元", v=1e8, unit_norm="CNY", kind="amount",
                region="杭州市", period="2023", metric=metric, context=context)
    base.update(kw)
    return Fig(**base)


def random_metric(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5)))


@pytest.mark.parametrize("threshold", [0.3, 0.6, 0.7, 0.85])
def test_metric_index_keeps_every_figure_that_reaches_the_threshold(threshold: float) -> None:
    rng = random.Random(threshold)
    figs = [fig(i, random_metric(rng), random_metric(rng) if i % 5 == 0 else None) for i in range(400)]
    figs += [fig(400, "数字贸易"), fig(401, "数字贸易进出口额"), fig(402, "出口"), fig(403, "跨境电商出口"), fig(404, None)]
    index = MetricIndex(figs)
    pruned = 0
    for f in figs:
        found = {c.id for c in index.candidates(f, threshold)}
        wanted = {c.id for c in figs if fig_similarity(f, c) >= threshold}
        assert wanted <= found, (f.metric, threshold, wanted - found)
        pruned += len(figs) - len(found)
    assert pruned > len(figs) ** 2 / 4  # and it does leave most pairs out
    assert MetricIndex(figs).candidates(fig(999, None), threshold) == []


def test_frames_hold_what_may_be_compared() -> None:
    a = fig(1, "出口", kind="amount")
    b = fig(2, "出口", kind="count", unit_norm="CNY")
    c = fig(3, "出口", region="杭州", period="2023")  # the same city, written short
    d = fig(4, "出口", period="2022")
    e = fig(5, "出口", unit_norm=None)
    assert frame(a) == frame(b) == frame(c) != frame(d)
    assert [f.id for members in frames([a, b, c, d, e]).values() for f in members] == [1, 2, 3, 4]


CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市"]
METRICS = ["数字贸易进出口额", "跨境电商进出口额", "服务贸易进出口额", "货物贸易进出口总额"]


def bulletin(path: Path, paragraphs: int) -> None:
    """A text of many figures (about ten a paragraph), each paragraph about a city and a year of its own."""
    rng = random.Random(7)
    text = ["浙江省数字贸易统计快报"]
    for i in range(paragraphs):
        city, year = CITIES[i % len(CITIES)], 1960 + i % 60
        for metric in rng.sample(METRICS, 2):
            total, part = rng.uniform(100, 900), rng.uniform(0.2, 0.8)
            text.append(f"{year}年，{city}{metric}达到{total:.2f}亿元，同比增长{rng.uniform(-5, 30):.1f}%，"
                        f"占全省的{rng.uniform(3, 60):.1f}%。")
            text.append(f"其中，{year}年{city}{metric[:-5]}出口{total * part:.2f}亿元，进口{total * (1 - part):.2f}亿元。")
        text.append(f"{year}年{city}新增数字贸易企业{rng.randint(10, 500)}家，比上年提高{rng.uniform(0.1, 5):.1f}个百分点。")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


def calls_in_checks(db: Path) -> tuple[int, int]:
    """(facts, Python function calls made in extractor/checks by run_checks)."""
    calls = 0
    folder = str(Path(run_checks.__code__.co_filename).parent)

    def count(frame_, event, arg) -> None:
        nonlocal calls
        if event == "call" and frame_.f_code.co_filename.startswith(folder):
            calls += 1

    conn = sqlite3.connect(db)
    try:
        facts = conn.execute("select count(*) from facts").fetchone()[0]
        sys.setprofile(count)
        try:
            run_checks(conn)
        finally:
            sys.setprofile(None)
    finally:
        conn.close()
    return facts, calls


def test_check_work_grows_linearly_with_the_figures(tmp_path: Path) -> None:
    """Four times the figures (as many per city and year) cost about four times the work, not sixteen."""
    work = []
    for n in (60, 240):
        folder = tmp_path / f"n{n}"
        folder.mkdir()
        bulletin(folder / "bulletin.txt", n)
        ingest([folder], folder / "facts.db", workers=0)
        work.append(calls_in_checks(folder / "facts.db"))
    (f1, c1), (f2, c2) = work
    assert f2 > 3.5 * f1 and c1 > f1
    assert c2 / c1 < 1.6 * f2 / f1, work  # quadratic would be (f2 / f1) ** 2
