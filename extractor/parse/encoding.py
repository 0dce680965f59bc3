"""Decode the bytes of a web page: BOM, then the declared charset, checked against the bytes.

GB2312/GBK are read as GB18030 (their superset); a page that declares a GB
charset but whose bytes are valid UTF-8 is read as UTF-8.
"""

from __future__ import annotations

import codecs
import re

from extractor.parse.text import sniff_bom

__all__ = ["decode_html"]


_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "cp936", "ms936", "windows-936",
               "gb18030", "euc-cn", "x-euc-cn", "csgb2312", "chinese", "hz-gb-2312"}
_LATIN_ALIASES = {"latin_1", "iso8859-1", "cp1252", "ascii"}


def _declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 32 KB (GB* → gb18030), or None."""
    head = data[:32768]
    m = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    if name in _GB_ALIASES:
        return "gb18030"
    if name == "big5":
        return "big5hkscs"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> str:
    """Decode HTML bytes: BOM, else the first of UTF-8 / the declared charset / GB18030
    that decodes strictly (UTF-8 wins over a declared GB charset the bytes don't
    match); if none does, the one with the fewest replacement characters.
    """
    bom = sniff_bom(data)
    if bom:
        return data[bom[1]:].decode(bom[0], "replace")
    declared = _declared_charset(data)
    order = ["utf-8", declared, "gb18030"]
    if declared in _LATIN_ALIASES:  # Chinese pages often mislabel GBK bytes as Latin-1
        order = ["utf-8", "gb18030", declared]
    candidates = list(dict.fromkeys(c for c in order if c))
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    decoded = [data.decode(enc, "replace") for enc in candidates]
    return min(decoded, key=lambda s: s.count("\ufffd"))
