"""Lines of a web page that are not the article: bylines, promotions, copyright, related links."""

from __future__ import annotations

import re

from extractor.parse.normalize import find_date
from extractor.patterns import alternation, load

_WS_RE = re.compile(r"\s+")
_WORDS = load("parse.yml")["html"]


LABEL_LINE_RE = re.compile(
    r"^[(（\[【]?\s*(?:" + alternation(_WORDS["credit_labels"]) + r")\s*[:：]"
    r"|^图\s*[/／]"
)


# A short line without sentence punctuation naming a newsroom role is a byline.
BYLINE_RE = re.compile(alternation(_WORDS["byline_words"]))


# Link-text tails ("返回腾讯网首页>>") and inline stock quotes "(115.395, 2.79, 2.47%)".
INLINE_JUNK_RE = re.compile(
    r"\s*(?:" + "|".join(_WORDS["link_tails"]) + r")\s*$"
    r"|\s*[(（]\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?%\s*[)）]"
)


_PROMO_RE = re.compile("|".join(_WORDS["promotions"]))


_COPYRIGHT_RE = re.compile("|".join(_WORDS["copyright"]), re.I)


RELATED_HEAD_RE = re.compile(
    r"^[【\[]?(?:" + alternation(_WORDS["related_headings"]) + r")"
    r"[】\]]?\s*[:：]?$"
)


_META_WORDS_RE = re.compile("|".join(_WORDS["meta_words"]))


HAN_RE = re.compile(r"[\u3400-\u9fff]")


SENTENCE_END = "。！？!?…”」』）)"


def compact(s: str) -> str:
    return _WS_RE.sub("", s)


def is_meta_line(line: str) -> bool:
    """A short date/source/byline line (e.g. "2022年07月21日 18:44 第一财经")."""
    if len(line) > 60 or not find_date(line):
        return False
    rest = re.sub(r"(?:19|20)\d\d\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?", "", line)
    return len(HAN_RE.findall(_META_WORDS_RE.sub("", rest))) <= 12


def is_boilerplate(line: str) -> bool:
    n = len(line)
    return (
        (n <= 60 and LABEL_LINE_RE.search(line) is not None)
        or (n <= 30 and BYLINE_RE.search(line) is not None and not re.search(r"[，。；！？]", line))
        or (n < 4 and not HAN_RE.search(line))
        or (n <= 80 and _PROMO_RE.search(line) is not None)
        or (n <= 200 and _COPYRIGHT_RE.search(line) is not None)
        or not any(c.isalnum() for c in line)
    )
