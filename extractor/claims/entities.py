"""People, organisations and places, found by rules (``patterns/entities.yml``).

Three layers, cheapest first:

* character rules for what Chinese news writes in a fixed order: a designation
  (organisation + title) right before a name (商务部副部长郭婷婷), a name and
  a title (习近平主席), organisations ending with a suffix (杭州 + 海关,
  商务部 + 对外贸易司) and known organisations;
* the gazetteer of :mod:`extractor.facts.regions` for places, normalised
  (杭州 → 杭州市, 浙江 → 浙江省, 全省 → the document's province);
* a rule-based spaCy pipeline for what the rules leave open — where an unknown
  name ends, whether a word before a verb is a name: ``spacy.blank("zh")``
  segmenting with jieba, jieba's part-of-speech flags (nr, ns, nt) as tags and
  an EntityRuler whose patterns are data. It is loaded once per process, and
  only when a sentence needs it.

Credits (本报记者 冯其予, 新华社记者 徐昱 摄, 责任编辑：李昂) are found first:
nobody named inside one is a speaker. Offsets are into the string given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from extractor.claims.names import byline_spans, has_byline_word, name_at, valid_name
from extractor.claims.rules import BOUNDARY, CJK, CLAUSE_BOUNDARY, Span, alternation, data
from extractor.facts.regions import Place, gazetteer, resolve

_PLACE_LEVELS = {"province", "city", "district", "country", "macro", "national", "self_province",
                 "self_city", "self_county"}


@dataclass(frozen=True)
class Designation:
    """A name with the designation before (or the title after) it: 商务部 | 副部长 | 郭婷婷."""

    name: str
    title: str | None
    organisation: str | None
    start: int  # of the designation (or of the name, when the title follows it)
    name_start: int
    name_end: int
    end: int  # past the name, or past the title when it follows the name
    org_start: int | None = None
    org_end: int | None = None


# -- organisations -------------------------------------------------------------------


def split_designation(designation: str, *, loose: bool = False) -> tuple[str | None, str | None, int | None, int | None]:
    """``(organisation, title, org_start, org_end)`` of a designation that ends with a title.

    商务部对外贸易司副司长 → (商务部对外贸易司, 副司长); 阿里巴巴集团公共事务总裁 →
    (阿里巴巴集团, 公共事务总裁); 亚马逊全球副总裁、亚马逊全球开店亚太区执行总裁 →
    (亚马逊, 全球副总裁、亚马逊全球开店亚太区执行总裁); 阿斯利康中国总经理 → (阿斯利康中国, 总经理);
    房屋查验咨询师、名仕宜居验房公司高级工程师 → (名仕宜居验房公司, 房屋查验咨询师、高级工程师):
    the first role that names an organisation gives it, the title is the rest (without what
    stood before the organisation in its role). ``loose``: a name without an organisation
    suffix before the title is the organisation too (贝莱德 | 全球首席投资官), as in an
    interview's speaker headings.
    """
    d = data()
    designation = designation.strip()
    m = d["title_end_re"].search(designation.split("、", 1)[0])
    if m and designation.startswith(d["demonstratives"]):  # 该公司总经理: no name for the organisation
        return None, designation[m.start() :] or None, None, None
    pos = 0
    for role in designation.split("、"):
        found = _role_org(role, loose)
        if found:
            a, b = pos + found[0], pos + found[1]
            gloss = _LATIN_PAREN.match(designation, b)  # 派杰(Piper Jaffray)分析师: the gloss is neither
            title = (designation[:pos] + designation[gloss.end() if gloss else b :]).lstrip("的").strip("、") or None
            return designation[a:b], title, a, b
        pos += len(role) + 1
    return None, designation.lstrip("的") or None, None, None


def _role_org(role: str, loose: bool) -> tuple[int, int] | None:
    """Where the organisation of one role (ORGANISATION + TITLE) stands in it."""
    d = data()
    m = d["title_end_re"].search(role)
    rest = role[: m.start()] if m else ""
    if len(rest) < 2 or rest.startswith(d["demonstratives"]) or rest in d["class_nouns"]:
        return None  # 该公司总经理, 集团董事长: no name for the organisation
    if rest[0] == "《" and rest[-1] == "》":  # 《咬文嚼字》主编
        return 0, len(rest)
    for k in d["known_re"].finditer(rest):  # 信息中国人力资源和社会保障部: a known body ends it
        if extend_department(rest, k.end()) == len(rest) and k.start() > 0 and not _foreign(rest[: k.start()]):
            return k.start(), len(rest)
    end = _org_prefix_end(rest)
    if end:
        tail = rest[end:]
        name = _strip_modifiers(tail)[0] if tail else ""
        if name and rest[:end].endswith(d["class_nouns"]) and (d["known_re"].fullmatch(name) or _LATIN_PAREN.search(name)):
            gloss = _LATIN_PAREN.search(name)  # 美国投资公司 | 派杰 | (Piper Jaffray): the name without its gloss
            return end, end + (gloss.start() if gloss and gloss.start() >= 2 else len(name))
        start = _foreign_prefix(rest[:end])
        return start, end
    places = find_places(rest)  # 杭州市副市长: the place is the organisation
    if places and places[0].start == 0 and places[-1].end == len(rest):
        return 0, len(rest)
    if rest[-1] in d["admin_suffixes"] and len(rest) >= 3 and not set(rest) & d["not_inside"]:
        return 0, len(rest)  # 佛罗里达州坦帕市市长: a place the gazetteer does not know
    name, _ = _strip_modifiers(rest)  # 贝莱德固定收益业务全球首席投资官 → 贝莱德
    if loose and name and (len(name) >= 3 or not CJK.match(name[0])) and not set(name) & d["not_inside"]:
        start = _foreign_prefix(name)
        return start, len(name)
    return None


def _strip_modifiers(text: str) -> tuple[str, str]:
    """``text`` split into what stands before its trailing title modifiers and titles, and them."""
    d = data()
    end = len(text)
    while end > 0:
        part = text[:end]
        m = d["title_end_re"].search(part)
        word = m.group() if m else next((w for w in d["title_modifiers"] if part.endswith(w)), None)
        if not word:
            break
        end -= len(word)
    return text[:end], text[end:]


def _foreign(prefix: str) -> bool:
    """A foreign country right before a known body (美国商务部 is no 商务部)."""
    entries = gazetteer().entries
    return any(p.end == len(prefix) and entries[p.text][1] == "country" and p.name != data()["home_country"]
               for p in find_places(prefix))


def _foreign_prefix(org: str) -> int:
    """How many characters of a country stand before a Latin-script name (英国M&G → M&G)."""
    places = find_places(org)
    after = org[places[0].end : places[0].end + 1] if places and places[0].start == 0 else ""
    return places[0].end if after.isascii() and after.isalpha() else 0


def _org_prefix_end(rest: str) -> int | None:
    """Where the longest organisation at the start of ``rest`` ends."""
    d = data()
    for i in range(len(rest), 1, -1):
        cand = rest[:i]
        if cand.endswith(d["strong"]) or (cand.endswith(d["weak"]) and not rest[i - 1 :].startswith(d["false_friends"])):
            return i
    m = d["known_re"].match(rest)
    if m:  # a known company, with its regional arm (阿斯利康 + 中国)
        return m.end() + len(next((a for a in d["arms"] if rest.startswith(a, m.end())), ""))
    return None


def extend_department(text: str, end: int) -> int:
    """商务部 + 对外贸易司: the department after a known organisation, when one is named."""
    d = data()
    window = text[end : end + d["dept_max"]]
    stop = next((i for i, c in enumerate(window) if c in d["dept_stop"] or not (CJK.match(c) or c.isalnum())), None)
    window = window[:stop]
    title = d["title_re"].search(window)
    window = window[: title.start()] if title else window
    if d["known_re"].search(window):
        return end
    for i in range(len(window), 1, -1):
        if window[:i].endswith(d["dept_suffixes"]) and not any(f in window[i - 2 : i + 2] for f in d["false_friends"]):
            return end + i
    return end


def find_orgs(text: str, home: Any = None) -> list[Span]:
    """Known organisations (with their departments) and place + suffix names (杭州海关, 市商务局)."""
    d = data()
    out: list[Span] = []

    def add(start: int, end: int, name: str) -> None:
        if end - start >= 2 and not any(s.start < end and start < s.end for s in out):
            out.append(Span("ORG", text[start:end], name, start, end))

    for m in d["known_re"].finditer(text):
        end = extend_department(text, m.end())
        add(m.start(), end, d["known"].get(m.group(), m.group()) if end == m.end() else text[m.start() : end])
    for m in d["strong_re"].finditer(text):
        if any(s.start <= m.start() < s.end for s in out) or text.startswith(d["false_friends"], m.start()):
            continue
        start = _org_start(text, m.start())
        if start is None:
            continue
        surface = name = text[start : m.end()]
        prefix = d["self_prefixes"].get(surface[0]) if start == 0 or text[start - 1] in BOUNDARY else None
        if prefix and home is not None:  # 市商务局 → 杭州市商务局
            own = resolve(Place(surface[0], surface[0], prefix), home)
            if own and not surface.startswith(own[:2]):
                name = own + surface[1:]
        add(start, m.end(), name)
    return sorted(out, key=lambda s: s.start)


def _org_start(text: str, suffix_start: int) -> int | None:
    """Where an organisation ending at ``suffix_start`` begins: a place (杭州海关) or 省/市 (市商务局)."""
    d = data()
    lo = max(0, suffix_start - 10)

    def gap_ok(a: int) -> bool:
        return all(c not in d["not_inside"] and (CJK.match(c) or c.isalnum()) for c in text[a:suffix_start])

    for p in find_places(text[lo:suffix_start], whole_words=False):
        if p.text not in d["not_seats"] and gap_ok(lo + p.end) and suffix_start - (lo + p.end) <= 8:
            return lo + p.start
    for i in range(max(0, suffix_start - 8), suffix_start):
        if text[i] in d["self_prefixes"] and (i == 0 or text[i - 1] in BOUNDARY) and gap_ok(i + 1):
            return i
    return None


# -- places ----------------------------------------------------------------------------


@cache
def _place_index() -> tuple[re.Pattern[str], dict[str, tuple[int, ...]], dict[str, tuple[str, str, str | None]]]:
    entries = gazetteer().entries
    first: dict[str, set[int]] = {}
    for surface in entries:
        first.setdefault(surface[0], set()).add(len(surface))
    starts = re.compile("[" + "".join(re.escape(c) for c in sorted(first)) + "]")
    return starts, {k: tuple(sorted(v, reverse=True)) for k, v in first.items()}, entries


def find_places(text: str, home: Any = None, *, whole_words: bool = True) -> list[Span]:
    """Places in ``text``, leftmost longest, normalised (杭州 → 杭州市; 全省 → the home province).

    A dictionary walk over the gazetteer's names from the characters that can
    start one (much faster than its big regular expression); a short name
    counts only as a whole word (no dictionary word runs across its edges).
    """
    starts, first, entries = _place_index()
    out: list[Span] = []
    m = starts.search(text)
    while m is not None:
        i = m.start()
        hit = None
        for n in first[text[i]]:
            if text[i : i + n] in entries:
                hit = text[i : i + n]
                break
        if hit is None:
            m = starts.search(text, i + 1)
            continue
        name, level, province = entries[hit]
        end = i + len(hit)
        if level in _PLACE_LEVELS and (
            not whole_words or hit == name or level not in ("province", "city") or _whole_word(text, i, end)
        ):
            place = Place(hit, name, level, province, i, end)
            normal = resolve(place, home) if home is not None else (None if level.startswith("self") else name)
            if normal and normal not in data()["not_places"]:
                out.append(Span("PLACE", hit, normal, i, end))
        m = starts.search(text, end)
    return out


@cache
def _word_freq() -> dict[str, int]:
    from extractor.facts.segment import jieba_tokenizer

    tk = jieba_tokenizer()
    tk.check_initialized()
    return tk.FREQ


def _whole_word(text: str, start: int, end: int) -> bool:
    """No dictionary word runs across either edge of ``text[start:end]`` (出海口 holds no 海口)."""
    freq = _word_freq()
    left = ((i, j) for i in (start - 2, start - 1) for j in range(start + 1, min(end, start + 3) + 1) if i >= 0)
    right = ((i, j) for i in range(max(start + 1, end - 2), end) for j in (end + 1, end + 2) if j <= len(text))
    return not any(freq.get(text[i:j]) for i, j in (*left, *right))


# -- designations ----------------------------------------------------------------------


def designations(text: str, *, allow_tagger: bool = True) -> list[Designation]:
    """Every ``organisation + title + name`` (and ``name + title``) in ``text``."""
    d = data()
    out: list[Designation] = []
    credits = byline_spans(text)
    for m in d["title_re"].finditer(text):
        if any(a < m.end() + 4 and m.start() < b for a, b in credits):
            continue
        name = name_at(text, m.end(), allow_tagger=allow_tagger)
        if name:
            start = max([designation_start(text, m.start()), _after_previous(text, out, m.start())]
                        + [b for _, b in credits if b <= m.start()])
            start += lead_length(text[start : m.start()])  # past a dateline, then its lead words
            desig = text[start : m.end()]
            if has_byline_word(desig):
                continue
            org, title, org_start, org_end = split_designation(desig)
            end = m.end() + len(name)
            out.append(Designation(name, title, org, start, m.end(), end, end,
                                   None if org_start is None else start + org_start,
                                   None if org_end is None else start + org_end))
            continue
        for n in (3, 2, 4):  # NAME + TITLE: 习近平主席, 商务部郭婷婷副部长
            s = m.start() - n
            cand = text[max(s, 0) : m.start()]
            if s < 0 or not valid_name(cand) or any(x.name_start <= s < x.name_end for x in out):
                continue
            ds = designation_start(text, s)
            org = _whole_org(text[ds:s]) if not _word_freq().get(cand) else None  # a word is no name
            if ds == s or org:
                out.append(Designation(cand, m.group(), org, ds, s, m.start(), m.end(), ds if org else None,
                                       s if org else None))
                break
    return out + _bracketed(text, out)


def _whole_org(text: str) -> str | None:
    """``text`` when it is all one organisation's name (商务部, 浙江大学), else None."""
    d = data()
    if len(text) < 2 or text.startswith(d["demonstratives"]) or text in d["class_nouns"]:
        return None
    known = d["known_re"].fullmatch(text)
    return text if known or _org_prefix_end(text) == len(text) else None


