"""News HTML → :class:`ParsedDocument`: decoding, article extraction, tables, metadata.

The article is found by content density, not by per-site rules: every block of
text is scored by its length and Chinese punctuation, the score flows to the
enclosing containers (readability-style), link-heavy and boilerplate-named
containers are penalised, and the best container (with its qualifying siblings)
is the article. Inside it, link lists, share/QR/related blocks and editor,
source and copyright lines are dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree

from extractor.errors import EmptyDocument
from extractor.models import Page, ParsedDocument, Table
from extractor.parse.encoding import decode_html
from extractor.parse.html_lines import (
    INLINE_JUNK_RE,
    RELATED_HEAD_RE,
    SENTENCE_END,
    compact,
    is_boilerplate,
    is_meta_line,
)
from extractor.parse.html_meta import (
    AUTHOR_KEYS,
    AUTHOR_RE,
    PUBLISHER_KEYS,
    SOURCE_RE,
    first_meta,
    meta_date,
    page_meta,
    pick_title,
    strip_site_suffix,
)
from extractor.parse.html_tables import build_table
from extractor.parse.normalize import find_date, normalize_text
from extractor.patterns import load
from extractor.settings import SETTINGS

__all__ = ["Article", "decode_html", "extract_article", "parse_html", "strip_site_suffix"]

# ---------------------------------------------------------------------------
# tree, classes, segments

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
              "applet", "canvas", "svg", "math", "video", "audio", "map", "select", "textarea", "button",
              "input", "head", "link", "meta", "nav", "aside", "footer", "img", "picture", "source")
# Inline elements whose edges are marked in a segment's ``raw`` text (fields for bylines).
_INLINE_MARK = frozenset("a span em i b strong font cite label time".split())
_MARK = "\x00"  # never in the parsed text (NULs are stripped before parsing), not white space
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section "
    "summary table tbody thead tfoot td th tr ul caption".split()
)
# Blocks that score themselves (their own text is a paragraph run); others pass to the parent.
_CONTAINER_TAGS = frozenset("div section article main td body form center blockquote".split())
_TAG_BONUS = {"article": 10, "div": 5, "section": 3, "td": 3, "blockquote": 3, "pre": 3, "form": -3,
              "ol": -3, "ul": -3, "dl": -3, "dd": -3, "dt": -3, "li": -3, "h1": -5, "h2": -5, "th": -5}


def _words(alternation: str) -> re.Pattern[str]:
    """Match any of the words as a whole token of a lower-cased class/id string."""
    return re.compile(rf"(?:^|[^a-z])(?:{alternation})(?=$|[^a-z])")


_CLASSES = load("parse.yml")["html"]["classes"]
_POSITIVE_RE = _words(_CLASSES["content"])
# Page furniture (patterns/parse.yml: html.classes).
_FURNITURE = _CLASSES["furniture"]
_UNLIKELY_RE = _words(_FURNITURE)
_NEGATIVE_RE = _words(_FURNITURE + "|" + _CLASSES["negative"])
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WS_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"[，。；：！？、,;]")
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_MIN_PARA = SETTINGS.segment.min_html_paragraph


def _class_weight(el: etree._Element) -> int:
    """+1 per positive and -1 per negative class/id, readability-style."""
    weight = 0
    for attr in ("class", "id"):
        value = el.get(attr)
        if value:
            value = _CAMEL_RE.sub("-", value).lower()
            weight += bool(_POSITIVE_RE.search(value)) - bool(_NEGATIVE_RE.search(value))
    return weight


def _is_unlikely(el: etree._Element) -> bool:
    """Named like page furniture (header, footer, comments, sidebar…) and not like content."""
    value = _CAMEL_RE.sub("-", f"{el.get('class', '')} {el.get('id', '')}").lower()
    return (
        _UNLIKELY_RE.search(value) is not None
        and _POSITIVE_RE.search(value) is None
        and el.tag not in ("body", "html", "a")
        and len(el.findall(".//p")) < 5
    )


def _nchars(s: str) -> int:
    return len("".join(s.split()))


@dataclass(eq=False)
class _Seg:
    """A run of text between block boundaries, or a data table."""

    owner: etree._Element
    text: str
    links: int
    n: int
    table: etree._Element | None = None
    raw: str = ""  # text with _MARK at inline element boundaries
    chain: list[etree._Element] = field(default_factory=list)
    unlikely: bool = False


class _Walker:
    """Splits a tree into segments at block boundaries and <br>, counting link text."""

    def __init__(self, data_tables: set[etree._Element]):
        self.data_tables = data_tables
        self.segs: list[_Seg] = []
        self.buf: list[str] = []
        self.links = 0
        self.link_depth = 0
        self.owners: list[etree._Element] = []

    def add(self, s: str | None) -> None:
        if s:
            self.buf.append(s)
            if self.link_depth:
                self.links += _nchars(s)

    def flush(self) -> None:
        if self.buf:
            raw = _WS_RE.sub(" ", "".join(self.buf)).strip()
            text = raw.replace(_MARK, "").strip()
            if text:
                n = _nchars(text)
                self.segs.append(_Seg(self.owners[-1], text, min(self.links, n), n, raw=raw))
            self.buf.clear()
        self.links = 0

    def walk(self, root: etree._Element) -> list[_Seg]:
        self.owners = [root]
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            tag = el.tag if isinstance(el.tag, str) else ""
            if event == "start":
                if el in self.data_tables:
                    self.flush()
                    text = _WS_RE.sub(" ", el.text_content()).strip()
                    self.segs.append(_Seg(self.owners[-1], text, 0, _nchars(text), table=el))
                    walker.skip_subtree()
                    continue
                if tag in _BLOCK_TAGS or tag == "br":
                    self.flush()
                    if tag != "br":
                        self.owners.append(el)
                if tag == "a":
                    self.link_depth += 1
                if tag in _INLINE_MARK:
                    self.buf.append(_MARK)
                self.add(el.text)
            else:
                if tag == "a":
                    self.link_depth -= 1
                if tag in _INLINE_MARK:
                    self.buf.append(_MARK)
                if tag in _BLOCK_TAGS and el not in self.data_tables:
                    self.flush()
                    self.owners.pop()
                self.add(el.tail)
        self.flush()
        return self.segs


def _parse_tree(html: str) -> etree._Element | None:
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html.replace("\x00", ""))
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "ignore"), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _is_data_table(t: etree._Element) -> bool:
    """A table of data, not page layout: no nested tables, ≥2 rows and columns,
    short cells, no prose (a cell with two sentences), not mostly links.
    """
    if t.find(".//table") is not None:
        return False
    rows = t.findall(".//tr")
    if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
        return False
    texts = [c.text_content() for r in rows for c in r if c.tag in ("td", "th")]
    lengths = [_nchars(x) for x in texts]
    total = sum(lengths)
    links = sum(_nchars(a.text_content()) for a in t.iter("a"))
    return (
        max(lengths, default=0) <= 300
        and total <= 60 * max(len(lengths), 1)
        and not any(x.count("。") >= 2 for x in texts)
        and links * 2 <= total
    )


def _clean(root: etree._Element) -> set[etree._Element]:
    """Drop non-content elements in place (keeping their tail text).

    Returns the elements named like page furniture: they stay in the tree (the
    headline zone may be among them) but never count as article.
    """
    doomed, unlikely = [], set()
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _DROP_TAGS:
            doomed.append(el)
        elif el.get("hidden") is not None or _HIDDEN_RE.search(el.get("style", "")):
            doomed.append(el)
        elif el.tag == "header" or _is_unlikely(el):
            unlikely.add(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return unlikely


# ---------------------------------------------------------------------------
# scoring and selection


@dataclass
class _Stats:
    total: dict = field(default_factory=lambda: defaultdict(int))
    links: dict = field(default_factory=lambda: defaultdict(int))
    punct: dict = field(default_factory=lambda: defaultdict(int))
    content: dict = field(default_factory=lambda: defaultdict(float))

    def density(self, el: etree._Element) -> float:
        total = self.total.get(el, 0)
        return self.links.get(el, 0) / total if total else 0.0

    def final(self, el: etree._Element) -> float:
        base = self.content.get(el, 0.0) + _TAG_BONUS.get(el.tag, 0)
        return base * (1 + _class_weight(el) / 2) * (1 - self.density(el))


def _score(segs: list[_Seg], unlikely: set[etree._Element]) -> _Stats:
    st = _Stats()
    for s in segs:
        s.chain = [s.owner, *s.owner.iterancestors()]
        s.unlikely = bool(unlikely) and any(el in unlikely for el in s.chain)
        if s.unlikely:
            continue
        punct = 0 if s.table is not None else len(_PUNCT_RE.findall(s.text))
        for el in s.chain:
            st.total[el] += s.n
            st.links[el] += s.links
            st.punct[el] += punct
        if s.n < _MIN_PARA or s.links * 2 > s.n:
            continue
        score = 1 + punct + min(s.n / 50, 3)
        start = 0 if s.owner.tag in _CONTAINER_TAGS else 1
        for level, el in enumerate(s.chain[start : start + 5]):
            st.content[el] += score / (1 if level == 0 else 2 if level == 1 else level * 3)
    return st


def _select(root: etree._Element, st: _Stats, fragment: bool) -> list[etree._Element]:
    """The article's root elements: the best candidate and its qualifying siblings."""
    if fragment or not st.content:
        return [root]
    top = max(st.content, key=st.final)
    parent = top.getparent()
    if parent is None:
        return [top]
    top_score = st.final(top)
    threshold = max(10.0, top_score * 0.2)
    roots = []
    for sib in parent:
        if sib is top:
            roots.append(sib)
            continue
        n = st.total.get(sib, 0)
        if not n:
            continue
        bonus = top_score * 0.2 if sib.get("class") and sib.get("class") == top.get("class") else 0
        ld = st.density(sib)
        if sib in st.content and st.final(sib) + bonus >= threshold:
            roots.append(sib)
        elif sib.tag == "p" and ((n > 80 and ld < 0.25) or (ld == 0 and sib.text_content().strip().endswith("。"))):
            roots.append(sib)
    return roots


