"""Markdown files with YAML front matter (title, date, author, categories…).

The body may be HTML (crawled articles) or Markdown text; either way it goes
through the same article extraction as a web page, taken whole as a fragment.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from pathlib import Path
from typing import Any

import yaml

from extractor.models import ParsedDocument
from extractor.parse.html import article_document, extract_article
from extractor.parse.normalize import normalize_date, normalize_text
from extractor.parse.text import decode_text

__all__ = ["markdown_to_html", "parse_markdown", "parse_markdown_text", "split_front_matter"]

_FRONT_RE = re.compile(r"\A\ufeff?\s*?^---[ \t]*\n(?:(.*?)\n)??(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S | re.M)
_LOOSE_KV_RE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_HTML_BODY_RE = re.compile(
    r"<(?:p|div|br|table|span|h[1-6]|ul|ol|li|section|article|img|a|strong|em|blockquote|font)\b[^>]*>", re.I
)
_DATE_KEYS = ("date", "published", "pubdate", "publish_date", "published_at", "created", "created_at", "updated")
_AUTHOR_KEYS = ("author", "authors", "creator", "byline")
_PUBLISHER_KEYS = ("publisher", "source", "media", "site")
_URL_KEYS = ("source_url", "url", "link", "original_url", "permalink", "canonical")

# Markdown blocks.
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM_RE = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_RULE_RE = re.compile(r"^(?:\*{3,}|-{3,}|_{3,})$")
_TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_FENCE_RE = re.compile(r"^(```|~~~)")
_SENTENCE_END = tuple("。！？!?；;：:")
# Inline markup, applied to HTML-escaped text.
_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"<a>\1</a>"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
)


def _loose_front_matter(raw: str) -> dict[str, Any]:
    """``key: value`` lines, for front matter that is not valid YAML."""
    out: dict[str, Any] = {}
    for line in raw.splitlines():
        m = _LOOSE_KV_RE.match(line)
        if m:
            out[m.group(1)] = m.group(2).strip("'\"")
    return out


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split ``---``-fenced YAML front matter from the body: (metadata, body)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _FRONT_RE.match(text)
    if not m:
        return {}, text.lstrip("\ufeff")
    raw = m.group(1) or ""
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError:
        data = _loose_front_matter(raw)
    if raw.strip() and not isinstance(data, dict):  # "---" rules around text, not front matter
        return {}, text.lstrip("\ufeff")
    return (data or {}), text[m.end() :]


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


def _table_html(rows: list[str]) -> str:
    def cells(row: str) -> list[str]:
        return [_inline(c.strip()) for c in row.strip().strip("|").split("|")]

    head = "".join(f"<th>{c}</th>" for c in cells(rows[0]))
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in cells(r)) + "</tr>" for r in rows[2:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def markdown_to_html(md: str) -> str:
    """Minimal Markdown → HTML: headings, paragraphs, lists, quotes, pipe tables, code.

    Wrapped lines join into one paragraph, except after a line that ends a
    sentence (Chinese Markdown often puts one paragraph on each line).
    """
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append("<p>" + _inline(" ".join(para)) + "</p>")
            para.clear()

    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if line.startswith(">"):
            line = line.lstrip("> ").strip()
        if not line or _RULE_RE.match(line):
            flush()
        elif _FENCE_RE.match(line):
            flush()
            code = []
            while i < len(lines) and not _FENCE_RE.match(lines[i].strip()):
                code.append(html.escape(lines[i]))
                i += 1
            i += 1
            out.append("<pre>" + "<br>".join(code) + "</pre>")
        elif m := _HEADING_RE.match(line):
            flush()
            out.append(f"<h{len(m.group(1))}>{_inline(m.group(2))}</h{len(m.group(1))}>")
        elif "|" in line and i < len(lines) and _TABLE_SEP_RE.match(lines[i].strip()):
            flush()
            rows = [line, lines[i].strip()]
            i += 1
            while i < len(lines) and "|" in lines[i]:
                rows.append(lines[i].strip())
                i += 1
            out.append(_table_html(rows))
        elif m := _ITEM_RE.match(line):
            flush()
            out.append(f"<li>{_inline(m.group(1))}</li>")
        else:
            para.append(line)
            if line.endswith(_SENTENCE_END):
                flush()
    flush()
    return "\n".join(out)


def _scalar(value: Any) -> str | None:
    """A front-matter value as one string (lists joined by ", ")."""
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, list | tuple):
        parts = [s for v in value if (s := _scalar(v))]
        return ", ".join(parts) or None
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    text = normalize_text(str(value))
    return text or None


def _pick(front: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    lowered = {str(k).lower(): v for k, v in front.items()}
    for k in keys:
        if (v := _scalar(lowered.get(k))) is not None:
            return v
    return None


def parse_markdown_text(text: str, path: Path | str) -> ParsedDocument:
    """Parse Markdown source (front matter + HTML or Markdown body)."""
    front, body = split_front_matter(text)
    is_html = _HTML_BODY_RE.search(body) is not None
    art = extract_article(body if is_html else markdown_to_html(body), fragment=True, title=_pick(front, ("title",)))
    lowered = {str(k).lower(): v for k, v in front.items()}
    published = next((d for k in _DATE_KEYS if (d := normalize_date(lowered.get(k)))), None)
    if published:
        art.published, art.published_source = published, "metadata"
    art.author = _pick(front, _AUTHOR_KEYS) or art.author
    art.publisher = _pick(front, _PUBLISHER_KEYS) or art.publisher
    art.source_url = _pick(front, _URL_KEYS) or art.source_url
    metadata = {str(k): v for k, value in front.items() if (v := _scalar(value)) is not None}
    doc = article_document(art, path, metadata, allow_empty=bool(art.title))
    if not is_html:
        doc.doc_type = "text"
    return doc


def parse_markdown(path: Path, data: bytes | None = None) -> ParsedDocument:
    """Parse a Markdown file (.md) with optional YAML front matter."""
    if data is None:
        data = Path(path).read_bytes()
    return parse_markdown_text(decode_text(data), path)
