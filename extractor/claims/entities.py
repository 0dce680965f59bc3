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

from extractor.facts.regions import Place, gazetteer, resolve
from extractor.patterns import load

CJK = re.compile(r"[\u4e00-\u9fff]")
_PLACE_LEVELS = {"province", "city", "district", "country", "macro", "national", "self_province",
                 "self_city", "self_county"}
_BOUNDARY = "，,；;。！？!?：:“”\"‘’「」『』‚‛、（）()【】《》 \n"
_CLAUSE_BOUNDARY = "，,；;。！？!?：:“”\"‘’「」『』‚‛\n"


@dataclass(frozen=True)
class Span:
    """An entity found in a string: ``text[start:end]``, normalised ``name``."""

    label: str  # PERSON | ORG | PLACE
    text: str
    name: str
    start: int
    end: int


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


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def load_rules(name: str) -> Any:
    """``patterns/NAME``, parsed and checked once per process (:func:`extractor.patterns.load`)."""
    return load(name)


@cache
def data() -> dict[str, Any]:
    """The compiled rules of ``patterns/entities.yml`` (and the gazetteer's organisations)."""
    raw, places, said = load_rules("entities.yml"), load("places.yml"), load_rules("claims.yml")["attribution"]
    known = {surface: surface for surface in places.get("national_bodies") or {}}
    known.update({k: v or k for k, v in (places.get("organisations") or {}).items()})
    known.update({k: v or k for k, v in (raw.get("known_organisations") or {}).items()})
    suffixes, titles, credits = raw["org_suffixes"], [str(t) for t in raw["titles"]], raw["bylines"]
    return {
        "title_re": re.compile(_alternation(titles)),
        "title_end_re": re.compile(f"(?:{_alternation(titles)})$"),
        "generic": _longest_first(raw["generic_speakers"]),
        "strong_re": re.compile(_alternation(suffixes["strong"])),
        "strong": _longest_first(suffixes["strong"]),
        "weak": _longest_first(suffixes["weak"]),
        "false_friends": _longest_first(suffixes["false_friends"]),
        "not_inside": set(suffixes["not_inside"]),
        "arms": _longest_first(suffixes["regional_arms"]),
        "known": known,
        "known_re": re.compile(_alternation(known)),
        "dept_suffixes": _longest_first(raw["department_suffixes"]),
        "dept_max": int(raw["department_max_chars"]),
        "dept_stop": set(raw["department_stop"]),
        "surnames": set(str(raw["surnames"]).replace(" ", "").replace("\n", "")),
        "compound": set(raw["compound_surnames"]),
        "not_names": set(raw["not_names"]),
        "foreign_re": re.compile(raw["foreign_name"]),
        "credit_res": [re.compile(p) for p in credits["spans"]],
        "credit_quick": re.compile(credits["quick"]),
        "credit_words": tuple(credits["words"]),
        "ruler_patterns": raw["ruler_patterns"],
        "followers": _longest_first(said["name_followers"]),
        "verbs": tuple(f for f in said["name_followers"] if len(f) >= 2),
        "lead_words": re.compile(f"^(?:{_alternation(said['lead_words'])})"),
        "lead_dates": re.compile(said["lead_dates"]),
        "lead_venue": re.compile(said["lead_venue"]),
        "self_prefixes": dict(raw["self_prefixes"]),
        "not_seats": set(raw["not_seats"]),
        "not_places": set(raw["not_places"]),
        "demonstratives": tuple(raw["demonstratives"]),
    }


# -- credits -------------------------------------------------------------------