def _is_junk(el: etree._Element, st: _Stats) -> bool:
    """A block inside the article that is navigation, links or boilerplate."""
    n = st.total.get(el, 0)
    if not n:
        return False
    ld = st.density(el)
    if ld > 0.5:
        return True
    weight = _class_weight(el)
    return weight < 0 and (ld > 0.2 or st.punct.get(el, 0) < 10)


# ---------------------------------------------------------------------------
# line filters


def _filter_lines(segs: list[_Seg], title: str | None) -> list[tuple[str, _Seg]]:
    """Normalised article lines (tables pass through as "") without boilerplate."""
    out: list[tuple[str, _Seg]] = []
    title_key = compact(title or "")
    related = False
    seen_body = False
    for s in segs:
        if s.table is not None:
            out.append(("", s))
            continue
        line = normalize_text(INLINE_JUNK_RE.sub("", s.text))
        if not line or s.links * 2 > s.n:
            continue
        if RELATED_HEAD_RE.match(line):
            related = True
            continue
        if related and len(line) <= 50 and not line.endswith(tuple(SENTENCE_END)):
            continue
        related = False
        if compact(line) == title_key or is_boilerplate(line):
            continue
        if not seen_body and is_meta_line(line):
            continue
        if out and out[-1][0] == line:
            continue
        seen_body = seen_body or len(line) > 60
        out.append((line, s))
    return out


