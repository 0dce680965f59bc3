"""Speakers without a personal name: unnamed people, organisations and other media.

Each reader looks at the start of a *zone* — the words before a reporting verb,
past its lead-in (据, 在…上, 对此) — and returns the speaker standing there, with
where it ends; the caller checks what stands between it and the verb.

* :func:`unnamed` — 一位接近监管的人士, 有助贷平台高管, 该项目业主, 一名委员会成员: a
  description ending with a head noun (人士, 专家, 高管, 业主, 负责人 …); its
  organisation when it names one (中国银联的一名风险专家, 龙湖方面相关负责人,
  法国总工会负责人), none when it is indefinite (一家头部助贷平台的高管);
* :func:`organisation` — 龙湖方面, 巴黎大众运输公司, 交通运输部, 同盾科技, 校方 (the
  school named before), 尼日利亚 (a country speaking);
* :func:`medium` — 据彭博社报道, 美媒纽约邮报, 有媒体报道称: the statement is another
  medium's report, its name goes to ``source``.

:class:`Orgs` remembers the organisations a document has named, so that a later
short form is read as one (拼多多已宣布 after 拼多多方面表示; 评审委员会说 →
诺贝尔化学奖评审委员会). The words are data: ``patterns/entities.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from extractor.claims.entities import extend_department, find_orgs, find_places
from extractor.claims.rules import BOUNDARY, CJK, alternation, data
from extractor.facts.regions import gazetteer


@dataclass
class Speaker:
    """Who stands at the start of a zone, and where the speaker ends in it."""

    kind: str  # person | anonymous | organisation | source
    end: int
    name: str | None = None
    title: str | None = None  # a person's title, or an unnamed speaker's description
    organisation: str | None = None
    source: str | None = None


@dataclass
class Orgs:
    """The organisations a document names, in order (to read short forms by)."""

    names: list[str] = field(default_factory=list)

    def learn(self, name: str | None) -> None:
        if name and len(name) >= 2 and name not in self.names[-8:] and name not in data()["class_nouns"]:
            self.names.append(name)

    def at_start(self, zone: str) -> str | None:
        """The longest organisation named before that ``zone`` starts with."""
        hits = [n for n in self.names if zone.startswith(n)]
        return max(hits, key=len) if hits else None

    def expand(self, name: str) -> str:
        """A short form to the full name named before (评审委员会 → 诺贝尔化学奖评审委员会)."""
        longer = [n for n in self.names if n.endswith(name) and len(n) > len(name)]
        return max(longer, key=len) if longer else name


@cache
def _heads_re() -> re.Pattern[str]:
    return re.compile(alternation(data()["heads"]))


def _clean(text: str) -> bool:
    """No clause boundary or function word inside a name."""
    return bool(text) and not any(c in BOUNDARY and c not in "《》()（）" for c in text) and not (
        set(text) & data()["not_inside"]
    )


def unnamed(zone: str, orgs: Orgs) -> list[Speaker]:
    """The unnamed speakers ``zone`` may start with: the description to its last head noun
    first (有关部门负责人), then the shorter ones (一位自称龙湖业主 | 的男子 is for the caller
    to refuse)."""
    d = data()
    out: list[Speaker] = []
    q = d["quantifiers"].match(zone)
    body = q.end() if q else 0
    last = body
    for m in _heads_re().finditer(zone, body, min(len(zone), d["max_description"])):
        desc = zone[: m.end()]
        if any(c in "，,；;。：:“”\"" for c in desc) or (m.end() < len(zone) and CJK.match(zone[m.end()])
                                                       and zone[m.end()] in d["head_continuations"]):
            continue
        if out and set(zone[last : m.start()]) & d["head_breaks"]:
            break  # 一位业内人士对该项目负责人: the second head is whom it is said to
        title = desc[1:] if q and q.group().startswith("有") else desc  # 有社保专家 → 社保专家
        org = _org_of(zone[: m.start()], orgs) or _member_of(desc, orgs)
        out.insert(0, Speaker("anonymous", m.end(), title=title, organisation=org))
        last = m.end()
    return out


def _org_of(before: str, orgs: Orgs) -> str | None:
    """The organisation in the words before an unnamed speaker's head noun."""
    d = data()
    if "的" in before:  # 中国银联的一名风险专家; 一家头部助贷平台的高管 names none
        before = before[: before.rindex("的")]
        if d["indefinite"].match(before):
            return None
    else:  # 一名委员会成员: the count is the member's
        before = before[d["quantifiers"].match(before).end() :]
        if d["indefinite"].match(before):
            return None
    for w in d["title_softeners"]:
        before = before[: -len(w)] if before.endswith(w) else before
    before = before[: -len(d["side_word"])] if before.endswith(d["side_word"]) else before
    return _org_name(before, orgs)


def _member_of(desc: str, orgs: Orgs) -> str | None:
    """一名评审委员 → the 评审委员会 named before: a member's body."""
    body = data()["quantifiers"].sub("", desc)
    full = orgs.expand(body + "会")
    return full if full != body + "会" else None


def _org_name(text: str, orgs: Orgs, *, whole: bool = True) -> str | None:
    """``text`` as an organisation's name, normalised: a known one (with its department), one
    ending with an organisation or company suffix, one the document named before; with
    ``whole`` (``text`` is all the description holds) also a known one's arm (拼多多全球购)
    and a country (尼日利亚)."""
    d = data()
    if len(text) < 2 or not _clean(text) or d["indefinite"].match(text) or text in d["class_nouns"]:
        return None
    known = d["known_re"].match(text)
    if known and (known.end() == len(text) or extend_department(text, known.end()) == len(text)):
        return d["known"].get(text, text)
    weak = d["weak"] if whole else d["speaker_weak"]
    if text.endswith(d["strong"]) or text.endswith(d["company"]) or (
        len(text) >= 3 and text.endswith(weak) and not text.endswith(d["false_friends"])
    ):
        return orgs.expand(text)
    seen = orgs.at_start(text) or (known.group() if known else None)
    if seen and (seen == text or (whole and len(text) - len(seen) <= 4)):  # 拼多多全球购: an arm
        return d["known"].get(text, text)
    if whole:
        places = find_places(text)
        if places and places[0].start == 0 and places[0].end == len(text) and _is_country(places[0].text):
            return places[0].name
    return None