def byline_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` credits a reporter, photographer or editor (新华社杭州11月25日电（记者张三）,
    本报记者 冯其予, 徐昱 摄, 责任编辑：李昂): no speaker is read there."""
    d = data()
    if not d["credit_quick"].search(text):
        return []
    return sorted((m.start(), m.end()) for r in d["credit_res"] for m in r.finditer(text) if m.end() > m.start())


def is_byline(text: str) -> bool:
    """A line that is nothing but credits."""
    spans = byline_spans(text)
    if not spans:
        return False
    keep = [True] * len(text)
    for a, b in spans:
        keep[a:b] = [False] * (b - a)
    return len(CJK.findall("".join(c for c, k in zip(text, keep, strict=True) if k))) < 2


def has_byline_word(text: str) -> bool:
    return any(w in text for w in data()["credit_words"])


# -- names -----------------------------------------------------------------------


def valid_name(name: str, *, tagged: bool = False) -> bool:
    """A plausible Chinese personal name (surname first; any first character when the
    tagger says it is a name), or a foreign name with a middle dot."""
    d = data()
    if not name or name in d["not_names"] or has_byline_word(name):
        return False
    if d["foreign_re"].fullmatch(name):
        return not any(v in name for v in d["verbs"])
    if not all(CJK.match(c) for c in name):
        return False
    if name[:2] in d["compound"]:
        if not 3 <= len(name) <= 4:
            return False
    elif not (2 <= len(name) <= 3 and (tagged or name[0] in d["surnames"])):
        return False
    # no reporting verb or title inside the name (还表示, 张主任)
    return not any(v in name[1:] for v in d["verbs"]) and not d["title_re"].search(name[1:])


def _follows_name(rest: str) -> bool:
    return not rest or rest[0] in _BOUNDARY or rest[0].isdigit() or rest.startswith(data()["followers"])


def name_at(text: str, pos: int, *, allow_tagger: bool = True) -> str | None:
    """The personal name that starts at ``text[pos]`` (after a title), or None.

    A name is 2–3 characters (3–4 with a compound surname) followed by a word
    that can follow a name (a reporting verb, 也, 在, a comma …); failing that,
    the tagger decides where the name ends.
    """
    d = data()
    m = d["foreign_re"].match(text, pos)
    if m:
        dot = pos + next(i for i, c in enumerate(m.group()) if not CJK.match(c))
        for end in range(dot + 2, m.end() + 1):
            if _follows_name(text[end:]) and valid_name(text[pos:end]):
                return text[pos:end]
    head = text[pos : pos + 2]
    if not head or not CJK.match(head[0]):
        return None
    known_surname = head[0] in d["surnames"] or head in d["compound"]
    if known_surname:
        for n in (3, 4) if head in d["compound"] else (2, 3):
            cand = text[pos : pos + n]
            if len(cand) == n and valid_name(cand) and _follows_name(text[pos + n :]):
                return cand
    if not allow_tagger:
        return None
    if not known_surname and not any(text.startswith(d["verbs"], pos + n) for n in (2, 3)):
        return None  # a rare surname is tried only right before a verb (X表示)
    for span in tag(text[pos : pos + 8]):  # the tagger: where an unknown name ends, rare surnames
        if span.label == "PERSON" and span.start == 0 and valid_name(span.text, tagged=True):
            if known_surname or _follows_name(text[pos + span.end :]):
                return span.text
    return None


# -- organisations -------------------------------------------------------------------


def split_designation(designation: str) -> tuple[str | None, str | None, int | None]:
    """``(organisation, title, org_end)`` of a designation that ends with a title.

    商务部对外贸易司副司长 → (商务部对外贸易司, 副司长); 阿里巴巴集团公共事务总裁 →
    (阿里巴巴集团, 公共事务总裁); 亚马逊全球副总裁、亚马逊全球开店亚太区执行总裁 →
    (亚马逊, 全球副总裁、亚马逊全球开店亚太区执行总裁); 阿斯利康中国总经理 → (阿斯利康中国, 总经理).
    """
    d = data()
    designation = designation.strip()
    first = designation.split("、", 1)[0]
    m = d["title_end_re"].search(first)
    if not m:
        return None, designation or None, None
    rest = first[: m.start()]
    org_end = _org_prefix_end(rest)
    if not org_end and rest:  # 杭州市副市长: the place is the organisation
        places = find_places(rest)
        if places and places[0].start == 0 and places[-1].end == len(rest):
            org_end = len(rest)
    if not org_end:
        return None, designation.lstrip("的") or None, None  # 原副部长: no organisation named
    title = designation[org_end:].lstrip("的") or None
    if rest.startswith(d["demonstratives"]):  # 该公司总经理: no name for the organisation
        return None, title, None
    return rest[:org_end], title, org_end


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


def _extend_department(text: str, end: int) -> int:
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
        end = _extend_department(text, m.end())
        add(m.start(), end, d["known"].get(m.group(), m.group()) if end == m.end() else text[m.start() : end])
    for m in d["strong_re"].finditer(text):
        if any(s.start <= m.start() < s.end for s in out) or text.startswith(d["false_friends"], m.start()):
            continue
        start = _org_start(text, m.start())
        if start is None:
            continue
        surface = name = text[start : m.end()]
        prefix = d["self_prefixes"].get(surface[0]) if start == 0 or text[start - 1] in _BOUNDARY else None
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
        if text[i] in d["self_prefixes"] and (i == 0 or text[i - 1] in _BOUNDARY) and gap_ok(i + 1):
            return i
    return None


def org_speaker(zone: str, home: Any = None) -> Span | None:
    """The organisation at the start of ``zone`` (商务部, 杭州海关), or None."""
    orgs = find_orgs(zone, home)
    return orgs[0] if orgs and orgs[0].start == 0 else None


def generic_speaker(zone: str) -> tuple[str | None, str, int] | None:
    """``(organisation, generic title, end)`` for 商务部有关负责人, 业内人士 …, or None."""
    d = data()
    for g in d["generic"]:
        i = zone.find(g)
        if i < 0:
            continue
        before = zone[:i]
        if not before or _org_prefix_end(before) == len(before):
            return before or None, g, i + len(g)
        return (d["known"][before], g, i + len(g)) if before in d["known"] else None
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
            start = max([designation_start(text, m.start())] + [b for _, b in credits if b <= m.start()])
            start += lead_length(text[start : m.start()])  # past a dateline, then its lead words
            desig = text[start : m.end()]
            if has_byline_word(desig):
                continue
            org, title, org_end = split_designation(desig)
            end = m.end() + len(name)
            out.append(Designation(name, title, org, start, m.end(), end, end, start if org_end else None,
                                   start + org_end if org_end else None))
            continue
        for n in (3, 2, 4):  # NAME + TITLE: 习近平主席
            s = m.start() - n
            cand = text[max(s, 0) : m.start()]
            if s >= 0 and valid_name(cand) and designation_start(text, s) == s and not any(
                x.name_start <= s < x.name_end for x in out
            ):
                out.append(Designation(cand, m.group(), None, s, s, m.start(), m.end()))
                break
    return out


def designation_start(text: str, title_start: int) -> int:
    """Where the designation ending in the title at ``title_start`` begins: the clause start,
    past lead words (据, 在 …), a date, a venue (在…会上) and a leading parenthesis."""
    i = title_start
    while i > 0 and text[i - 1] not in _CLAUSE_BOUNDARY:
        i -= 1
    return i + lead_length(text[i:title_start])


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


# -- the spaCy pipeline ---------------------------------------------------------------


class _JiebaSegmenter:
    """The shared jieba tokenizer (with ``patterns/userdict.txt``) in the shape spaCy calls."""

    def cut(self, text: str, cut_all: bool = False):
        from extractor.facts.segment import jieba_tokenizer

        return jieba_tokenizer().cut(text, cut_all=cut_all)


@cache
def nlp():
    """``spacy.blank("zh")`` segmenting with jieba, plus an EntityRuler (patterns from
    ``patterns/entities.yml``, and the known organisations as phrases).

    The tokenizer is switched to jieba after the blank pipeline is made, with
    the project's shared jieba tokenizer as its segmenter: asking for
    ``segmenter: jieba`` in the config would load a second copy of jieba's
    dictionary, without the domain words.
    """
    import spacy

    pipeline = spacy.blank("zh")
    pipeline.tokenizer.segmenter = "jieba"
    pipeline.tokenizer.jieba_seg = _JiebaSegmenter()
    ruler = pipeline.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(list(data()["ruler_patterns"]) + [{"label": "ORG", "pattern": s} for s in data()["known"]])
    _pos_tokenizer()  # the tags come from jieba's part-of-speech tagger: load it with the pipeline
    return pipeline


@cache
def _pos_tokenizer():
    import jieba.posseg

    from extractor.facts.segment import jieba_tokenizer

    return jieba.posseg.POSTokenizer(jieba_tokenizer())


def tag(text: str) -> list[Span]:
    """Entities the spaCy pipeline finds in ``text``: jieba words tagged with jieba's
    part-of-speech flags, matched by the EntityRuler."""
    if not text.strip():
        return []
    from spacy.tokens import Doc

    pipeline = nlp()
    pairs = [(w, f) for w, f in _pos_tokenizer().lcut(text) if w]
    doc = Doc(pipeline.vocab, words=[w for w, _ in pairs], spaces=[False] * len(pairs), tags=[f for _, f in pairs])
    for _name, proc in pipeline.pipeline:
        doc = proc(doc)
    return [Span(e.label_, e.text, e.text, e.start_char, e.end_char) for e in doc.ents]


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
    return re.compile(_alternation(names))