# ---------------------------------------------------------------------------
# metadata


# ---------------------------------------------------------------------------
# the article


@dataclass
class Article:
    """What :func:`extract_article` finds in a page."""

    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    published_source: str | None = None  # metadata (meta tags) | dateline (the headline zone)
    author: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _in_article(s: _Seg, roots: set, st: _Stats, junk: dict) -> bool:
    if s.unlikely:
        return False
    for i, el in enumerate(s.chain):
        if el in roots:
            inner = s.chain[:i]
            for x in inner:
                if x not in junk:
                    junk[x] = _is_junk(x, st)
            return not any(junk[x] for x in inner)
    return False


def extract_article(html: str, *, fragment: bool = False, title: str | None = None) -> Article:
    """Find the article in an HTML page (or, with ``fragment``, an article body).

    A fragment is taken whole (only boilerplate inside it is dropped); a page is
    searched for its best content container. ``title``, when known (front
    matter), overrides the page's own headline.
    """
    root = _parse_tree(html)
    if root is None:
        return Article()
    meta = page_meta(root)
    title_tag = root.findtext(".//title") or ""
    h1s = [t for h in root.iter("h1") if (t := normalize_text(h.text_content()))]
    canonical = root.xpath("string(//link[@rel='canonical']/@href)").strip()  # before _clean drops <link>
    unlikely = _clean(root)
    body = root.find("body")
    body = root if body is None else body
    segs = _Walker({t for t in body.iter("table") if _is_data_table(t)}).walk(body)
    st = _score(segs, unlikely)
    roots = set(_select(body, st, fragment))
    junk: dict = {}
    inside = [_in_article(s, roots, st, junk) for s in segs]
    first = inside.index(True) if any(inside) else len(segs)
    title = title or pick_title(meta, title_tag, h1s)
    lines = _filter_lines([s for s, ok in zip(segs, inside, strict=True) if ok], title)

    art = Article(title=title, source_url=meta.get("og:url") or canonical or None)
    for i, (line, s) in enumerate(lines):
        if s.table is None:
            art.paragraphs.append(line)
            continue
        before = [ln for ln, _ in lines[max(0, i - 2) : i][::-1]]
        after = lines[i + 1][0] if i + 1 < len(lines) else None
        if (table := build_table(s.table, before, after)) is not None:
            art.tables.append(table)

    # The headline zone: the lines between the headline and the article body.
    keys = [compact(s.text) for s in segs[max(0, first - 80) : first]]
    title_key = compact(title or "")
    start = len(keys) - keys[::-1].index(title_key) if title_key in keys else len(keys) - 12
    zone = " ".join(s.raw for s in segs[max(0, first - 80) : first][max(0, start) :][:15])
    plain = normalize_text(zone.replace(_MARK, ""))
    found = find_date(plain) or find_date(" ".join(art.paragraphs[:3])[:300])
    art.published = meta_date(meta) or (found[0] if found else None)
    art.published_source = ("metadata" if meta_date(meta) else "dateline") if art.published else None
    m = AUTHOR_RE.search(zone)
    art.author = first_meta(meta, AUTHOR_KEYS) or (normalize_text(m.group(1)) if m else None)
    m = SOURCE_RE.search(zone)
    art.publisher = (normalize_text(m.group(1)) if m else None) or first_meta(meta, PUBLISHER_KEYS)
    art.metadata = {k: meta[k] for k in ("keywords", "description") if k in meta}
    return art


def article_document(
    art: Article, path: Path | str, metadata: dict[str, str] | None = None, *, allow_empty: bool = False
) -> ParsedDocument:
    """Wrap an :class:`Article` as an HTML :class:`ParsedDocument`.

    Raises :class:`EmptyDocument` when it has no text, unless ``allow_empty``.
    """
    if not art.paragraphs and not art.tables and not allow_empty:
        raise EmptyDocument(f"{path}: no article text found")
    return ParsedDocument(
        path=str(path),
        doc_type="html",
        title=art.title,
        published=art.published,
        date=art.published,
        date_source=art.published_source,
        author=art.author,
        publisher=art.publisher,
        source_url=art.source_url,
        page_count=1,
        pages=[Page(number=None, text=art.text)],
        tables=art.tables,
        metadata={**art.metadata, **(metadata or {})},
    )


def parse_html(path: Path, data: bytes | None = None) -> ParsedDocument:
    """Parse a news HTML file into a one-page :class:`ParsedDocument`."""
    if data is None:
        data = Path(path).read_bytes()
    return article_document(extract_article(decode_html(data)), path)
