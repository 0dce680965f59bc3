"""Where a figure comes from: 根据杭州海关公布的数据, 商务部数据显示, 据…统计, 《报告》显示.

``(source, organisation)`` of a sentence or unit, the patterns from the
``statistic`` section of ``patterns/claims.yml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from extractor.claims import entities as ent
from extractor.claims.rules import CJK, cues
from extractor.claims.units import clause_spans


def source_of(text: str, titles: Sequence[str] = (), home: Any = None) -> tuple[str | None, str | None]:
    """``(source, organisation)`` named for a figure in ``text``, or ``(None, None)``;
    ``titles`` are the 《…》 named before (《报告》 → the report), ``home`` the document's place."""
    cu = cues()
    if not cu["source_quick"].search(text):
        return None, None
    for start, end in clause_spans(text):
        clause = text[start:end]
        if not cu["source_quick"].search(clause):
            continue
        for pattern in cu["source_res"]:
            m = pattern.search(clause)
            if not m:
                continue
            src = m.group("src").strip()
            for _ in range(3):  # 对比7月18日南京海关 → 南京海关
                src = cu["source_leading"].sub("", src)
                lead = cu["lead_dates"].match(src)
                src = src[lead.end() :] if lead else src
            src = cu["source_trailing"].sub("", src)
            if len(src) < 2 or src in cu["empty_sources"] or CJK.search(src) is None:
                continue
            if src in cu["abbreviations"]:  # 《报告》 → the report named before
                src = next((t for t in titles if src.strip("《》") in t and t != src), src)
            orgs = ent.find_orgs(src, home)
            return src, (orgs[0].name if orgs else None)
    return None, None
