"""Reading an article to verify: its figures, and what each one is about.

The article is parsed like any document (HTML, Markdown with front matter, text
or PDF) and its figures read with the sources' own grammar
(:mod:`extractor.facts.sentence`), so dates, ordinals, list and meeting numbers
are left out as they are in sources. Each :class:`ArticleFigure` adds what
matching needs beyond the fact's attributes, which may be wrong:

* ``names``: metric phrases to compare — the fact's metric and the clause before
  the figure; a clause that only compares (上年同期为…, 较上年末增长…) measures
  what the sentence named before it;
* ``period`` with the article's own date: a bare 第四季度 or 上半年 that had not
  ended by that date is last year's (an article of March 2024 on 第四季度 means
  2023-Q4); figures listed after a span of years take one year each;
  ``period_stated`` says whether the period can be trusted (:func:`period_is_sure`,
  used for sources too: a period carried from a date, from the base of a
  comparison or past a time word nobody can place is a guess);
* ``subjects``: the companies and places the figure's clause (``own``) or the
  article's opening names, for matching a source document about the same company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from extractor.checks.figures import Fig, add_context, fig_from_row, norm_region
from extractor.errors import DocumentTooLarge, InvalidDate
from extractor.models import Fact, ParsedDocument
from extractor.patterns import load
from extractor.settings import SETTINGS

#: The largest article verified at once: its file or form (HTML with its page furniture) and its text.
MAX_ARTICLE_BYTES = SETTINGS.verify.max_article_bytes
MAX_ARTICLE_CHARS = SETTINGS.verify.max_article_chars

_CLAUSE = re.compile(r"[，,；;：:。！!？?\n]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,16}")


@cache
def rules() -> dict:
    return load("verify.yml")


@cache
def _period_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The relative period words of ``periods.yml`` (今年, 上半年, 第四季度 …) and those
    of them that name a whole year (今年, 去年, 当年 …)."""
    relative = load("periods.yml")["relative"]
    years = tuple(w for w, template in relative.items() if re.fullmatch(r"\{Y[^}]*\}", template))
    return tuple(relative), years


@cache
def _base_words() -> tuple[str, ...]:
    """Words making the time word after them the base of a comparison: ``base_markers`` of
    ``periods.yml`` and ``base_before`` of ``verify.yml``."""
    return tuple(dict.fromkeys([*load("periods.yml")["base_markers"], *(rules().get("base_before") or ())]))


# -- reading the article ------------------------------------------------------------


def article_date(value: str | None) -> str | None:
    """The ISO date of a date given for an article (2024-05-01, 2024/5/1, 2024年5月1日 …);
    raises :class:`~extractor.errors.InvalidDate` with what to write instead."""
    from extractor.parse.normalize import normalize_date

    if value is None or not str(value).strip():
        return None
    iso = normalize_date(str(value))
    if iso is None:
        raise InvalidDate(f"the date {str(value)[:40]!r} is not a date: write it as 2024-05-01")
    return iso


def _too_large(size: int, what: str) -> DocumentTooLarge:
    return DocumentTooLarge(f"the article has {size:,} {what}; at most {MAX_ARTICLE_BYTES >> 20} MB and "
                            f"{MAX_ARTICLE_CHARS:,} characters of text are verified at once: verify it in parts")


def parse_article(data: bytes, name: str = "article.txt", *, date: str | None = None,
                  plain: bool = False) -> ParsedDocument:
    """An article from its bytes: HTML, Markdown (with front matter) or text.

    ``plain`` reads it as text whatever it looks like (what a user pasted),
    taking only the metadata of a front-matter block. ``date`` (any usual
    format) overrides the article's own date. Raises DocumentTooLarge over
    :data:`MAX_ARTICLE_BYTES`, InvalidDate for a date that is none.
    """
    from extractor.parse import sniff_kind
    from extractor.parse.html import parse_html
    from extractor.parse.markdown import parse_markdown, split_front_matter
    from extractor.parse.normalize import normalize_date
    from extractor.parse.text import decode_text, parse_text

    if len(data) > MAX_ARTICLE_BYTES:
        raise _too_large(len(data), "bytes")
    date = article_date(date)
    suffix = Path(name).suffix.lower()
    if plain:
        meta, body = split_front_matter(decode_text(data))
        doc = parse_text(Path(name), body.encode("utf-8"))
        title = meta.get("title")
        doc.title = str(title) if title else None
        doc.published = next((d for k in ("date", "published", "pubdate") if (d := normalize_date(meta.get(k)))), None)
    else:
        kind = sniff_kind(data, suffix)
        if kind == "pdf":
            raise ValueError("a PDF article must be read from a file: use parse_article_file")
        parser = {"html": parse_html, "markdown": parse_markdown}.get(kind, parse_text)
        doc = parser(Path(name), data)
    return prepare(doc, date)