def _is_country(surface: str) -> bool:
    entry = gazetteer().entries.get(surface)
    return entry is not None and entry[1] == "country"


def organisation(zone: str, orgs: Orgs, recent: str = "", subject: str | None = None) -> list[Speaker]:
    """The organisations ``zone`` may start with, longest first; ``recent`` is the text
    before the zone where a side (校方) finds its organisation, ``subject`` the company the
    document is about (公司公告称)."""
    d = data()
    out: list[Speaker] = []
    side = re.match(rf"([^{BOUNDARY}]{{2,12}}?){d['side_word']}", zone)
    if side and _clean(side.group(1)) and not d["indefinite"].match(side.group(1)):  # 龙湖方面
        name = d["known"].get(side.group(1), orgs.expand(side.group(1)))
        out.append(Speaker("organisation", side.end(), organisation=name))
    for word, suffixes in d["sides"].items():  # 校方 → the school named before
        if zone.startswith(word):
            out.append(Speaker("organisation", len(word), organisation=_last_named(recent, suffixes) or word))
    for word in sorted(d["referents"], key=len, reverse=True):  # 公司公告称 → the company named before
        if zone.startswith(word):
            suffixes = d["referents"][word]
            about = subject if subject and (subject.endswith(tuple(suffixes)) or word in d["company_referents"]) else None
            named = about or _last_named(recent, suffixes, known=True)
            if named:
                out.append(Speaker("organisation", len(word), organisation=named))
            break
    for end in range(min(len(zone), 16), 1, -1):
        name = _org_name(zone[:end], orgs, whole=False)
        if name:
            out.append(Speaker("organisation", end, organisation=name))
            break
    if out:
        return out
    found = find_orgs(zone[:20])  # a place and a suffix: 杭州海关
    if found and found[0].start == 0:
        return [Speaker("organisation", found[0].end, organisation=orgs.expand(found[0].name))]
    places = find_places(zone[:12])
    if places and places[0].start == 0 and _is_country(places[0].text):  # 尼日利亚表示
        return [Speaker("organisation", places[0].end, organisation=places[0].name)]
    return []


def _last_named(text: str, suffixes: list[str], *, known: bool = False) -> str | None:
    """The last organisation in ``text`` ending with one of ``suffixes`` and named (西雅图华盛顿
    大学; 一大学, 该校 name none); with ``known``, a known organisation too (龙湖 → 龙湖集团)."""
    d = data()
    found: list[tuple[int, str]] = []
    for m in re.finditer(alternation(suffixes), text):
        start = m.start()
        while start > 0 and m.start() - start < 10 and CJK.match(text[start - 1]) and text[start - 1] not in d["not_inside"]:
            start -= 1
        name = text[start : m.end()]
        if m.start() > start and not d["indefinite"].match(text[m.start() - 1]) and len(name) >= 3:
            found.append((m.end(), name))
    if known:  # a known organisation of the kind (龙湖 → 龙湖集团 for 公司; 中国证监会 is no company)
        names = ((k.end(), d["known"].get(k.group(), k.group())) for k in d["known_re"].finditer(text))
        found += [(e, n) for e, n in names if n.endswith(tuple(suffixes)) or n in d["companies"]]
    return max(found)[1] if found else None


def subject_company(title: str | None) -> str | None:
    """The company a document is about, from its title: 东北电气发展股份有限公司 (the title is the
    name), 菲达环保：关于… (the name heads the title), 狂奔的龙湖集团“暗伤”曝露 (a known one)."""
    d = data()
    if not title:
        return None
    title = title.strip()
    head = re.split("[：:]", title, maxsplit=1)[0]
    if head != title and 2 <= len(head) <= 10 and _clean(head):
        known = d["known"].get(head)
        return head if known is None else known if known in d["companies"] else None
    for k in d["known_re"].finditer(title):
        name = d["known"].get(k.group(), k.group())
        if name in d["companies"]:
            return name
    if title.endswith(d["company_names"]) and _clean(title) and len(title) <= 24:
        return title
    return None


def medium(zone: str) -> Speaker | None:
    """Another medium at the start of ``zone`` (彭博社, 美媒纽约邮报, 有媒体; 美联社记者: its
    reporter), or None."""
    d = data()
    i = 1 if zone.startswith("有") else 0
    pre = d["media_prefixes"].match(zone, i)
    j = pre.end() if pre else i
    known = next((k for k in d["media_known"] if zone.startswith(k, j)), None)
    if known:
        return Speaker("source", j + len(known), source=known)
    generic = next((g for g in d["media_generic"] if zone.startswith(g, i)), None)
    if generic:  # 有媒体报道称
        return Speaker("source", i + len(generic), source=generic)
    for end in range(min(len(zone), j + 12), j + 1, -1):
        cand = zone[j:end]
        if (cand.endswith(d["media_suffixes"]) and not cand.endswith(d["not_media"]) and len(cand) >= 3
                and zone[end - 1 : end + 1] not in d["media_breaks"] and _clean(cand)
                and not d["indefinite"].match(cand)):
            return Speaker("source", end, source=cand)
    if pre:
        return Speaker("source", pre.end(), source=pre.group())
    return None
