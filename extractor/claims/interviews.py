"""Interviews: questions and answers, each answer one statement of the person answering.

Two layouts, read paragraph by paragraph:

* speaker headings — a short paragraph ``DESIGNATION：NAME``
  (贝莱德固定收益业务全球首席投资官：Rick Rieder) introduces a person; the
  questions after it (paragraphs ending with ？, or labelled 问： / 记者：) are
  the interviewer's, and the paragraphs between two questions are one answer;
* labelled answers — ``答：…`` is the person interviewed (the last heading, else the
  last person named before the first question), ``NAME：…`` a person named before.

An answer runs over at most ``interview.max_paragraphs`` paragraphs; a heading,
a question or a new label ends it. The cues are data: ``patterns/claims.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.claims import entities as ent
from extractor.claims import names
from extractor.claims.doc import ClaimDoc
from extractor.claims.rules import cues, data
from extractor.claims.speakers import Speaker


@dataclass
class Answer:
    """The units of one answer, who gives it, and where it starts in its first unit."""

    units: list[int]
    speaker: Speaker
    content_start: int = 0


def heading(text: str) -> Speaker | None:
    """The person a speaker heading (``DESIGNATION：NAME``) introduces, or None."""
    m = cues()["qa_header"].match(text)
    if not m:
        return None
    desig, name = m.group("desig").strip(), m.group("name").strip()
    if not (names.latin_name(name) or names.valid_name(name)) or names.has_byline_word(desig):
        return None
    if not data()["title_end_re"].search(desig):
        return None
    org, title, _, _ = ent.split_designation(desig, loose=True)
    return Speaker("person", 0, name=name, title=title, organisation=org)


def _paragraphs(d: ClaimDoc) -> list[list[int]]:
    out: list[list[int]] = []
    last = None
    for u in d.units:
        para = (u.sents[0].page, u.sents[0].paragraph)
        if out and para == last:
            out[-1].append(u.index)
        else:
            out.append([u.index])
        last = (u.sents[-1].page, u.sents[-1].paragraph)
    return out


def answers(d: ClaimDoc) -> list[Answer]:
    """Every answer of the interviews in ``d`` (none when it holds no interview)."""
    cu = cues()
    out: list[Answer] = []
    current: Speaker | None = None  # the person the last heading introduced
    block: Answer | None = None
    paragraphs = 0
    asked = False

    def flush() -> None:
        nonlocal block, paragraphs
        if block is not None and block.units:
            out.append(block)
        block, paragraphs = None, 0

    for units in _paragraphs(d):
        text = "".join(d.units[k].text for k in units).strip()
        if not text or names.is_byline(text):
            continue
        head = heading(text) if len(text) <= 60 and ("：" in text or ":" in text) else None
        if head is not None:
            flush()
            current, asked = head, False
            d.add_person(head.name or "", head.title, head.organisation)
            continue
        if cu["qa_question"].search(text):
            flush()
            asked = True
            continue
        label = cu["qa_answer"].match(text)
        named = _labelled(d, text)
        if label or named:
            flush()
            who = named[0] if named else current or _interviewee(d, units[0])
            if who is not None:
                block = Answer(list(units), who, named[1] if named else label.end())
                paragraphs = 1
            continue
        if block is not None and paragraphs < cu["qa_max_paragraphs"]:
            block.units += units
            paragraphs += 1
        elif block is None and current is not None and asked:
            block, paragraphs, asked = Answer(list(units), current), 1, False
        else:
            flush()
    flush()
    return out


def _labelled(d: ClaimDoc, text: str) -> tuple[Speaker, int] | None:
    """``NAME：…`` for a person the document named before: the person and where the answer starts."""
    for sep in "：:":
        i = text.find(sep, 0, 12)
        if i > 1 and text[:i] in d.people:
            return d.person(text[:i]), i + 1
    return None


def _interviewee(d: ClaimDoc, unit: int) -> Speaker | None:
    """The last person named before ``unit``: whom 答： answers for."""
    before = [m for m in d.mentions if m[0] < d.units[unit].first and m[2].kind == "person"]
    return max(before, key=lambda m: (m[0], m[1]))[2] if before else None