def parse_article_file(path: Path, *, date: str | None = None) -> ParsedDocument:
    """An article from a file of any supported type (PDF too), at most :data:`MAX_ARTICLE_BYTES`."""
    from extractor.parse import parse_file

    date = article_date(date)
    size = Path(path).stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise _too_large(size, "bytes")
    return prepare(parse_file(Path(path)), date)


def prepare(doc: ParsedDocument, date: str | None) -> ParsedDocument:
    """Apply the given date (ISO, see :func:`article_date`); put the title in the text as ingest
    does. Raises DocumentTooLarge for an article of more than :data:`MAX_ARTICLE_CHARS` characters."""
    chars = sum(len(p.text) for p in doc.pages)
    if chars > MAX_ARTICLE_CHARS:
        raise _too_large(chars, "characters")
    if date:
        doc.published = date
    if doc.title and doc.pages and doc.doc_type != "pdf" and doc.title not in doc.pages[0].text[:500]:
        doc.pages[0].text = doc.title + "\n" + doc.pages[0].text
    return doc


# -- what a figure is about ---------------------------------------------------------------


@dataclass
class ArticleFigure:
    """One figure of the article with what matching it to a source needs."""

    n: int  # 1-based position in the article
    fig: Fig
    fact: Fact
    page_index: int
    start: int | None  # offsets of the quote in its page's text
    end: int | None
    names: list[tuple[str, float]] = field(default_factory=list)  # (metric phrase, weight)
    period: str | None = None
    period_stated: bool = False  # its period can be trusted (see period_is_sure)
    subjects: tuple[str, ...] = ()  # companies and places it is about (its own, then the article's)
    own: tuple[str, ...] = ()  # those its own clause or sentence names
    named: tuple[str, ...] = ()  # a name its sentence or the article opens with (星河电子去年…): evidence only
    loss: bool = False  # a positive value worded as a loss or fall: 亏损464.9万元, 降幅16%

    @property
    def metric(self) -> str | None:
        return self.names[0][0] if self.names else self.fig.metric


def clause_before(sentence: str, offset: int) -> str:
    """The words of the figure's clause before it (other figures blanked out)."""
    from extractor.facts.numbers import find_numbers

    pre = sentence[:offset]
    cut = max((m.end() for m in _CLAUSE.finditer(pre)), default=0)
    clause = pre[cut:]
    for m in reversed(find_numbers(clause)):
        clause = clause[: m.start] + " " + clause[m.end :]
    return clause.strip()


def compares_only(clause: str) -> bool:
    """Whether a clause only compares (上年同期为, 较上年末增长, 低于第三季度的): once its
    comparison word, periods and figures are gone, it names no measure."""
    from extractor.checks.metrics import terms
    from extractor.facts.numbers import find_numbers

    c = clause
    for m in reversed(find_numbers(c)):
        c = c[: m.start] + " " + c[m.end :]
    c = c.strip(" ，,；;：:的")
    for w in sorted(rules().get("comparison_starts") or (), key=len, reverse=True):
        if c.startswith(w):
            c = c[len(w) :]
            break
    return not terms(c)


def _compares(clause: str) -> bool:
    starts = rules().get("comparison_starts") or ()
    return any(clause.strip(" ，,；;：:").startswith(w) for w in starts)


def coordinated(clause: str) -> list[str]:
    """The parts of a clause that joins metrics (资产报酬率和投入资本回报率均下滑,
    江苏省出口额与浙江省极为接近): each may be what the figure measures."""
    from extractor.checks.metrics import terms

    joiners = rules().get("coordinators") or ()
    if not joiners:
        return []
    parts = re.split("|".join(map(re.escape, sorted(joiners, key=len, reverse=True))), clause)
    return [p for p in parts if len(parts) > 1 and terms(p)]


