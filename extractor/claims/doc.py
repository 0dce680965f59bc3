"""A document as the claims stage reads it: its units, who it names, and where.

:func:`read_document` makes one pass over the units before any claim is read:
the designations of each (商务部副部长郭婷婷), the people they name with their
title and organisation and the short forms they are referred to by later
(卡斯特, 尹部长), pseudonyms (孙丹（化名）), the organisations named, and every
place a known person is mentioned — so that 他说 finds the last person named,
and 王清华分析称 the 王清华 introduced earlier. Claims then draw on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extractor.claims import entities as ent
from extractor.claims import names
from extractor.claims.rules import alternation
from extractor.claims.speakers import Orgs, Speaker, subject_company
from extractor.claims.units import Unit, build_units
from extractor.models import Entity, Fact, ParsedDocument, Sentence


@dataclass
class ClaimDoc:
    doc: ParsedDocument
    units: list[Unit]
    facts: list[Fact]
    ctx: Any
    unit_of: dict[int, int] = field(default_factory=dict)  # sentence index → unit index
    unit_facts: dict[int, list[int]] = field(default_factory=dict)
    people: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # name → (title, org)
    alias: dict[str, str] = field(default_factory=dict)  # short form → name
    #: (sentence, position, speaker): people named and unnamed speakers, for 他 / 她 to refer to
    mentions: list[tuple[int, int, Speaker]] = field(default_factory=list)
    found: dict[int, list[ent.Designation]] = field(default_factory=dict)
    person_entity: dict[str, Entity] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)  # every 《…》 the document names
    spans: dict[int, list[ent.Span]] = field(default_factory=dict)  # entities by unit
    orgs: Orgs = field(default_factory=Orgs)
    subject: str | None = None  # the company the document is about (公司公告称)

    def person(self, name: str) -> Speaker:
        name = self.alias.get(name, name)
        title, org = self.people.get(name, (None, None))
        return Speaker("person", 0, name=name, title=title, organisation=org)

    def add_person(self, name: str, title: str | None = None, org: str | None = None) -> None:
        old_title, old_org = self.people.get(name, (None, None))
        self.people[name] = (old_title or title, old_org or org)
        for short in names.aliases(name, title):
            if short not in self.people:
                self.alias.setdefault(short, name)
        self.orgs.learn(org)

    def mention(self, sentence: int, pos: int, speaker: Speaker) -> None:
        self.mentions.append((sentence, pos, speaker))


def read_document(doc: ParsedDocument, sentences: list[Sentence], facts: list[Fact]) -> ClaimDoc:
    """The units of ``sentences`` with the people and organisations they name."""
    from extractor.facts.context import document_context

    d = ClaimDoc(doc, build_units(sentences), facts, document_context(doc), subject=subject_company(doc.title))
    for u in d.units:
        d.unit_of.update({s.index: u.index for s in u.sents})
        if "《" in u.text:
            d.titles += re.findall(r"《[^》]{2,60}》", u.text)
        if names.is_byline(u.text):
            continue
        d.found[u.index] = ent.designations(u.text)
        for x in d.found[u.index]:
            d.add_person(x.name, x.title, x.organisation)
        for name, _ in names.pseudonyms(u.text):
            d.add_person(name)
    for n, f in enumerate(facts):
        if f.method != "table" and f.sentence_index in d.unit_of:
            d.unit_facts.setdefault(d.unit_of[f.sentence_index], []).append(n)
    if d.people:  # every place a known person is named (or referred to by a short form)
        known = re.compile(alternation([*d.people, *d.alias]))
        for u in d.units:
            for m in known.finditer(u.text):
                d.mention(u.first, m.start(), d.person(m.group()))
    return d


def entities_of(d: ClaimDoc, u: Unit, start: int, end: int) -> list[Entity]:
    """The entities of ``u.text[start:end]``, with page offsets (found once per unit)."""
    if u.index not in d.spans:
        d.spans[u.index] = ent.find_entities(u.text, d.ctx, people=d.people, found=d.found.get(u.index, []))
    out = []
    for s in d.spans[u.index]:
        if start <= s.start and s.end <= end:
            sent, page_start = u.at(s.start)
            end_sent, page_end = u.at(s.end - 1)
            e = Entity(label=s.label, text=s.text, name=s.name, sentence_index=sent.index,
                       char_start=page_start, char_end=page_end + 1 if end_sent is sent else sent.char_end)
            out.append(e)
            if s.label == "PERSON":
                d.person_entity.setdefault(s.name, e)
    return out
