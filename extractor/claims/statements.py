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
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from extractor.claims import entities as ent
from extractor.claims.units import (
    ENDS,
    Unit,
    build_units,
    clause_spans,
    heading_level,
)
from extractor.models import Claim, Entity, Fact, ParsedDocument, Sentence

TYPE_ORDER = {"attribution": 0, "target": 1, "first_or_only": 2, "ranking": 3, "statistic": 4}
_ZONE_STOP = set("，,；;。！？!?：:“”\"‘’「」『』‚‛\n")
_PUNCT = " ，,：:"
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


@cache
def cues() -> dict[str, Any]:
    """``patterns/claims.yml``, its word lists compiled."""
    c = ent.load_rules("claims.yml")
    a, t, f, r, s = (c[k] for k in ("attribution", "target", "first_or_only", "ranking", "statistic"))
    rx = re.compile
    return {
        "verb_re": rx(f"(?:{_alt(a['verbs'])})(?={a['verb_followers']})"), "noun_verbs": set(a["noun_verbs"]),
        "max_between": int(a["max_between"]), "pronouns": tuple(a["pronouns"]), "plural": a["plural"],
        "pronoun_window": int(a["pronoun_window"]), "max_sentences": int(a["max_sentences"]),
        "quote_window": int(a["quote_window"]), "lead_dates": rx(a["lead_dates"]),
        "open": c["quotes"]["open"], "close": c["quotes"]["close"],
        "deadline": [rx(p) for p in t["deadline"]], "target_re": rx(_alt(t["cues"])),
        "section_re": rx(_alt(t["section_headings"])), "min_chars": int(t["min_chars"]),
        "actual_re": rx(_alt(t["actual_markers"])), "not_after": rx(f"(?:{_alt(t['not_after'])})$"),
        "not_targets": rx(t["not_targets"]),
        "first_res": [rx(p) for p in f["cues"]], "first_quick": rx(f["quick"]),
        "need_scope": tuple(f["need_scope"]), "scopes": tuple(f["scopes"]), "counted_only": rx(f["counted_only"]),
        "strong_heads": tuple(f["head_nouns"]["strong"]), "weak_heads": tuple(f["head_nouns"]["weak"]),
        "subject_max": int(f["subject_max_chars"]), "copulas": rx(f"(?:{_alt(f['copulas'])})$"),
        "subject_leading": "".join(f["subject_leading"]),
        "rank_res": [rx(p) for p in r["cues"]], "rank_quick": rx(r["quick"]),
        "rank_leading": rx(f"^(?:{_alt(r['leading'])})"), "rank_trailing": rx(f"(?:{_alt(r['trailing'])})+$"),
        "rank_times": rx(r["leading_times"]), "rank_durations": rx(r["trailing_times"]),
        "cut_after": tuple(r["cut_after"]),
        "source_res": [rx(p) for p in s["sources"]], "source_quick": rx(s["quick"]),
        "source_leading": rx(f"^(?:{_alt(s['source_leading'])})+"), "source_trailing": rx(s["source_trailing"]),
        "empty_sources": set(s["empty_sources"]), "abbreviations": set(s["abbreviations"]),
    }


def _depth(text: str) -> int:
    """Quotes opened minus quotes closed in ``text``."""
    cu = cues()
    return sum(text.count(c) for c in cu["open"]) - sum(text.count(c) for c in cu["close"])


# -- units: sentences read together ------------------------------------------------


# -- the document ----------------------------------------------------------------------


@dataclass
class _Anchor:
    """A reporting verb with its speaker; ``units`` the statement's units."""

    unit: int
    verb: str
    verb_end: int
    zone_start: int
    speaker: str | None
    title: str | None
    organisation: str | None
    units: list[int] = field(default_factory=list)
    content_start: int = 0  # in the anchor unit: where the quote or the content starts


@dataclass
class _Doc:
    doc: ParsedDocument
    units: list[Unit]
    facts: list[Fact]
    ctx: Any
    unit_of: dict[int, int] = field(default_factory=dict)  # sentence index → unit index
    unit_facts: dict[int, list[int]] = field(default_factory=dict)
    people: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # name → (title, org)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # (sentence, pos, name)
    found: dict[int, list[ent.Designation]] = field(default_factory=dict)
    person_entity: dict[str, Entity] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)  # every 《…》 the document names
    spans: dict[int, list[ent.Span]] = field(default_factory=dict)  # entities by unit


