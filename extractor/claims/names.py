"""Names and credits: who may be a speaker, and who is only credited.

* credits — datelines, reporter and photo credits, editor lines (新华社杭州11月25日电
  （记者张三）, 本报记者 冯其予, 徐昱 摄, 责任编辑：李昂): nobody named inside one is a
  speaker; a reporter a statement is *made to* (向《红周刊》记者表示, 告诉记者) is no
  credit;
* personal names — Chinese names (surname first, a compound surname, a rare
  surname the tagger vouches for), foreign names with a middle dot (吉恩·蒙斯特),
  transliterated names after a title (总理菲利普), Latin names (Vincent Mortier),
  pseudonyms (孙丹（化名）) and the short forms a known person is referred to by
  (卡斯特, 尹部长);
* the rule-based spaCy pipeline that says where an unknown name ends.

Offsets are into the string given.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

from extractor.claims.rules import BOUNDARY, CJK, Span, data

if TYPE_CHECKING:
    from spacy.language import Language

# -- credits -------------------------------------------------------------------


def byline_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` credits a reporter, photographer or editor (新华社杭州11月25日电（记者张三）,
    本报记者 冯其予, 徐昱 摄, 责任编辑：李昂): no speaker is read there. A reporter addressed
    by a statement (向《红周刊》记者表示, 告诉记者) is no credit."""
    return list(_byline_spans(text))


@lru_cache(maxsize=4096)
def _byline_spans(text: str) -> tuple[tuple[int, int], ...]:
    d = data()
    if not d["credit_quick"].search(text):
        return ()
    told = addressee_spans(text)
    return tuple(sorted((m.start(), m.end()) for r in d["credit_res"] for m in r.finditer(text)
                        if m.end() > m.start() and not any(a <= m.start() < b for a, b in told)))


def addressee_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names whom a statement is made to (向《红周刊》记者, 对第一财经, 告诉记者,
    接受彭博社采访时) or another medium's reporter quoted as a source (据美联社记者报道)."""
    d = data()
    told = [(m.start(), m.end()) for m in d["addressee_re"].finditer(text)]
    return told + [(m.start(), m.end()) for m in d["reporter_source_re"].finditer(text)
                   if not m.group().startswith(d["house"])]


@lru_cache(maxsize=4096)
def is_byline(text: str) -> bool:
    """A line that is nothing but credits."""
    spans = _byline_spans(text)
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
    return not rest or rest[0] in BOUNDARY or rest[0].isdigit() or rest.startswith(data()["followers"])


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
    foreign = transliterated_at(text, pos)
    if foreign and len(foreign) >= 2 and valid_name(foreign, tagged=True) or foreign and len(foreign) > 3:
        return foreign  # 总理菲利普, 总统马克龙
    if not known_surname and not any(text.startswith(d["verbs"], pos + n) for n in (2, 3)):
        return None  # a rare surname is tried only right before a verb (X表示)
    for span in tag(text[pos : pos + 8]):  # the tagger: where an unknown name ends, rare surnames
        if span.label == "PERSON" and span.start == 0 and valid_name(span.text, tagged=True):
            if known_surname or _follows_name(text[pos + span.end :]):
                return span.text
    return None



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
    from extractor.claims.spacy_import import import_spacy

    pipeline: Language = import_spacy().blank("zh")
    pipeline.tokenizer.segmenter = "jieba"  # type: ignore[union-attr]
    pipeline.tokenizer.jieba_seg = _JiebaSegmenter()  # type: ignore[union-attr]
    ruler = pipeline.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(  # type: ignore[attr-defined]
        list(data()["ruler_patterns"]) + [{"label": "ORG", "pattern": s} for s in data()["known"]])
    _pos_tokenizer()  # the tags come from jieba's part-of-speech tagger: load it with the pipeline
    return pipeline


def _pos_tokenizer():
    """The shared part-of-speech tagger (the domain dictionary's tags included)."""
    from extractor.facts.segment import pos_tokenizer

    return pos_tokenizer()


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



# -- short forms ---------------------------------------------------------------------


def aliases(name: str, title: str | None) -> list[str]:
    """The short forms a person is referred to by later: the last part of a foreign
    name (简·卡斯特 → 卡斯特), the surname with the title (尹蔚民, 部长 → 尹部长)."""
    d = data()
    out = []
    if "·" in name or "•" in name or "・" in name:
        last = name.replace("•", "·").replace("・", "·").rsplit("·", 1)[-1]
        if len(last) >= 2:
            out.append(last)
    elif title and CJK.match(name[:1]):
        last = title.split("、")[-1]
        words = [t for t in d["titles"] if len(t) >= 2 and last.endswith(t)]
        surname = name[:2] if name[:2] in d["compound"] else name[:1]
        if words:  # the shortest title it ends with: 黄河, 党委书记 → 黄书记
            out.append(surname + min(words, key=len))
    return out


def pseudonyms(text: str) -> list[tuple[str, int]]:
    """Names marked as pseudonyms (孙丹（化名）) with where they start."""
    out = []
    for m in data()["pseudonym_re"].finditer(text):
        cands = [text[max(0, m.start() - n) : m.start()] for n in (3, 2, 4)]
        name = next((c for c in cands if valid_name(c)), None)  # a known surname first: 的孙丹 → 孙丹
        name = name or next((c for c in sorted(cands, key=len) if len(c) >= 2 and valid_name(c, tagged=True)
                             and any(t.label == "PERSON" and t.text == c for t in tag(c))), None)  # 小林
        if name:
            out.append((name, m.start() - len(name)))
    return out


def transliterated_at(text: str, pos: int) -> str | None:
    """A transliterated foreign name after a title (总理菲利普, 总统马克龙): 2–5 characters of
    the transliteration alphabet followed by what can follow a name."""
    chars = data()["transliteration"]
    end = pos
    while end < len(text) and end - pos < 5 and text[end] in chars:
        end += 1
    for stop in range(end, pos + 1, -1):
        if _follows_name(text[stop:]):
            return text[pos:stop]
    return None


def latin_name(text: str) -> str | None:
    """``text`` when it is a Latin-script personal name (Vincent Mortier, Gene Munster)."""
    m = data()["latin_name_re"].fullmatch(text.strip())
    return m.group() if m else None