@lru_cache(maxsize=50_000)
def local_names(sentence: str, offset: int, metric: str | None) -> list[tuple[str, float]]:
    """Metric phrases for a figure at ``offset`` in ``sentence``, weighted: its own
    metric and clause, the clause's last two words (Chinese puts the head of a
    phrase last: 券商预计今年净利润), and — when the clause compares (上年同期为…,
    较上年末增长…) — the nearest clause before that names something (0.9)."""
    from extractor.checks.metrics import terms

    out: list[tuple[str, float]] = []
    clause = clause_before(sentence, offset)
    if metric and not compares_only(metric):
        out.append((metric, 1.0))
    if clause and not compares_only(clause):
        out.append((clause, 1.0))
        words = terms(clause)
        if len(words) > 2:  # the head of the phrase, right before the figure, says most
            out.append((" ".join(words[-2:]), 0.9))
        out += [(part, 0.9) for part in coordinated(clause)]
    if not out or not clause or _compares(clause):
        pre = sentence[:offset]
        for m in reversed(list(_CLAUSE.finditer(pre))):
            earlier = clause_before(sentence, m.start())
            if earlier and not compares_only(earlier):
                out.append((earlier, 0.9))
                break
    if not out and metric:
        out.append((metric, 0.5))
    return out


@cache
def _company_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], tuple[str, ...]]:
    r = rules()
    suffixes = r.get("company_suffixes") or {}
    legal = sorted(suffixes.get("legal") or (), key=len, reverse=True)
    short = sorted(suffixes.get("short") or (), key=len, reverse=True)
    coded = re.compile(r"([\u4e00-\u9fff]{2,16})\s*" + r["securities_code"])
    legal_re = re.compile(r"([\u4e00-\u9fff]{2,16}?)(" + "|".join(map(re.escape, legal)) + ")")
    short_re = re.compile(r"(?:^|(?<=[\s，,；;。：:“”、（）()]))([\u4e00-\u9fff]{2,6}?)(" + "|".join(map(re.escape, short)) + ")")
    return coded, legal_re, short_re, tuple(legal + short)


@lru_cache(maxsize=20_000)
def companies(text: str) -> tuple[str, ...]:
    """Company names in ``text`` (see ``company_suffixes`` in ``patterns/verify.yml``),
    each with its short forms: 东北电气发展股份有限公司, 东北电气发展, 东北电气."""
    coded, legal_re, short_re, suffixes = _company_patterns()
    found = [m.group(1) for m in coded.finditer(text)]
    found += [m.group(1) + m.group(2) for m in legal_re.finditer(text)]
    found += [m.group(1) + m.group(2) for m in short_re.finditer(text)]
    names: list[str] = []
    for name in found:
        base = next((name[: -len(s)] for s in suffixes if name.endswith(s) and len(name) - len(s) >= 2), name)
        names += [name, base] + ([base[:4]] if len(base) > 4 else [])
    return tuple(dict.fromkeys(n for n in names if len(n) >= 2))


@cache
def _leading_re() -> re.Pattern[str]:
    ends = sorted({*_period_words()[0], *(rules().get("subject_ends") or ())}, key=len, reverse=True)
    return re.compile(r"([\u4e00-\u9fff]{2,8}?)(?=\d|" + "|".join(map(re.escape, ends)) + ")")


def leading_name(sentence: str) -> str | None:
    """The name a sentence opens with, before its first time word or figure
    (星河电子去年…): perhaps a company no list knows."""
    from extractor.facts.periods import find_periods

    text = sentence.lstrip(" 　\n")
    m = _leading_re().match(text)
    if not m or any(m.group(1).startswith(w) for w in rules().get("subject_not_starts") or ()):
        return None
    return None if find_periods(m.group(1), 2000) else m.group(1)


@lru_cache(maxsize=20_000)
def subjects_in(text: str) -> tuple[str, ...]:
    """Companies and places (normalised) named in ``text``."""
    from extractor.facts.regions import gazetteer

    places = [norm_region(p.name) or p.name for p in gazetteer().find(text)
              if p.level not in ("national",) and not p.level.startswith("self_")]
    return tuple(dict.fromkeys([*companies(text), *places]))


@lru_cache(maxsize=50_000)
def stated_period(sentence: str, offset: int, ref_year: int | None) -> str | None:
    """How the period of the figure at ``offset`` is written: ``explicit`` (a year) or
    ``relative`` (今年, 上年同期) in its own clause, or in a time adverbial opening the
    sentence (去年，…; 今年上半年，…); None when it is carried from elsewhere."""
    from extractor.facts.periods import find_periods

    pre = sentence[:offset]
    cut = max((m.end() for m in _CLAUSE.finditer(pre)), default=0)
    refs = find_periods(pre, ref_year)
    if not refs:
        return None
    own = [p for p in refs if p.start >= cut]
    first = refs[0]
    opens = pre.lstrip(rules().get("period_lead_chars") or "").startswith(pre[first.start : first.end])
    chosen = own or ([first] if opens and len(refs) == 1 else [])
    if not chosen:
        return None
    return "explicit" if any(p.kind in ("explicit", "span", "base") for p in chosen) else "relative"