def extract_claims(doc: ParsedDocument, sentences: list[Sentence], facts: list[Fact]) -> list[Claim]:
    """Every claim of a document; ``Claim.fact_indexes`` point into ``facts``."""
    from extractor.facts.context import document_context

    if not sentences:
        return []
    d = _Doc(doc, build_units(sentences), facts, document_context(doc))
    for u in d.units:
        d.unit_of.update({s.index: u.index for s in u.sents})
        d.titles += re.findall(r"《[^》]{2,60}》", u.text)
        if not ent.is_byline(u.text):
            d.found[u.index] = ent.designations(u.text)
        for x in d.found.get(u.index, []):
            title, org = d.people.get(x.name, (None, None))
            d.people[x.name] = (title or x.title, org or x.organisation)
            d.mentions.append((u.first, x.name_start, x.name))
    for n, f in enumerate(facts):
        if f.method != "table" and f.sentence_index in d.unit_of:
            d.unit_facts.setdefault(d.unit_of[f.sentence_index], []).append(n)
    anchors = _anchors(d)
    said = [_attribution_claim(d, a) for a in anchors]
    taken = {n for c in said for n in c.fact_indexes}
    in_span = {k: a for a in anchors for k in a.units}
    clause_claims = [c for u in d.units for c in _clause_claims(d, u)]
    targets = _targets(d)
    for c in clause_claims + targets:  # the clause that ranks or boasts a figure holds it, then the target
        c.fact_indexes = [n for n in c.fact_indexes if n not in taken or _steal(said, n)]
        taken.update(c.fact_indexes)
    stats = _statistics(d, in_span, {d.unit_of[c.sentence_index] for c in targets}, taken)
    out = said + targets + clause_claims + stats
    for c in out:
        a = in_span.get(d.unit_of[c.sentence_index])
        if a is not None and c.claim_type != "attribution":
            c.speaker, c.speaker_title, c.organisation, c.verb = a.speaker, a.title, a.organisation, a.verb
    return sorted(out, key=lambda c: (c.sentence_index, TYPE_ORDER[c.claim_type], c.text))


def _steal(attributions: list[Claim], n: int) -> bool:
    """A figure said in a statement moves to the ranking/target clause inside it."""
    for c in attributions:
        if n in c.fact_indexes:
            c.fact_indexes.remove(n)
            return True
    return False


# -- attributions ------------------------------------------------------------------------


def _anchors(d: _Doc) -> list[_Anchor]:
    found: list[_Anchor] = []
    for u in d.units:
        credits = ent.byline_spans(u.text)
        for m in cues()["verb_re"].finditer(u.text):
            zs = m.start()
            while zs > 0 and u.text[zs - 1] not in _ZONE_STOP:
                zs -= 1
            for c0, c1 in credits:  # a dateline or credit before the speaker is no part of the zone
                if c0 <= zs < c1 or (zs <= c0 < m.start() and c1 <= m.start()):
                    zs = max(zs, c1)
            if any(c0 < m.end() and zs < c1 for c0, c1 in credits):
                continue
            a = _speaker(d, u, zs, m)
            if a is not None:
                found.append(a)
                break
    for i, a in enumerate(found):
        a.units = _quote_before(d, a, found[i - 1].units[-1] + 1 if i else 0) + [a.unit]
    for i, a in enumerate(found):
        a.units += _runs_on_after(d, a, found[i + 1].units[0] if i + 1 < len(found) else len(d.units))
    return found


def _speaker(d: _Doc, u: Unit, zs: int, m: re.Match[str]) -> _Anchor | None:
    """Who stands in ``u.text[zs:m.start()]`` before the reporting verb ``m``: a designated
    person, a person named before, 他/她, an unnamed speaker (业内人士), an organisation, or a
    name the tagger knows."""
    cu = cues()
    zone = u.text[zs : m.start()]
    if not zone.strip() or ent.has_byline_word(zone):
        return None
    a, b, verb = zs + ent.lead_length(zone), m.start(), m.group()

    def between_ok(p: int) -> bool:
        mid = u.text[p:b]
        return len(mid) <= cu["max_between"] and (verb in cu["noun_verbs"] or not mid.startswith("的"))

    def anchor(name, title, org) -> _Anchor:
        return _Anchor(u.index, verb, m.end(), zs, name, title, org)

    for x in sorted(d.found.get(u.index, []), key=lambda x: -x.end):
        if x.start >= zs and x.end <= b and between_ok(x.end):
            return anchor(x.name, x.title, x.organisation)
    for name in sorted(d.people, key=len, reverse=True):
        if u.text.startswith(name, a) and between_ok(a + len(name)):
            d.mentions.append((u.first, a, name))
            return anchor(name, *d.people[name])
    if u.text.startswith(cu["pronouns"], a) and u.text[a + 1 : a + 2] != cu["plural"] and between_ok(a + 1):
        before = [(s, p, name) for s, p, name in d.mentions  # 他/她: the last person named shortly before
                  if (s < u.first or (s == u.first and p < a)) and s >= u.first - cu["pronoun_window"]]
        return anchor(max(before)[2], *d.people.get(max(before)[2], (None, None))) if before else None
    generic = ent.generic_speaker(u.text[a:b])
    if generic and b - (a + generic[2]) <= 6:
        return anchor(None, generic[1], generic[0])
    org = ent.org_speaker(u.text[a:b], d.ctx)
    if org and b - (a + org.end) <= 6:
        return anchor(None, None, org.name)
    if 2 <= b - a <= 6 and u.text[a] in ent.data()["surnames"]:
        for span in ent.tag(u.text[a:b]):
            if span.label == "PERSON" and span.start == 0 and ent.valid_name(span.text):
                if between_ok(a + span.end) and b - (a + span.end) <= 3:
                    d.people.setdefault(span.text, (None, None))
                    d.mentions.append((u.first, a, span.text))
                    return anchor(span.text, None, None)
    return None


