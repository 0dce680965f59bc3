"""Attributions: who said what, one claim per statement.

A statement is anchored at a reporting verb (表示, 介绍, 称, 在…看来, 据…介绍,
告诉《棱镜》, 从…获悉, 据…报道) with its speaker standing before it, read in this
order: a designated person (商务部副部长郭婷婷), a person named before (尹蔚民, or
his short form 尹部长 / 卡斯特), 他 / 她 (the last person or unnamed speaker
named shortly before), another medium (据彭博社报道 → ``source``), an unnamed
speaker (业内人士, 该项目业主, 中国银联的一名风险专家), an organisation (龙湖方面,
交通运输部, 校方), a name the tagger knows, and the subject of the clause before
(…的吴亚军，在…会上表示; 卡斯特已下令…，并认为). A quote opened right after a
clause that starts with a speaker is a statement too (尹蔚民也举出了具体的例子，“…”),
and so is each answer of an interview (:mod:`.interviews`).

A statement takes in a direct quote said before the verb (“…。”郭婷婷说) and runs on
through its paragraph (a colon at its end: through the list after it), until the
next statement, a credit, a heading or a sourced statistic. A medium named before
a speaker in the same sentence is the statement's ``source`` (据财联社消息，…从交通
运输部获悉). The cue words are data: ``patterns/claims.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from extractor.claims import entities as ent
from extractor.claims import interviews, names, speakers
from extractor.claims.doc import ClaimDoc, entities_of
from extractor.claims.rules import CJK, cues
from extractor.claims.sources import source_of
from extractor.claims.speakers import Speaker
from extractor.claims.units import ENDS, Unit, heading_level
from extractor.models import Claim

_ZONE_STOP = set("，,；;。！？!?：:“”\"‘’「」『』‚‛\n")
_PUNCT = " ，,：:"


@dataclass
class Anchor:
    """A statement: its reporting verb and speaker, and the units it runs over."""

    unit: int
    verb: str | None
    verb_end: int
    zone_start: int
    speaker: Speaker
    units: list[int] = field(default_factory=list)
    content_start: int = 0  # in the anchor unit: where the quote or the content starts
    answer: bool = False  # an interview's answer: its units are given


def depth(text: str) -> int:
    """Quotes opened minus quotes closed in ``text``."""
    cu = cues()
    return sum(text.count(c) for c in cu["open"]) - sum(text.count(c) for c in cu["close"])


def find_anchors(d: ClaimDoc) -> list[Anchor]:
    """Every statement of the document, in order, with the units it runs over."""
    found = [Anchor(a.units[0], cues()["qa_verb"], a.content_start, a.content_start, a.speaker, list(a.units),
                    a.content_start, True) for a in interviews.answers(d)]
    taken = {k for a in found for k in a.units}
    for u in d.units:
        a = _anchor_in(d, u) if u.index not in taken else None
        if a is not None:
            found.append(a)
    found.sort(key=lambda a: a.unit)
    for i, a in enumerate(found):
        if not a.answer:
            a.units = _quote_before(d, a, found[i - 1].units[-1] + 1 if i else 0) + [a.unit]
    for i, a in enumerate(found):
        if not a.answer:
            a.units += _runs_on_after(d, a, found[i + 1].units[0] if i + 1 < len(found) else len(d.units))
    return found


def _zone_start(u: Unit, pos: int, credits: list[tuple[int, int]]) -> int:
    """Where the clause before ``pos`` starts, past a credit standing in it."""
    zs = max(u.text.rfind(c, 0, pos) for c in _ZONE_STOP) + 1
    for c0, c1 in credits:  # a dateline or credit before the speaker is no part of the zone
        if c0 <= zs < c1 or (zs <= c0 < pos and c1 <= pos):
            zs = max(zs, c1)
    return zs


def _anchor_in(d: ClaimDoc, u: Unit) -> Anchor | None:
    """The statement anchored in ``u``: its first reporting verb with a speaker (a medium
    only when nobody else speaks in the unit, else it is the statement's source)."""
    cu = cues()
    credits = names.byline_spans(u.text)
    medium: Anchor | None = None
    for m in cu["verb_re"].finditer(u.text):
        if u.text.endswith(cu["not_reporting"], 0, m.start() + len(_verb(m))):
            continue  # 以下简称“本公司”
        zs = _zone_start(u, m.start(), credits)
        if any(c0 < m.end() and zs < c1 for c0, c1 in credits):
            continue
        sp = _speaker(d, u, zs, m)
        if sp is None or (m.group("bare") and sp.kind != "person"):
            continue  # 表示最好的方式…: a verb without a comma only after a person
        a = Anchor(u.index, _verb(m), m.end(), zs, sp)
        if sp.kind == "source":
            medium = medium or a
            continue
        if medium is not None:
            sp.source = medium.speaker.source
        if sp.kind == "anonymous":
            _refer_back(d, u, sp)
            d.mention(u.first, zs, sp)
        elif sp.kind == "organisation":
            d.orgs.learn(sp.organisation)
        elif sp.name and sp.name not in d.people and sp.name not in d.alias:  # a name only the tagger knew
            d.add_person(sp.name)
            d.mention(u.first, zs, d.person(sp.name))
        return a
    return medium or _quote_intro(d, u, credits)


def _refer_back(d: ClaimDoc, u: Unit, sp: Speaker) -> None:
    """该负责人, 上述人士: the organisation of the unnamed speaker referred back to."""
    if sp.organisation or not sp.title or not sp.title.startswith(ent.data()["referring"]):
        return
    window = cues()["pronoun_window"]
    for s, _, before in sorted(d.mentions, key=lambda m: (m[0], m[1]), reverse=True):
        if u.first - window <= s <= u.first and before.kind == "anonymous" and before.title and \
                before.title.endswith(sp.title[-2:]) and before.organisation:
            sp.organisation = before.organisation
            return


def _verb(m) -> str:
    return m.group("ov") or m.group()


def _between_ok(d: ClaimDoc, u: Unit, end: int, b: int, verb: str) -> bool:
    """What stands between a speaker ending at ``end`` and the verb at ``b`` allows a statement."""
    cu = cues()
    mid = u.text[end:b]
    return (len(mid) <= cu["max_between"] and (verb in cu["noun_verbs"] or not mid.startswith("的"))
            and not cu["negations"].search(mid))


def _speaker(d: ClaimDoc, u: Unit, zs: int, m) -> Speaker | None:
    """Who stands in ``u.text[zs:m.start()]`` before the reporting verb ``m``."""
    cu = cues()
    b, verb = m.start(), _verb(m)
    zone = u.text[zs:b]
    if not zone.strip():
        return None
    a = zs + ent.lead_length(zone)
    if verb in cu["from_verbs"]:
        return _from_source(d, u, a, b, verb)
    for sp in _candidates(d, u, zs, a, b, verb):
        if _between_ok(d, u, sp.end, b, verb) and not names.has_byline_word(u.text[a : sp.end]):
            return sp
    if cu["carried"].fullmatch(u.text[a:b]) or cu["venue_only"].match(zone.strip()):
        return _carried(d, u, zs)
    return None


def _candidates(d: ClaimDoc, u: Unit, zs: int, a: int, b: int, verb: str):
    """The speakers ``u.text[a:b]`` may start with, most specific first (``end`` absolute)."""
    cu = cues()
    rest = u.text[a:b]
    if verb in cu["media_verbs"]:  # 据彭博社报道: only another medium reports
        sp = speakers.medium(rest)
        if sp is not None:
            yield replace(sp, end=a + sp.end)
        return
    for x in sorted(d.found.get(u.index, []), key=lambda x: -x.end):
        if x.start >= zs and x.end <= b:  # 魏少军教授: the organisation named with him before
            org = x.organisation or d.people.get(x.name, (None, None))[1]
            yield Speaker("person", x.end, name=x.name, title=x.title, organisation=org)
    for name in sorted([*d.people, *d.alias], key=len, reverse=True):
        if rest.startswith(name):
            yield replace(d.person(name), end=a + len(name))
    if rest.startswith(cu["pronouns"]) and rest[1:2] != cu["plural"]:
        yield from _pronoun(d, u, a)
        return
    yield from _by_title(d, u, a, rest)
    for sp in speakers.unnamed(rest, d.orgs):
        yield replace(sp, end=a + sp.end)
    sp = speakers.medium(rest)
    if sp is not None:
        yield replace(sp, end=a + sp.end)
    recent = "".join(d.units[k].text for k in range(max(0, u.index - 3), u.index)) + u.text[:a]
    for sp in speakers.organisation(rest, d.orgs, recent, d.subject):
        yield replace(sp, end=a + sp.end)
    if 2 <= b - a <= 6 and rest[0] in ent.data()["surnames"]:  # a name only the tagger knows
        for span in names.tag(rest):
            if span.label == "PERSON" and span.start == 0 and names.valid_name(span.text) and b - (a + span.end) <= 3:
                yield Speaker("person", a + span.end, name=span.text)


def _pronoun(d: ClaimDoc, u: Unit, a: int):
    """他 / 她: the last person or unnamed speaker named shortly before."""
    window = cues()["pronoun_window"]
    before = [(s, p, sp) for s, p, sp in d.mentions if (s < u.first or (s == u.first and p < a))
              and s >= u.first - window and sp.kind in ("person", "anonymous")]
    if before:
        yield replace(max(before, key=lambda m: (m[0], m[1]))[2], end=a + 1)


def _by_title(d: ClaimDoc, u: Unit, a: int, rest: str):
    """这位副部长, 该教授: the last person named shortly before with that title."""
    ref = next((w for w in ent.data()["referring"] if rest.startswith(w)), None)
    title = ent.data()["title_re"].match(rest, len(ref)) if ref else None
    if title is None:
        return
    window = cues()["pronoun_window"]
    before = [(s, p, sp) for s, p, sp in d.mentions if (s < u.first or (s == u.first and p < a))
              and s >= u.first - window and sp.kind == "person" and (sp.title or "").endswith(title.group())]
    if before:
        yield replace(max(before, key=lambda m: (m[0], m[1]))[2], end=a + title.end())


def _carried(d: ClaimDoc, u: Unit, zs: int) -> Speaker | None:
    """The person the clause before ``zs`` starts or ends with (…的吴亚军，在…上表示; 卡斯特
    已下令…，并认为): the subject a zone holding no speaker of its own continues."""
    if zs < 2:
        return None
    cs = zs - 1
    while cs > 0 and u.text[cs - 1] not in _ZONE_STOP:
        cs -= 1
    clause = u.text[cs : zs - 1]
    lead = cs + ent.lead_length(clause)
    for x in d.found.get(u.index, []):
        if cs <= x.start and x.end <= zs - 1:
            return Speaker("person", zs, name=x.name, title=x.title, organisation=x.organisation)
    for name in sorted([*d.people, *d.alias], key=len, reverse=True):
        if u.text.startswith(name, lead) or clause.endswith(name):
            return replace(d.person(name), end=zs)
    return None


def _from_source(d: ClaimDoc, u: Unit, a: int, b: int, verb: str) -> Speaker | None:
    """从交通运输部…获悉, 从接近监管部门的人士处了解到: the speaker stands after 从 / 自."""
    starts = [m.end() for m in cues()["from_re"].finditer(u.text, a, b)]
    if not starts:
        return None
    x = starts[-1]
    rest = u.text[x:b]
    for sp in [*speakers.unnamed(rest, d.orgs), *speakers.organisation(rest, d.orgs)]:
        place = ent.data()["from_place"]  # 从…人士处了解到
        end = x + sp.end + (len(place) if u.text.startswith(place, x + sp.end) else 0)
        if _between_ok(d, u, end, b, verb):
            return replace(sp, end=end)
    return None


def _quote_intro(d: ClaimDoc, u: Unit, credits: list[tuple[int, int]]) -> Anchor | None:
    """尹蔚民也举出了具体的例子，“…”: a quote right after a clause that starts with a speaker."""
    cu = cues()
    for m in cu["quote_intro"].finditer(u.text):
        zs = _zone_start(u, m.start(), credits)
        a = zs + ent.lead_length(u.text[zs : m.start()])
        for sp in _candidates(d, u, zs, a, m.start(), ""):
            if sp.kind == "person" and 0 < m.start() - sp.end <= cu["max_intro"] and not cu["negations"].search(
                u.text[sp.end : m.start()]
            ):
                verb = u.text[sp.end : m.start()].strip()
                while verb[:1] and verb.startswith(ent.data()["followers"]) and len(verb) > 2:
                    verb = verb[1:]  # 也举出了具体的例子 → 举出了具体的例子
                return Anchor(u.index, verb or None, m.start() + 1, zs, sp)
    return None


def _quote_before(d: ClaimDoc, a: Anchor, floor: int) -> list[int]:
    """Units holding a direct quote said by the anchor's speaker before the verb
    (“…。”郭婷婷说); a quote inside the anchor's unit moves ``a.content_start``."""
    cu = cues()
    u = d.units[a.unit]
    pre = u.text[: a.zone_start]
    bare = pre.rstrip(_PUNCT)
    a.content_start, level, last, whole = a.verb_end, 0, a.unit - 1, False
    if bare.endswith(tuple(cu["close"])):  # “…”张三说: the quote opens in this unit or before
        for i in range(len(bare) - 1, -1, -1):
            level += (bare[i] in cu["close"]) - (bare[i] in cu["open"])
            if level == 0:
                a.content_start = i
                return []
    elif any(c in pre for c in cu["open"] + cu["close"]) or len(pre) > 30 or cu["said_re"].search(pre):
        return []
    elif last < floor or d.units[last].sents[-1].paragraph != u.sents[0].paragraph:
        return []
    elif not d.units[last].text.rstrip().rstrip(ENDS).endswith(tuple(cu["close"])):
        return []
    else:
        whole = True  # a whole quoted sentence before: “…。”在…上，商务部副部长郭婷婷介绍
    for k in range(last, max(floor, last - cu["quote_window"]) - 1, -1):
        text = d.units[k].text
        level -= depth(text)
        if level <= 0:
            opens = [i for i, c in enumerate(text) if c in cu["open"]]
            before = text[: opens[0]] if opens else text
            if (whole and before.strip()) or cu["said_re"].search(before):
                return []
            while k - 1 >= floor and _continued_quote(d, k - 1, k):
                k -= 1  # a quote over paragraphs opens each one and closes at its end only
            return list(range(k, last + 1))
    return []


def _continued_quote(d: ClaimDoc, k: int, after: int) -> bool:
    """Unit ``k`` is the paragraph right before unit ``after`` and an unclosed quote."""
    u, nxt = d.units[k], d.units[after]
    return (u.sents[-1].paragraph + 1 == nxt.sents[0].paragraph and u.text.lstrip().startswith(tuple(cues()["open"]))
            and depth(u.text) > 0)


def _runs_on_after(d: ClaimDoc, a: Anchor, stop: int) -> list[int]:
    """The units after the verb that go on with the statement: an open quote, the paragraph,
    and the list a colon at its end announces."""
    cu = cues()
    out: list[int] = []
    n = sum(len(d.units[k].sents) for k in a.units)
    level = depth(d.units[a.unit].text[a.content_start :])
    last, listing = d.units[a.unit], False
    for k in range(a.unit + 1, stop):
        u = d.units[k]
        new = u.sents[0].paragraph != last.sents[-1].paragraph
        if new and level <= 0 and not listing and last.text.rstrip().endswith(("：", ":")):
            listing = heading_level(u.text) is not None  # …特征比较突出：一、… 二、…
        if n + len(u.sents) > cu["list_sentences" if listing else "max_sentences"]:
            break
        if level <= 0:
            if a.speaker.kind == "source" or cu["reporter_voice"].match(u.text):
                break  # another medium's report is its sentence; the reporter's own words are no part
            if listing and ((new and heading_level(u.text) is None) or names.is_byline(u.text)):
                break
            if not listing and (new or names.is_byline(u.text) or heading_level(u.text) is not None
                                or source_of(u.text)[0]):
                break
        level += depth(u.text)
        out.append(k)
        n, last = n + len(u.sents), u
    return out


def attribution_claim(d: ClaimDoc, a: Anchor) -> Claim:
    """The claim of a statement: its text (a quote before the verb included), figures and entities."""
    parts, facts, ents = [], [], []
    for k in a.units:
        u = d.units[k]
        if k == a.unit:
            said = u.text[a.verb_end :].lstrip(_PUNCT)
            said = said if CJK.search(said) or any(c.isalnum() for c in said) else ""
            quote = u.text[a.content_start : a.zone_start].rstrip(_PUNCT) if a.content_start < a.verb_end else ""
            parts.append(quote + said)
        else:
            parts.append(u.text)
        for n in d.unit_facts.get(k, []):
            p = u.pos(d.facts[n])
            if p is not None and (k != a.unit or (p >= a.content_start and not a.zone_start <= p < a.verb_end)):
                facts.append(n)
        ents += entities_of(d, u, 0, len(u.text))
    sp = a.speaker
    if sp.name in d.person_entity and all(e.name != sp.name for e in ents):
        ents.append(d.person_entity[sp.name])  # 他说: the person named before
    first, end = d.units[a.units[0]], d.units[a.units[-1]].sents[-1].index
    text = "".join(d.units[k].text for k in a.units)
    return Claim(
        claim_type="attribution", text="".join(parts).strip() or text, sentence_index=first.first,
        sentence_end_index=end if end > first.first else None, page=first.sents[0].page,
        speaker=sp.name, speaker_title=sp.title, organisation=sp.organisation, verb=a.verb,
        speaker_kind=sp.kind,
        source=sp.source or (None if a.verb in cues()["from_verbs"] else source_of(text, d.titles, d.ctx)[0]),
        fact_indexes=facts,
        entities=list({(e.label, e.sentence_index, e.char_start, e.char_end): e for e in ents}.values()),
    )
