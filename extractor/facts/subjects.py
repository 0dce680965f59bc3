"""Who a figure is about when it is not a place: companies, organisations and people.

A company report or a research note is about one company: its title names it
(``东北电气发展股份有限公司``, ``高测股份(688556)``) and its text calls it 公司 or by its
short name (``东北电气``). :func:`report_company` gives that company (the document's
subject, :attr:`~extractor.facts.context.DocContext.subject`) with the forms the text uses;
:func:`find_subjects` finds, in one sentence, the organisations and people a
figure can be about: the report's company and the words that refer back to it,
names ending with an organisation suffix (``同盾科技``, ``龙湖集团``, ``华盛顿大学``),
bodies that stand for a place (``欧洲央行`` → 欧元区) and people after a role word
(``犯罪嫌疑人王某焘``). They are returned as :class:`~extractor.facts.regions.Place`
with level ``org``, ``person`` or ``self_company`` (a 公司 that needs the document to
say which company), so they compete with places for a figure's region.
The word lists are data: ``patterns/subjects.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import chain

from extractor.facts.context import DocContext, coded_names
from extractor.facts.regions import Place
from extractor.facts.segment import pos_tokenizer
from extractor.models import ParsedDocument
from extractor.patterns import alternation, load

_CJK = r"\u4e00-\u9fff"
# characters that end a name when scanning back from its suffix
_STOP = set("的了在和与及或对向为是从把被将给由等该本这那某各每其此我你他她它们之于以及并而且但"
            "一二两三四五六七八九十几多")


@dataclass(frozen=True)
class Company:
    """The company a report is about: its normalised name and the forms the text uses."""

    name: str
    aliases: tuple[str, ...]


@cache
def _data() -> dict:
    raw = load("subjects.yml")

    def alt(words: list[str]) -> str:
        return alternation(sorted(set(words)), longest_first=True)

    alts = alt

    return {
        "legal_re": re.compile(rf"[{_CJK}（）()]{{2,24}}?(?:{alt(raw['legal_suffixes'])})"),
        "legal_suffix_re": re.compile(alt(raw["legal_suffixes"])),
        "legal_suffixes": sorted(raw["legal_suffixes"], key=len, reverse=True),
        "fillers": sorted(raw["legal_name_fillers"], key=len, reverse=True),
        "suffix_re": re.compile(alt(raw["org_suffixes"])),
        "bodies": dict(raw["body_regions"]),
        "bodies_re": re.compile(alt(raw["body_regions"])),
        "self_re": re.compile(alt(raw["self_reference"])),
        "not_self_after": tuple(sorted(raw["not_self_after"], key=len, reverse=True)),
        "roles_re": re.compile(alt(raw["person_roles"])),
        "indefinite_re": re.compile(rf"[一某][家所个]?({alt(raw['indefinite_kinds'])})"),
        "generic_orgs": set(raw["generic_organisations"]),
        "title_short_re": re.compile(rf"^([{_CJK}A-Z]{{2,6}})\s*[:：]\s*(?:{alt(raw['announcement_words'])})"),
        "subsidiary_re": re.compile(rf"(?:{alts(raw['subsidiary_markers'])})[、和及]?$"),
        "legal_lead_re": re.compile(alts(raw["legal_name_lead"])),
        "surnames": set(str(load("entities.yml")["surnames"]).replace(" ", "").replace("\n", "")),
    }


def report_company(doc: ParsedDocument, ctx: DocContext) -> Company | None:
    """The company a report, research note or news story is about, and the forms its text uses.

    The report's subject (``ctx.subject``: a stated short name, a name with its stock code, a
    company document's cover) is its name; else an announcement's title names it
    (``菲达环保：关于…``); else the title or the first line opens with a company's legal name
    (``东北电气发展股份有限公司``), whose short name is the shortest beginning of it the text uses
    on its own (``东北电气``); else a news title names one organisation and no place of China
    (``…狂奔的龙湖集团"暗伤"曝露？``). The legal name and the short name the text uses are
    forms of it as well.
    """
    title, text = doc.title or "", doc.text
    first_line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    full = next((n for n in (_leading_legal_name(src.strip()) for src in (title, first_line)) if n), None)
    m = _data()["title_short_re"].match(title.strip())
    name = ctx.subject or (m.group(1) if m else None)
    if name or full:
        used = _short_name(full, text) if full else None
        return Company(name or used or "", tuple(dict.fromkeys(a for a in (full, name, used) if a)))
    return _title_company(title, text)


def _leading_legal_name(line: str) -> str | None:
    """The legal company name a title or cover line opens with (关于浙江菲达环保科技股份有限公司…)."""
    m = _data()["legal_suffix_re"].search(line[:40])
    if not m:
        return None
    span = _name_before(line, m.start(), m.end(), legal=True)
    if span is None or span[0] > 3:
        return None
    return line[span[0] : span[1]]


def _title_company(title: str, text: str) -> Company | None:
    """The one organisation a news title names, when it names no place of China."""
    from extractor.facts.regions import gazetteer

    found = find_subjects(title)
    orgs = {p.name for p in found if p.level == "org"}
    orgs |= {p.name for p in gazetteer().find(title) if p.level == "org" and p.name == p.surface}
    places = [p for p in gazetteer().find(title) if p.level in ("province", "city", "district")]
    if len(orgs) != 1 or places:
        return None
    name = orgs.pop()
    short = d_short if (d_short := _suffixless(name)) and re.search(rf"{re.escape(d_short)}(?![{_CJK}]{{0,0}}集团)",
                                                                 text.replace(name, "")) else None
    return Company(name, tuple(dict.fromkeys(a for a in (name, short) if a)))


def _suffixless(name: str) -> str | None:
    """龙湖集团 → 龙湖 (a name of 2+ characters before an organisation suffix)."""
    m = _data()["suffix_re"].search(name)
    return name[: m.start()] if m and m.end() == len(name) and m.start() >= 2 else None


def is_subsidiary(text: str, pos: int) -> bool:
    """Whether the organisation at ``text[pos]`` is named as a subsidiary (公司下属全资子公司X)."""
    return bool(_data()["subsidiary_re"].search(text[max(0, pos - 4) : pos]))


def _legal_stem(full: str) -> str:
    """A legal name without its legal form and bracketed seat (新东北电气（锦州）电力电容器有限公司
    → 新东北电气电力电容器)."""
    stem = full
    for suffix in _data()["legal_suffixes"]:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return re.sub(r"[（(][^）)]*[)）]", "", stem) or full


def _short_name(full: str, text: str) -> str:
    """The short name a text uses for a company it names in full."""
    d = _data()
    stem = _legal_stem(full)
    rest = text.replace(full, "")
    for n in range(2, len(stem) + 1):
        if n >= 4 and stem[:n] in rest:  # the shortest beginning of 4+ characters used on its own
            return stem[:n]
    for filler in d["fillers"]:
        if stem.endswith(filler) and len(stem) - len(filler) >= 2:
            return stem[: -len(filler)]
    return stem or full


def find_subjects(text: str, company: Company | None = None, following: str = "") -> list[Place]:
    """Organisations and people named in ``text`` that a figure can be about, left to right.

    An organisation named without its name (一大学, 某银行) is the first one of its kind
    named in ``following`` (the text after ``text``), when there is one. Where two readings
    overlap the first found wins: the report's company, bodies of a place, legal names,
    suffixed names, people, indefinite organisations, then 公司 and the like.
    """
    out: list[Place] = []
    for p in chain(_company_names(text, company), _coded(text), _named_orgs(text), _people(text),
                   _indefinite(text, company, following), _self_references(text, company)):
        if not any(o.start < p.end and p.start < o.end for o in out):
            out.append(p)
    out.sort(key=lambda p: p.start)
    return out


def _company_names(text: str, company: Company | None) -> Iterator[Place]:
    for alias in sorted(company.aliases, key=len, reverse=True) if company else ():
        for m in re.finditer(re.escape(alias), text):
            if not text[m.start() - 1 : m.start()] == "新":  # 新东北电气 is another company
                yield Place(m.group(), company.name, "org", None, m.start(), m.end())  # type: ignore[union-attr]


def _coded(text: str) -> Iterator[Place]:
    """Companies written with their stock code (公告称宁德时代（300750）…): the words before the code
    while they look like a name (proper nouns, nouns, single characters), at least two characters."""
    for a, b in coded_names(text):
        words = list(pos_tokenizer().cut(text[a:b], HMM=False))
        start = b
        for w in reversed(words):
            single = len(w.word) == 1 and w.flag not in ("v", "p", "c", "d", "r", "m", "q", "f")
            if not (w.flag.startswith(_NAME_FLAGS) or w.flag in ("n", "a") or single) or any(c in _STOP for c in w.word):
                break
            start -= len(w.word)
        if b - start >= 2:
            yield Place(text[start:b], text[start:b], "org", None, start, b)


def _named_orgs(text: str) -> Iterator[Place]:
    """Bodies that stand for a place (美联储), legal names (…有限公司), suffixed names (龙湖集团)."""
    d = _data()
    for m in d["bodies_re"].finditer(text):
        yield Place(m.group(), d["bodies"][m.group()], "body", None, m.start(), m.end())
    for m in d["legal_suffix_re"].finditer(text):
        name = _name_before(text, m.start(), m.end(), legal=True)
        if name:
            full = text[name[0] : m.end()]
            yield Place(full, _legal_stem(full), "org", None, name[0], m.end())
    for m in d["suffix_re"].finditer(text):
        name = _name_before(text, m.start(), m.end())
        if name:
            yield Place(text[name[0] : m.end()], text[name[0] : m.end()], "org", None, name[0], m.end())


def _people(text: str) -> Iterator[Place]:
    for m in _data()["roles_re"].finditer(text):
        person = _person_after(text, m.end())
        if person:
            yield Place(person, person, "person", None, m.end(), m.end() + len(person))


def _indefinite(text: str, company: Company | None, following: str) -> Iterator[Place]:
    for m in _data()["indefinite_re"].finditer(text):
        named = [p for p in find_subjects(following, company) if p.level == "org" and p.name.endswith(m.group(1))]
        if named:
            yield Place(m.group(), named[0].name, "org", None, m.start(), m.end())


def _self_references(text: str, company: Company | None) -> Iterator[Place]:
    for m in _data()["self_re"].finditer(text):
        # outside a company's own report a bare 公司 is any company (上市公司的附属分公司, ST公司)
        if (company or m.group() != "公司") and _is_self_reference(text, m.start(), m.group()):
            yield Place(m.group(), company.name if company else "", "self_company", None, m.start(), m.end())


def _is_self_reference(text: str, start: int, word: str) -> bool:
    """公司 alone (or 本公司, 该公司), not the end of 子公司, 上市公司, 数据公司."""
    if word != "公司":
        return True
    before = text[max(0, start - 4) : start]
    if before.endswith(_data()["not_self_after"]):
        return False
    # 一家公司, 两家公司: a company, not this one
    return not re.search(r"[一二两三几多各每某\d][家个]$", before)


_NAME_FLAGS = ("nr", "ns", "nz", "nt", "j", "eng")


def _name_before(text: str, start: int, end: int, legal: bool = False) -> tuple[int, int] | None:
    """Where the organisation whose suffix is ``text[start:end]`` begins, or None.

    jieba's words before the suffix are taken back while they look like a name: single
    characters (同盾, 魔蝎) and proper nouns (龙湖, 新颜); a suffix jieba reads as one word
    with its name counts when the word is an organisation or a proper noun (华盛顿大学),
    not a common noun (金融科技). A legal name (…有限公司) may hold any words up to a
    function word, a verb or another company.
    """
    lo = max(0, start - (16 if legal else 6))
    spans, pos = [], 0
    for w in pos_tokenizer().cut(text[lo : end + 3], HMM=False):
        spans.append((pos, pos + len(w.word), w.word, w.flag))
        pos += len(w.word)
    s_rel = start - lo
    holder = next(t for t in spans if t[1] > s_rel)
    following = next((t for t in spans if t[0] == end - lo), None)
    if holder[1] > end - lo or (not legal and following and following[3] == "nt"):
        return None  # the suffix starts a longer word or name: 集团化, 北京证券|交易所
    name_start = None
    if holder[0] < s_rel:  # the suffix is the end of a longer word
        if not legal:
            word_ok = holder[3] == "nt" and s_rel - holder[0] >= 2 and holder[2] not in _data()["generic_orgs"]
            return (lo + holder[0], end) if word_ok else None  # 华盛顿大学, not 网上银行 (a service)
        name_start = s_rel = holder[0]  # 科技股份|有限公司: the name goes on before the word
    before = [t for t in spans if t[1] <= s_rel]
    i = len(before)
    while i > 0:
        i -= 1
        a, _, w, f = before[i]
        if legal and w in "）)" and i >= 2 and before[i - 2][2] in "（(" and len(before[i - 1][2]) <= 4:
            i -= 2  # 新东北电气（沈阳）高压开关有限责任公司: a seat in brackets inside the name
            continue
        if any(c in _STOP for c in w) or not re.fullmatch(rf"[{_CJK}A-Za-z]+", w):
            break
        if legal:
            if f == "m" or w.endswith("公司"):
                break
            # a verb that governs the name (起诉东北电气…): the name starts at the place after it
            if f == "v" and i + 1 < len(before) and before[i + 1][3] == "ns":
                break
        elif not (len(w) == 1 or f.startswith(_NAME_FLAGS)) or s_rel - a > 4:
            break
        name_start = a
    if name_start is None or start - lo - name_start < 2:
        return None
    lead = _data()["legal_lead_re"].match(text[lo + name_start : start])
    if lead and legal:
        name_start += lead.end()  # 根据博文房地产评估造价集团有限公司…: the preposition is no part of the name
    return lo + name_start, end


def _person_after(text: str, pos: int) -> str | None:
    """A personal name right after a role word: 王某焘, 张三 (jieba's name tag or a surname)."""
    window = text[pos : pos + 6]
    if not window:
        return None
    m = re.match(rf"([{_CJK}])某[{_CJK}]?", window)
    if m and m.group(1) in _data()["surnames"]:
        tokens = list(pos_tokenizer().cut(window, HMM=True))
        first = tokens[0].word if tokens else ""
        return first if first.startswith(m.group()[:2]) and 2 <= len(first) <= 3 else m.group()[:2]
    tokens = list(pos_tokenizer().cut(window, HMM=True))
    if tokens and tokens[0].flag.startswith("nr") and 2 <= len(tokens[0].word) <= 4:
        return tokens[0].word
    return None