def _quote_before(d: _Doc, a: _Anchor, floor: int) -> list[int]:
    """Units holding a direct quote said by the anchor's speaker before the verb
    (“…。”郭婷婷说); a quote inside the anchor's unit moves ``a.content_start``."""
    cu = cues()
    u = d.units[a.unit]
    pre = u.text[: a.zone_start]
    bare = pre.rstrip(_PUNCT)
    a.content_start, depth, last, whole = a.verb_end, 0, a.unit - 1, False
    if bare.endswith(tuple(cu["close"])):  # “…”张三说: the quote opens in this unit or before
        for i in range(len(bare) - 1, -1, -1):
            depth += (bare[i] in cu["close"]) - (bare[i] in cu["open"])
            if depth == 0:
                a.content_start = i
                return []
    elif any(c in pre for c in cu["open"] + cu["close"]) or len(pre) > 30 or cu["verb_re"].search(pre):
        return []
    elif last < floor or d.units[last].sents[-1].paragraph != u.sents[0].paragraph:
        return []
    elif not d.units[last].text.rstrip().rstrip(ENDS).endswith(tuple(cu["close"])):
        return []
    else:
        whole = True  # a whole quoted sentence before: “…。”在…上，商务部副部长郭婷婷介绍
    for k in range(last, max(floor, last - cu["quote_window"]) - 1, -1):
        text = d.units[k].text
        depth -= _depth(text)
        if depth <= 0:
            opens = [i for i, c in enumerate(text) if c in cu["open"]]
            before = text[: opens[0]] if opens else text
            return [] if (whole and before.strip()) or cu["verb_re"].search(before) else list(range(k, last + 1))
    return []


def _runs_on_after(d: _Doc, a: _Anchor, stop: int) -> list[int]:
    """The units after the verb that go on with the statement: an open quote, the paragraph."""
    out: list[int] = []
    n = sum(len(d.units[k].sents) for k in a.units)
    depth = _depth(d.units[a.unit].text[a.content_start :])
    last = d.units[a.unit]
    for k in range(a.unit + 1, stop):
        u = d.units[k]
        if n + len(u.sents) > cues()["max_sentences"]:
            break
        if depth <= 0 and (u.sents[0].paragraph != last.sents[-1].paragraph or ent.is_byline(u.text)
                           or heading_level(u.text) is not None or _source(u.text)[0]):
            break
        depth += _depth(u.text)
        out.append(k)
        n, last = n + len(u.sents), u
    return out


def _attribution_claim(d: _Doc, a: _Anchor) -> Claim:
    parts, facts, ents = [], [], []
    for k in a.units:
        u = d.units[k]
        if k == a.unit:
            said = u.text[a.verb_end :].lstrip(_PUNCT)
            said = said if ent.CJK.search(said) or any(c.isalnum() for c in said) else ""
            quote = u.text[a.content_start : a.zone_start].rstrip(_PUNCT) if a.content_start < a.verb_end else ""
            parts.append(quote + said)
        else:
            parts.append(u.text)
        for n in d.unit_facts.get(k, []):
            p = u.pos(d.facts[n])
            if p is not None and (k != a.unit or (p >= a.content_start and not a.zone_start <= p < a.verb_end)):
                facts.append(n)
        ents += _entities(d, u, 0, len(u.text))
    if a.speaker in d.person_entity and all(e.name != a.speaker for e in ents):
        ents.append(d.person_entity[a.speaker])  # 他说: the person named before
    first, end = d.units[a.units[0]], d.units[a.units[-1]].sents[-1].index
    return Claim(
        claim_type="attribution", text="".join(parts), sentence_index=first.first,
        sentence_end_index=end if end > first.first else None, page=first.sents[0].page,
        speaker=a.speaker, speaker_title=a.title, organisation=a.organisation, verb=a.verb,
        source=_source("".join(d.units[k].text for k in a.units), d)[0], fact_indexes=facts,
        entities=list({(e.label, e.sentence_index, e.char_start, e.char_end): e for e in ents}.values()),
    )