@cache
def _unread_re() -> re.Pattern[str]:
    words = rules().get("unread_periods") or []
    return re.compile("|".join(words)) if words else re.compile(r"(?!)")


def _aside(pre: str, start: int, end: int) -> bool:
    """Whether the time word ``pre[start:end]`` dates an event (2017年7月7日) or is the
    base of a comparison (由去年同期的…, 与去年持平) rather than a figure's period."""
    said = pre[start:end]
    if re.search(r"\d\s*[日号]$", said) or re.match(r"\s*\d{1,2}\s*[日号]", pre[end:]):
        return True
    return any(pre[:start].rstrip().endswith(w) for w in _base_words())


def period_is_sure(sentence: str, offset: int, ref_year: int | None, *, dated: bool | str,
                   earlier: tuple[str, ...] = (), period: str | None = None) -> bool:
    """Whether a figure's period can be trusted: written as a year where it is, as a
    relative word (今年) in a ``dated`` text, or carried in a dated text into a
    sentence whose time words are all figures' periods and readable — not a date,
    not the base of a comparison, not a word the reader can't place (那一年,
    22年1季度) in it or in the ``earlier`` sentences (nearest first) back to the
    one it was carried from, which must name that ``period`` (with none there, the
    period must be that of the text's date, when ``dated`` gives it: 2020-07-04)."""
    from extractor.facts.periods import find_periods

    said = stated_period(sentence, offset, ref_year)
    if said == "explicit":
        return True
    if said == "relative":
        return bool(dated)
    pre = sentence[:offset]
    if not dated or _unread_re().search(pre):
        return False  # in an undated text a carried period may come from a 今年 resolved by guess
    if any(_aside(pre, p.start, p.end) for p in find_periods(pre, ref_year or 2000)):
        return False
    for text in earlier:
        if _unread_re().search(text):
            return False
        refs = [p for p in find_periods(text, ref_year or 2000) if not _aside(text, p.start, p.end)]
        if refs:
            return period is None or any(p.period == period for p in refs)
    if period and isinstance(dated, str):
        return dated.startswith(period) or period == dated[:4]
    return True  # a period carried in an undated text may come from a 今年 resolved by guess


def nearest_subjects(sentence: str, offset: int) -> tuple[str, ...]:
    """The subjects a figure at ``offset`` is about: those its clause names, else those
    named before it in the sentence (the nearest first), else any in the sentence."""
    clause = clause_before(sentence, offset)
    found = subjects_in(clause) if clause else ()
    if not found:
        found = tuple(reversed(subjects_in(sentence[:offset])))
    return found or subjects_in(sentence)


