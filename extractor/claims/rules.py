"""The language data of the claims stage, compiled once per process.

``patterns/entities.yml`` (titles, organisation suffixes, surnames, credits,
unnamed speakers, media), ``patterns/places.yml`` (organisations a figure can be
about) and the attribution cues of ``patterns/claims.yml`` that name-finding
needs. Everything here is data: the modules of this stage read it through
:func:`data`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from extractor.patterns import load

CJK = re.compile(r"[\u4e00-\u9fff]")
#: characters that end a word around a name or an organisation
BOUNDARY = "，,；;。！？!?：:“”\"‘’「」『』‚‛、（）()【】《》 \n"
#: characters that end a clause
CLAUSE_BOUNDARY = "，,；;。！？!?：:“”\"‘’「」『』‚‛\n"


@dataclass(frozen=True)
class Span:
    """An entity found in a string: ``text[start:end]``, normalised ``name``."""

    label: str  # PERSON | ORG | PLACE
    text: str
    name: str
    start: int
    end: int


def alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def load_rules(name: str) -> Any:
    """``patterns/NAME``, parsed and checked once per process (:func:`extractor.patterns.load`)."""
    return load(name)


def _chars(text: Any) -> set[str]:
    return set(str(text).replace(" ", "").replace("\n", ""))


@cache
def data() -> dict[str, Any]:
    """The compiled rules of ``patterns/entities.yml`` (and the gazetteer's organisations)."""
    raw, places, said = load_rules("entities.yml"), load("places.yml"), load_rules("claims.yml")["attribution"]
    companies = {k: v or k for k, v in (places.get("organisations") or {}).items()}
    known = {surface: surface for surface in places.get("national_bodies") or {}}
    known.update({k: v or k for k, v in (places.get("organisations") or {}).items()})
    known.update({k: v or k for k, v in (raw.get("known_organisations") or {}).items()})
    suffixes, titles, credits = raw["org_suffixes"], [str(t) for t in raw["titles"]], raw["bylines"]
    unnamed, media = raw["unnamed_speakers"], raw["media"]
    return {
        "titles": tuple(titles),
        "title_re": re.compile(alternation(titles)),
        "title_end_re": re.compile(f"(?:{alternation(titles)})$"),
        "title_modifiers": longest_first(raw["title_modifiers"]),
        "strong_re": re.compile(alternation(suffixes["strong"])),
        "strong": longest_first(suffixes["strong"]),
        "weak": longest_first(suffixes["weak"]),
        "company": longest_first(suffixes["company"]),
        "speaker_weak": longest_first(suffixes["speaker_weak"]),
        "class_nouns": longest_first(suffixes["class_nouns"]),
        "false_friends": longest_first(suffixes["false_friends"]),
        "not_inside": set(suffixes["not_inside"]),
        "arms": longest_first(suffixes["regional_arms"]),
        "known": known,
        "companies": set(companies.values()),
        "known_re": re.compile(alternation(known)),
        "dept_suffixes": longest_first(raw["department_suffixes"]),
        "dept_max": int(raw["department_max_chars"]),
        "dept_stop": set(raw["department_stop"]),
        "designation_cut": re.compile(raw["designation_cut"]),
        "surnames": _chars(raw["surnames"]),
        "compound": set(raw["compound_surnames"]),
        "not_names": set(raw["not_names"]),
        "foreign_re": re.compile(raw["foreign_name"]),
        "latin_name_re": re.compile(raw["latin_name"]),
        "transliteration": _chars(raw["transliteration"]),
        "pseudonym_re": re.compile(raw["pseudonym"]),
        "credit_res": [re.compile(p) for p in credits["spans"]],
        "credit_quick": re.compile(credits["quick"]),
        "credit_words": tuple(credits["words"]),
        "addressee_re": re.compile(credits["addressee"]),
        "reporter_source_re": re.compile(credits["reporter_source"]),
        "house": tuple(credits["house"]),
        "ruler_patterns": raw["ruler_patterns"],
        "followers": longest_first(said["name_followers"]),
        "verbs": tuple(f for f in said["name_followers"] if len(f) >= 2),
        "lead_words": re.compile(f"^(?:{alternation(said['lead_words'])})"),
        "lead_dates": re.compile(said["lead_dates"]),
        "lead_venue": re.compile(said["lead_venue"]),
        "self_prefixes": dict(raw["self_prefixes"]),
        "admin_suffixes": _chars(raw["admin_suffixes"]),
        "home_country": str(raw["home_country"]),
        "not_seats": set(raw["not_seats"]),
        "not_places": set(raw["not_places"]),
        "demonstratives": tuple(raw["demonstratives"]),
        "heads": longest_first(unnamed["heads"]),
        "head_continuations": _chars(unnamed["head_continuations"]),
        "head_breaks": _chars(unnamed["head_breaks"]),
        "referring": tuple(unnamed["referring"]),
        "from_place": str(unnamed["from_place"]),
        "name_separators": _chars(raw["name_separators"]),
        "quantifiers": re.compile(unnamed["quantifiers"]),
        "indefinite": re.compile(unnamed["indefinite"]),
        "title_softeners": longest_first(unnamed["title_softeners"]),
        "sides": dict(unnamed["sides"]),
        "referents": dict(unnamed["referents"]),
        "company_names": longest_first(unnamed["company_names"]),
        "company_referents": tuple(unnamed["company_referents"]),
        "max_description": int(unnamed["max_chars"]),
        "side_word": str(unnamed["side_word"]),
        "media_known": longest_first(media["known"]),
        "media_suffixes": longest_first(media["suffixes"]),
        "media_prefixes": re.compile(media["prefixes"]),
        "media_generic": tuple(media["generic"]),
        "not_media": longest_first(media["not_media"]),
        "media_breaks": set(media["breaks"]),
    }


@cache
def cues() -> dict[str, Any]:
    """``patterns/claims.yml``, its word lists compiled."""
    c = load_rules("claims.yml")
    a, t, f, r, s = (c[k] for k in ("attribution", "target", "first_or_only", "ranking", "statistic"))
    rx, alt = re.compile, alternation
    verbs = [*a["verbs"], *a["media_verbs"], *a["from_verbs"]]
    return {
        "said_re": rx(f"(?:{alt(verbs)})(?={a['verb_followers']})|{a['object_verbs']}"),
        "verb_re": rx(f"(?:(?:{alt(verbs)})(?={a['verb_followers']})|{a['object_verbs']}"
                      f"|(?P<bare>{alt(a['bare_verbs'])})(?=[^，,。；;：:！？!?]{{{int(a['bare_min'])},}}))"),
        "object_verbs": rx(a["object_verbs"]), "media_verbs": set(a["media_verbs"]), "from_verbs": set(a["from_verbs"]),
        "from_re": rx(a["from_source"]), "venue_only": rx(a["venue_only"]),
        "negations": rx(a["negations"]), "carried": rx(a["carried_subject"]),
        "quote_intro": rx(a["quote_intro"]), "max_intro": int(a["max_intro"]),
        "noun_verbs": set(a["noun_verbs"]), "not_reporting": tuple(a["not_reporting"]),
        "max_between": int(a["max_between"]), "pronouns": tuple(a["pronouns"]), "plural": a["plural"],
        "pronoun_window": int(a["pronoun_window"]), "max_sentences": int(a["max_sentences"]),
        "list_sentences": int(a["list_sentences"]), "reporter_voice": rx(a["reporter_voice"]),
        "quote_window": int(a["quote_window"]), "lead_dates": rx(a["lead_dates"]),
        "open": c["quotes"]["open"], "close": c["quotes"]["close"],
        "qa_question": rx(c["interview"]["question"]), "qa_answer": rx(c["interview"]["answer"]),
        "qa_header": rx(c["interview"]["header"]), "qa_max_paragraphs": int(c["interview"]["max_paragraphs"]),
        "qa_verb": c["interview"]["verb"],
        "deadline": [rx(p) for p in t["deadline"]], "target_re": rx(alt(t["cues"])),
        "section_re": rx(alt(t["section_headings"])), "min_chars": int(t["min_chars"]),
        "actual_re": rx(alt(t["actual_markers"])), "not_after": rx(f"(?:{alt(t['not_after'])})$"),
        "not_targets": rx(t["not_targets"]), "forecast_re": rx(alt(t["forecast_markers"])),
        "first_res": [rx(p) for p in f["cues"]], "first_quick": rx(f["quick"]),
        "need_scope": tuple(f["need_scope"]), "scopes": tuple(f["scopes"]), "counted_only": rx(f["counted_only"]),
        "strong_heads": tuple(f["head_nouns"]["strong"]), "weak_heads": tuple(f["head_nouns"]["weak"]),
        "subject_max": int(f["subject_max_chars"]), "copulas": rx(f"(?:{alt(f['copulas'])})$"),
        "subject_leading": "".join(f["subject_leading"]),
        "rank_res": [rx(p) for p in r["cues"]], "rank_quick": rx(r["quick"]),
        "rank_leading": rx(f"^(?:{alt(r['leading'])})"), "rank_trailing": rx(f"(?:{alt(r['trailing'])})+$"),
        "rank_times": rx(r["leading_times"]), "rank_durations": rx(r["trailing_times"]),
        "cut_after": tuple(r["cut_after"]),
        "source_res": [rx(p) for p in s["sources"]], "source_quick": rx(s["quick"]),
        "source_leading": rx(f"^(?:{alt(s['source_leading'])})+"), "source_trailing": rx(s["source_trailing"]),
        "empty_sources": set(s["empty_sources"]), "abbreviations": set(s["abbreviations"]),
    }