def _bracketed(text: str, found: list[Designation]) -> list[Designation]:
    """NAME（ORGANISATION TITLE）: 付凌晖（国家统计局新闻发言人）."""
    d = data()
    out = []
    for m in _BRACKET.finditer(text):
        inner = m.group(1)
        if not d["title_end_re"].search(inner) or any(x.start <= m.start() < x.end for x in found):
            continue
        for n in (3, 2, 4):
            s = m.start() - n
            if s >= 0 and valid_name(text[s : m.start()]) and (s == 0 or text[s - 1] in BOUNDARY or
                                                                  designation_start(text, s) == s):
                org, title, a, b = split_designation(inner)
                out.append(Designation(text[s : m.start()], title, org, s, s, m.start(), m.end(),
                                       None if a is None else m.start(1) + a, None if b is None else m.start(1) + b))
                break
    return out


def _after_previous(text: str, found: list[Designation], title_start: int) -> int:
    """Where the designation before ``title_start`` ends, past a separator (公司负责人甲、主管会计
    工作负责人乙: the second designation starts after 甲、)."""
    end = max((x.end for x in found if x.end <= title_start), default=0)
    while 0 < end < title_start and text[end] in data()["name_separators"]:
        end += 1
    return end


def designation_start(text: str, title_start: int) -> int:
    """Where the designation ending in the title at ``title_start`` begins: the clause start,
    past lead words (据, 在 …), a date, a venue (在…会上) and a leading parenthesis."""
    i = title_start
    while i > 0 and text[i - 1] not in CLAUSE_BOUNDARY:
        i -= 1
    while i < title_start and not (CJK.match(text[i]) or text[i].isalnum() or text[i] in "《（("):
        i += 1  # △坦帕市市长: a caption mark
    i += lead_length(text[i:title_start])
    cut = [m.end() for m in data()["designation_cut"].finditer(text, i, title_start)]
    return cut[-1] if cut else i