# -- targets, firsts, rankings ---------------------------------------------------------------


def _deadline(text: str, year: int | None) -> str | None:
    """The year of 到2026年 / 2030年前 in ``text`` (not a past year, not 增长到2022年)."""
    for pattern in cues()["deadline"]:
        for m in pattern.finditer(text):
            y = int(m.group(m.lastindex or 1))
            if not cues()["not_after"].search(text[max(0, m.start() - 2) : m.start()]) and (year is None or y >= year):
                return str(y)
    return None


def _targets(d: _Doc) -> list[Claim]:
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
        if not nums and (len(text) < cu["min_chars"] or ent.is_byline(text) or cu["not_targets"].search(text)):
            continue
        if not deadline and (cu["actual_re"].search(text) or _source(text)[0]):
            continue  # a report of what was done (比上年, 据…统计), however plan-like the document
        years = [_YEAR.findall(d.facts[n].period or "")[-1:] for n in tfacts]
        deadline = deadline or (section[1] if section else None) or max((y[0] for y in years if y), default=None)
        if deadline is None and d.ctx.is_plan and d.ctx.plan_years:
            deadline = str(d.ctx.plan_years[1])
        out.append(_claim(d, u, "target", 0, len(u.text), nums, deadline=deadline))
    return out


def _clause_claims(d: _Doc, u: Unit) -> list[Claim]:
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
            if i > 0 and u.text[g0:g1].lstrip("‚“”").startswith(ent.data()["demonstratives"]):
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
    before = before.strip().lstrip("".join(ent.data()["demonstratives"]) + cu["subject_leading"])
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


def _source(text: str, d: _Doc | None = None) -> tuple[str | None, str | None]:
    """``(source, organisation)`` named for a figure in ``text``, or ``(None, None)``."""
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
            if len(src) < 2 or src in cu["empty_sources"] or ent.CJK.search(src) is None:
                continue
            if src in cu["abbreviations"] and d is not None:  # 《报告》 → the report named before
                src = next((t for t in d.titles if src.strip("《》") in t and t != src), src)
            orgs = ent.find_orgs(src, d.ctx if d else None)
            return src, (orgs[0].name if orgs else None)
    return None, None


def _statistics(d: _Doc, in_span: dict, target_units: set[int], taken: set[int]) -> list[Claim]:
    """A claim per unit still holding figures; its source, or the one stated before it in its paragraph."""
    out: list[Claim] = []
    carry: tuple[int, str | None, str | None] | None = None  # (paragraph, source, organisation)
    for u in d.units:
        source, org = _source(u.text, d)
        if not source and carry and carry[0] == u.sents[0].paragraph:
            source, org = carry[1], carry[2]
        carry = (u.sents[-1].paragraph, source, org) if source else None
        nums = [n for n in d.unit_facts.get(u.index, []) if n not in taken]
        if nums and u.index not in in_span and u.index not in target_units:
            out.append(_claim(d, u, "statistic", 0, len(u.text), nums, source=source, organisation=org))
    return out


# -- shared ------------------------------------------------------------------------------


def _claim(d: _Doc, u: Unit, kind: str, start: int, end: int, nums: list[int], **fields) -> Claim:
    first, _ = u.at(start)
    last, _ = u.at(max(start, end - 1))
    return Claim(
        claim_type=kind, text=u.text[start:end].strip(), sentence_index=first.index,  # type: ignore[arg-type]
        sentence_end_index=last.index if last.index > first.index else None, page=first.page,
        fact_indexes=list(nums), entities=_entities(d, u, start, end), **fields,
    )


def _entities(d: _Doc, u: Unit, start: int, end: int) -> list[Entity]:
    """The entities of ``u.text[start:end]``, with page offsets (found once per unit)."""
    if u.index not in d.spans:
        d.spans[u.index] = ent.find_entities(u.text, d.ctx, people=d.people, found=d.found.get(u.index, []))
    out = []
    for s in d.spans[u.index]:
        if start <= s.start and s.end <= end:
            sent, page_start = u.at(s.start)
            end_sent, page_end = u.at(s.end - 1)
            e = Entity(label=s.label, text=s.text, name=s.name, sentence_index=sent.index,  # type: ignore[arg-type]
                       char_start=page_start, char_end=page_end + 1 if end_sent is sent else sent.char_end)
            out.append(e)
            if s.label == "PERSON":
                d.person_entity.setdefault(s.name, e)
    return out
