"""Claims: who said what, targets, "firsts", rankings and the statistics of a document.

    claims = extract_claims(doc, sentences, facts)

One :class:`~extractor.models.Claim` per claim sentence or clause:

* ``attribution`` — a speaker (name, title, organisation), a reporting verb
  (表示, 介绍, 在…看来, 据…介绍) and what was said, a direct quote before the
  verb included (“…。”郭婷婷说), running on through the paragraph;
* ``target`` — a goal, with its deadline (到2026年, a 发展目标 section, the
  plan's end year) and figures;
* ``first_or_only`` — 全国首个 / 第一家 / 唯一 and what it is about;
* ``ranking`` — 居全国第三位, 排名全球第十一位, and what is ranked;
* ``statistic`` — any other sentence reporting figures, with its source when
  stated (根据杭州海关公布的数据, 商务部数据显示, 据…统计).

PDF text wraps lines into short "sentences"; a sentence that does not end is
read together with the next (a *unit*). Each fact goes to one claim: the
clause that ranks or boasts it, else the target, else the statement it was
said in, else its sentence's statistic. Claims inside a statement carry its
speaker. Cue words are data: ``patterns/claims.yml``.
"""

from __future__ import annotations

import re

from extractor.claims import names
from extractor.claims.attributions import attribution_claim, find_anchors
from extractor.claims.doc import ClaimDoc, entities_of, read_document
from extractor.claims.rules import cues, data
from extractor.claims.sources import source_of
from extractor.claims.units import ENDS, Unit, clause_spans, heading_level
from extractor.models import Claim, Fact, ParsedDocument, Sentence

TYPE_ORDER = {"attribution": 0, "target": 1, "first_or_only": 2, "ranking": 3, "statistic": 4}
_PUNCT = " ，,：:"
_YEAR = re.compile(r"(?:19|20)\d{2}")


def extract_claims(doc: ParsedDocument, sentences: list[Sentence], facts: list[Fact]) -> list[Claim]:
    """Every claim of a document; ``Claim.fact_indexes`` point into ``facts``."""
    if not sentences:
        return []
    d = read_document(doc, sentences, facts)
    anchors = find_anchors(d)
    said = [attribution_claim(d, a) for a in anchors]
    taken = {n for c in said for n in c.fact_indexes}
    in_span = {k: (a, c) for a, c in zip(anchors, said, strict=True) for k in a.units}
    clause_claims = [c for u in d.units for c in _clause_claims(d, u)]
    targets = _targets(d)
    for c in clause_claims + targets:  # the clause that ranks or boasts a figure holds it, then the target
        c.fact_indexes = [n for n in c.fact_indexes if n not in taken or _steal(said, n)]
        taken.update(c.fact_indexes)
    stats = _statistics(d, in_span, {d.unit_of[c.sentence_index] for c in targets}, taken)
    out = said + targets + clause_claims + stats
    for c in out:
        a, stated = in_span.get(d.unit_of[c.sentence_index], (None, None))
        if a is not None and stated is not None and c.claim_type != "attribution":
            for key in ("speaker", "speaker_title", "organisation", "verb", "speaker_kind"):
                setattr(c, key, getattr(stated, key))
    return sorted(out, key=lambda c: (c.sentence_index, TYPE_ORDER[c.claim_type], c.text))


def _steal(attributions: list[Claim], n: int) -> bool:
    """A figure said in a statement moves to the ranking/target clause inside it."""
    for c in attributions:
        if n in c.fact_indexes:
            c.fact_indexes.remove(n)
            return True
    return False


# -- targets, firsts, rankings ---------------------------------------------------------------


def _deadline(text: str, year: int | None) -> str | None:
    """The year of 到2026年 / 2030年前 in ``text`` (not a past year, not 增长到2022年)."""
    for pattern in cues()["deadline"]:
        for m in pattern.finditer(text):
            y = int(m.group(m.lastindex or 1))
            if not cues()["not_after"].search(text[max(0, m.start() - 2) : m.start()]) and (year is None or y >= year):
                return str(y)
    return None


def _targets(d: ClaimDoc) -> list[Claim]:
    cu = cues()
    out: list[Claim] = []
    section: tuple[int, str | None] | None = None  # (heading level, deadline) of a 发展目标 section
    for u in d.units:
        text = u.text.strip()
        level = heading_level(text)
        if level is not None and section is not None and level <= section[0]:
            section = None
        if level is not None and len(text) <= 30 and cu["section_re"].search(text):
            section = (level, None)
            continue
        nums = d.unit_facts.get(u.index, [])
        deadline = _deadline(text, d.ctx.year)
        if section is not None and section[1] is None and deadline:
            section = (section[0], deadline)
        tfacts = [n for n in nums if d.facts[n].modality == "target"]
        if not (deadline or cu["target_re"].search(text) or tfacts or section is not None):
            continue
        if not nums and (len(text) < cu["min_chars"] or names.is_byline(text) or cu["not_targets"].search(text)):
            continue
        if not deadline and (cu["actual_re"].search(text) or source_of(text)[0]):
            continue  # a report of what was done (比上年, 据…统计), however plan-like the document
        if section is None and cu["forecast_re"].search(text) and not cu["target_re"].search(text):
            continue  # 到2019年底，收益率可能在1.125%至1.625%之间: a forecast, not a goal
        years = [_YEAR.findall(d.facts[n].period or "")[-1:] for n in tfacts]
        deadline = deadline or (section[1] if section else None) or max((y[0] for y in years if y), default=None)
        if deadline is None and d.ctx.is_plan and d.ctx.plan_years:
            deadline = str(d.ctx.plan_years[1])
        out.append(_claim(d, u, "target", 0, len(u.text), nums, deadline=deadline))
    return out