def lead_length(zone: str) -> int:
    """How many characters at the start of ``zone`` lead in to a speaker (据, 9月9日, 在…会上, （…）)."""
    d = data()
    i = 0
    for _ in range(4):
        before = i
        for pattern in (_PAREN, d["lead_dates"], d["lead_venue"], d["lead_words"]):
            m = pattern.match(zone[i:])  # the patterns are anchored with ^
            i += m.end() if m else 0
        if i == before:
            break
    return i


_PAREN = re.compile(r"\s*[（(][^）)]{0,30}[）)]\s*")
_LATIN_PAREN = re.compile(r"[（(][A-Za-z][^）)]*[）)]")
_BRACKET = re.compile(r"[（(]([^（）()]{2,30})[）)]")


# -- everything in one string ---------------------------------------------------------


def find_entities(text: str, home: Any = None, people: Iterable[str] = (),
                  found: Iterable[Designation] = ()) -> list[Span]:
    """People, organisations and places in ``text``; ``people`` are names known from
    elsewhere in the document, ``found`` designations already read from ``text``."""
    spans: list[Span] = []
    for x in found:
        spans.append(Span("PERSON", x.name, x.name, x.name_start, x.name_end))
        if x.organisation and x.org_start is not None and x.org_end is not None:
            org = text[x.org_start : x.org_end]
            spans.append(Span("ORG", org, data()["known"].get(org, org), x.org_start, x.org_end))
    names = tuple(sorted({p for p in people if p}))
    if names:
        spans += [Span("PERSON", m.group(), m.group(), m.start(), m.end()) for m in _names_re(names).finditer(text)]
    spans += find_orgs(text, home) + find_places(text, home)
    credits = byline_spans(text)
    kept: list[Span] = []  # persons first, then organisations, then places; no overlaps
    order = {"PERSON": 0, "ORG": 1, "PLACE": 2}
    for s in sorted(spans, key=lambda s: (order[s.label], -(s.end - s.start), s.start)):
        if not any(k.start < s.end and s.start < k.end for k in kept) and not any(
            a < s.end and s.start < b for a, b in credits
        ):
            kept.append(s)
    return sorted(kept, key=lambda s: (s.start, s.end))


@lru_cache(maxsize=64)
def _names_re(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(alternation(names))
