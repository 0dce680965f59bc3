"""A web page's title, date, author and publisher from its meta tags, title tag and headings."""

from __future__ import annotations

import re

from lxml import etree

from extractor.parse.html_lines import compact
from extractor.parse.normalize import normalize_date, normalize_text
from extractor.patterns import alternation, load

TITLE_KEYS = ("og:title", "twitter:title", "articletitle", "headline")


DATE_KEYS = ("article:published_time", "og:article:published_time", "og:release_date", "datepublished",
              "publishdate", "publish_date", "publish-date", "pubdate", "pub_date", "publishtime",
              "firstpublishedtime", "weibo:article:create_at", "dc.date.issued", "dcterms.issued",
              "dc.date", "dcterms.created", "sailthru.date", "date")


AUTHOR_KEYS = ("author", "article:author", "og:article:author", "dc.creator", "byl")


PUBLISHER_KEYS = ("source", "contentsource", "article:source", "og:site_name", "sitename", "publisher")


_SUFFIX_RE = re.compile(r"^(.{2,}?)\s*(?:[_|｜]|\s-{1,2}\s?|-{1,2}(?=\D)|\s[–—]\s)\s*([^_|｜]{1,15})$")


_WORDS = load("parse.yml")["html"]
SOURCE_RE = re.compile(f"(?:{alternation(_WORDS['source_labels'])})" r"\s*[:：][\s\x00]*([^\s\x00|/，,。]{2,30})")


AUTHOR_RE = re.compile(f"(?:{alternation(_WORDS['author_labels'])})" r"\s*[:：][\s\x00]*([^\s\x00|/，,。]{2,20})")


def strip_site_suffix(title: str) -> str:
    """Drop " _新浪财经_新浪网"-style site/channel suffixes from a page title."""
    title = normalize_text(title)
    while (m := _SUFFIX_RE.match(title)) and len(m.group(2)) <= 15:
        title = m.group(1).strip()
    return title


def page_meta(root: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        value = normalize_text(m.get("content") or "")
        if key and value and key not in out:
            out[key] = value
    for el in root.xpath("//*[@itemprop='datePublished'] | //time[@pubdate]"):
        value = el.get("datetime") or el.get("content") or el.text_content()
        out.setdefault("datepublished", normalize_text(value or ""))
    return out


def first_meta(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        v = meta.get(k)
        if v and "@" not in v and not v.startswith("http"):
            return v
    return None


def pick_title(meta: dict[str, str], title_tag: str, h1s: list[str]) -> str | None:
    """The headline: an <h1> the page title contains, else og:title, else the stripped <title>."""
    page_title = compact(title_tag + (meta.get("og:title") or ""))
    for h in h1s:
        if len(h) >= 4 and compact(h) in page_title:
            return h
    og = first_meta(meta, TITLE_KEYS)
    if og:
        return strip_site_suffix(og)
    if title_tag.strip():
        return strip_site_suffix(title_tag)
    return h1s[0] if h1s else None


def meta_date(meta: dict[str, str]) -> str | None:
    keys = DATE_KEYS + tuple(k for k in meta if "publish" in k and k not in DATE_KEYS)
    for k in keys:
        if k in meta and (d := normalize_date(meta[k])):
            return d
    return None