def _period_end(period: str) -> str | None:
    """The last month of a period as YYYY-MM (2023-Q4 → 2023-12, 2020-H1 → 2020-06)."""
    m = re.fullmatch(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?(?:/(\d{4})(?:-(\d{2}))?)?", period or "")
    if not m:
        return None
    if m.group(3):
        return f"{m.group(3)}-{m.group(4) or '12'}"
    year, sub = m.group(1), m.group(2)
    if not sub:
        return f"{year}-12"
    if sub[0] == "H":
        return f"{year}-{6 * int(sub[1]):02d}"
    if sub[0] == "Q":
        return f"{year}-{3 * int(sub[1]):02d}"
    return f"{year}-{sub}"


def ended_period(period: str | None, clause: str, modality: str, date: str | None) -> str | None:
    """An actual figure's bare quarter or half (第四季度, 上半年) that had not ended by the
    article's ``date`` is the same period a year earlier."""
    from extractor.facts.periods import find_periods, shift_year

    if not period or not date or modality != "actual" or not re.match(r"\d{4}-\d{2}", date):
        return period
    end = _period_end(period)
    if end is None or end <= date[:7]:
        return period
    refs = find_periods(clause, int(date[:4]))
    prefixes = _period_words()[1]
    bare = [p for p in refs if p.kind == "relative" and p.period == period
            and not any(clause[p.start : p.end].startswith(w) or clause[: p.start].endswith(w) for w in prefixes)]
    return shift_year(period, -1) if bare else period


def spread_span(figures: list[ArticleFigure]) -> None:
    """Figures listed after a span of years, one per year (2022年至2024年…分别为4.7亿元、
    7.2亿元和9.3亿元): each is its own year's."""
    from extractor.facts.periods import find_periods

    by_sentence: dict[tuple[int, int | None], list[ArticleFigure]] = {}
    for a in figures:
        by_sentence.setdefault((a.page_index, a.fact.sentence_index), []).append(a)
    for group in by_sentence.values():
        sentence = group[0].fact.sentence
        for span in (p for p in find_periods(sentence, None) if p.kind == "span"):
            lo, hi = (int(y) for y in span.period.split("/"))
            by_unit: dict[str | None, list[ArticleFigure]] = {}
            for a in group:
                if a.fig.offset >= span.end:
                    by_unit.setdefault(a.fig.unit_norm, []).append(a)
            for listed in by_unit.values():  # 4.7亿元、7.2亿元和9.3亿元 … 30倍、20倍和15倍
                if len(listed) == hi - lo + 1 > 1:
                    for k, a in enumerate(listed):
                        a.period = a.fig.period = str(lo + k)


def article_figures(doc: ParsedDocument) -> list[ArticleFigure]:
    """The article's figures in reading order, each with its names, period and subjects."""
    from extractor.facts.segment import sentences as split
    from extractor.facts.sentence import extract_facts

    sents = split(doc.pages)
    starts = {s.index: s.char_start for s in sents}
    facts = extract_facts(doc, sents)
    figs = []
    for i, f in enumerate(facts):
        row = f.model_dump()
        row.update(id=-(i + 1), doc_id=None, sent_idx=f.sentence_index, s_start=None if f.sentence_index is None else starts.get(f.sentence_index))
        figs.append(fig_from_row(row))
    add_context(figs)
    opening = "\n".join(filter(None, [doc.title, *(s.text for s in sents[:2])]))
    leading = [n for n in (leading_name(t) for t in filter(None, [doc.title, *(s.text for s in sents[:2])])) if n]
    lead_subjects = subjects_in(opening)
    shifted: dict[str, str | None] = {}  # 2024-Q4 → 2023-Q4 once a bare 第四季度 is read so
    ref_year = int(doc.published[:4]) if doc.published and doc.published[:4].isdigit() else None
    by_index = {s.index: s.text for s in sents}
    out: list[ArticleFigure] = []
    for i, (g, f) in enumerate(zip(figs, facts, strict=True), 1):
        from extractor.facts.synonyms import says_decline, says_loss

        sentence = f.sentence
        offset = g.offset
        clause = clause_before(sentence, offset)
        names = list(local_names(sentence, offset, f.metric))
        if g.context and all(n != g.context for n, _ in names):
            names.append((g.context, 0.9))
        if all(w < 0.9 for _, w in names) and out and out[-1].fact.page == f.page \
                and (f.sentence_index or 0) - (out[-1].fact.sentence_index or 0) <= 2:
            # 宁波32.78亿元；衢州规模仅0.46亿元: an unnamed figure measures what the one before it does
            names += [(n, w * 0.9) for n, w in out[-1].names]
        own = nearest_subjects(sentence, offset)
        # a name the sentence opens with is evidence where a source names it too, never a conflict
        named = tuple(n for n in [leading_name(sentence), *leading] if n)
        k = f.sentence_index or 0
        earlier = tuple(by_index.get(j, "") for j in range(k - 1, max(k - 6, -1), -1))
        stated = period_is_sure(sentence, offset, ref_year, dated=ref_year is not None, earlier=earlier,
                                period=f.period)
        period = ended_period(f.period, sentence[: offset + len(f.quote)], f.modality, doc.published)
        if period != f.period and f.period:
            shifted[f.period] = period
        elif f.period in shifted and stated_period(sentence, offset, ref_year) is None:
            period = shifted[f.period]  # carried from the 第四季度 read so
        page_index = next((k for k, p in enumerate(doc.pages) if p.number == f.page), 0)
        out.append(ArticleFigure(
            n=i, fig=g, fact=f, page_index=page_index, start=f.char_start, end=f.char_end, names=names,
            period=period, period_stated=stated, subjects=tuple(dict.fromkeys([*own, *lead_subjects])),
            own=own, named=named,
            loss=(g.v or 0) > 0 and (says_loss(clause) or g.kind in ("growth", "pp_change") and says_decline(clause)),
        ))
        g.period = period
    spread_span(out)
    return out