def _clause_claims(d: ClaimDoc, u: Unit) -> list[Claim]:
    """first_or_only and ranking claims: the clauses of ``u`` holding their cues (a run of
    clauses for a first: 这是全国第一家，目前也是唯一一家…)."""
    cu = cues()
    out: list[Claim] = []
    clauses = clause_spans(u.text)
    for kind, finder, quick in (("first_or_only", _first_cues, "first_quick"), ("ranking", _rank_cues, "rank_quick")):
        if not cu[quick].search(u.text):
            continue
        hits = [finder(u.text[a:b]) for a, b in clauses]
        i = 0
        while i < len(clauses):
            if not hits[i]:
                i += 1
                continue
            j = i
            while kind == "first_or_only" and j + 1 < len(clauses) and hits[j + 1]:
                j += 1
            g0, g1 = clauses[i][0], clauses[j][1]
            if i > 0 and u.text[g0:g1].lstrip("‚“”").startswith(data()["demonstratives"]):
                g0 = clauses[i - 1][0]  # 重组成立浙江省国际数字贸易协会，这是全国第一家
            subject = next((s for h in hits[i : j + 1] for s in h if s), None)
            nums = [n for n in d.unit_facts.get(u.index, []) if g0 <= (u.pos(d.facts[n]) or -1) < g1]
            first = i  # the sentence's first clause: X增加值283亿元，比上年提高1.3个百分点，居全省第6位
            while first > 0 and u.text[clauses[first - 1][1] : clauses[first][0]][:1] not in ENDS:
                first -= 1
            for k in range(first, i) if subject is None and kind == "ranking" else ():
                figure = re.search(r"\d", u.text[clauses[k][0] : clauses[k][1]])
                if figure:
                    subject = _rank_subject(u.text[clauses[k][0] : clauses[k][0] + figure.start()])
                    g0 = clauses[k][0] if subject else g0
                    break
            out.append(_claim(d, u, kind, g0, g1, nums, subject=subject))
            i = j + 1
    return out


def _first_cues(clause: str) -> list[str | None]:
    """The subject of each first in ``clause`` (None when it names none)."""
    cu = cues()
    out = [_first_subject(clause, m.start(), m.end()) for p in cu["first_res"] for m in p.finditer(clause)
           if not m.group().endswith(cu["need_scope"]) or m.group().startswith(cu["scopes"])
           or cu["counted_only"].search(m.group())]
    return sorted(out, key=lambda s: s is None)


def _first_subject(clause: str, start: int, end: int) -> str | None:
    """What a first is about: the noun phrase after the cue (up to its first strong head noun,
    else its last weak one), else the subject before it (X均为全国首创)."""
    from extractor.facts.segment import jieba_tokenizer

    cu = cues()
    after = clause[end : end + cu["subject_max"]]
    if len(after.strip(" ‚“”‛")) >= 2:
        pos, weak = 0, None
        for w in jieba_tokenizer().lcut(after, HMM=True):
            pos += len(w)
            if w.endswith(cu["strong_heads"]):
                return after[:pos]
            weak = pos if w.endswith(cu["weak_heads"]) else weak
        return after[:weak] if weak else after.strip() or None
    before = cu["copulas"].sub("", clause[:start], count=1)
    before = before.strip().lstrip("".join(data()["demonstratives"]) + cu["subject_leading"])
    return before if len(before) >= 2 else None


def _rank_cues(clause: str) -> list[str | None]:
    m = next((m for p in cues()["rank_res"] if (m := p.search(clause))), None)
    return [_rank_subject(clause[: m.start()])] if m else []


def _rank_subject(before: str) -> str | None:
    """What is ranked: the clause before the cue, without time, connectives and adverbs."""
    cu = cues()
    before = before.strip()
    m = cu["lead_dates"].match(before)
    before = before[m.end() :] if m else before
    before = cu["rank_leading"].sub("", cu["rank_times"].sub("", before), count=1)
    before = cu["rank_durations"].sub("", before)
    m = cu["rank_trailing"].search(before)
    before = before[: m.start()] if m and m.start() > 0 else before
    for p in cu["cut_after"]:  # 守住了今年争得的出口规模 → 出口规模
        i = before.rfind(p)
        if i >= 0 and len(before) - i - 1 >= 2:
            before = before[i + 1 :]
    return before.strip(_PUNCT) or None


# -- statistics --------------------------------------------------------------------------


def _statistics(d: ClaimDoc, in_span: dict, target_units: set[int], taken: set[int]) -> list[Claim]:
    """A claim per unit still holding figures; its source, or the one stated before it in its paragraph."""
    out: list[Claim] = []
    carry: tuple[int, str | None, str | None] | None = None  # (paragraph, source, organisation)
    for u in d.units:
        source, org = source_of(u.text, d.titles, d.ctx)
        if not source and carry and carry[0] == u.sents[0].paragraph:
            source, org = carry[1], carry[2]
        carry = (u.sents[-1].paragraph, source, org) if source else None
        nums = [n for n in d.unit_facts.get(u.index, []) if n not in taken]
        if nums and u.index not in in_span and u.index not in target_units:
            out.append(_claim(d, u, "statistic", 0, len(u.text), nums, source=source, organisation=org))
    return out


# -- shared ------------------------------------------------------------------------------


def _claim(d: ClaimDoc, u: Unit, kind: str, start: int, end: int, nums: list[int], **fields) -> Claim:
    first, _ = u.at(start)
    last, _ = u.at(max(start, end - 1))
    return Claim(
        claim_type=kind, text=u.text[start:end].strip(), sentence_index=first.index,  # type: ignore[arg-type]
        sentence_end_index=last.index if last.index > first.index else None, page=first.page,
        fact_indexes=list(nums), entities=entities_of(d, u, start, end), **fields,
    )
