"""Schemas of the claims stage's pattern files: ``entities.yml`` and ``claims.yml``."""

from __future__ import annotations

from typing import Any, Literal

from extractor.patterns.schema_base import Regex, Section, Words


class OrgSuffixes(Section):
    strong: Words
    weak: Words
    #: single-character suffixes that end a speaking organisation (交通运输部表示)
    speaker_weak: Words
    #: company suffixes, an organisation only where a speaker stands (同盾科技辟谣称)
    company: Words
    #: class nouns: a name right after one is the organisation (美国投资公司 | 派杰)
    class_nouns: Words
    false_friends: Words
    not_inside: str
    regional_arms: Words


class Bylines(Section):
    quick: Regex
    spans: list[Regex]
    words: Words
    #: another medium's reporter quoted as a source (据美联社记者报道): no credit
    reporter_source: Regex
    #: the house's own reporters (本报记者) stay credits
    house: Words
    #: whom a statement is made to (向《红周刊》记者表示): no credit
    addressee: Regex


class UnnamedSpeakers(Section):
    """一位接近监管的人士, 该项目业主, 中国银联的一名风险专家 (claims/speakers.py)."""

    heads: Words
    head_continuations: str
    head_breaks: str
    referring: Words
    from_place: str
    max_chars: int
    quantifiers: Regex
    indefinite: Regex
    title_softeners: Words
    sides: dict[str, Words]
    referents: dict[str, Words]
    company_referents: Words
    company_names: Words
    side_word: str


class Media(Section):
    """Other media a statement is reported from (据彭博社报道)."""

    known: Words
    suffixes: Words
    prefixes: Regex
    not_media: Words
    breaks: Words
    generic: Words


class RulerPattern(Section):
    label: Literal["PERSON", "ORG", "PLACE"]
    pattern: list[dict[str, Any]]


class Entities(Section):
    titles: Words
    #: words qualifying a title from the left (贝莱德 | 固定收益业务全球首席投资官)
    title_modifiers: Words
    org_suffixes: OrgSuffixes
    self_prefixes: dict[str, Literal["self_province", "self_city", "self_county"]]
    #: a title after a place ending so is that place's (佛罗里达州坦帕市 | 市长)
    admin_suffixes: str
    home_country: str
    name_separators: str
    not_seats: Words
    not_places: Words
    demonstratives: Words
    known_organisations: dict[str, str]
    department_suffixes: Words
    department_max_chars: int
    department_stop: str
    #: where a designation starts at the latest (会上我们听取了 | 神鹰集团党委书记)
    designation_cut: Regex
    compound_surnames: Words
    surnames: str
    not_names: Words
    foreign_name: Regex
    latin_name: Regex
    transliteration: str
    pseudonym: Regex
    bylines: Bylines
    ruler_patterns: list[RulerPattern]
    unnamed_speakers: UnnamedSpeakers
    media: Media


class Attribution(Section):
    verbs: Words
    #: words ending with a verb that report nothing (以下简称, 信息披露)
    not_reporting: Words
    media_verbs: Words
    from_verbs: Words
    from_source: Regex
    #: verbs a person's statement may follow without a comma, with this much content after
    bare_verbs: Words
    bare_min: int
    object_verbs: Regex
    negations: Regex
    carried_subject: Regex
    quote_intro: Regex
    max_intro: int
    verb_followers: Regex
    lead_words: Words
    lead_venue: Regex
    venue_only: Regex
    lead_dates: Regex
    max_between: int
    noun_verbs: Words
    name_followers: Words
    pronouns: Words
    plural: str
    pronoun_window: int
    max_sentences: int
    list_sentences: int
    reporter_voice: Regex
    quote_window: int


class Interview(Section):
    """Speaker headings, questions and answers (claims/interviews.py)."""

    question: Regex
    answer: Regex
    header: Regex
    max_paragraphs: int
    verb: str


class Quotes(Section):
    open: str
    close: str


class Target(Section):
    deadline: list[Regex]
    cues: Words
    section_headings: Words
    min_chars: int
    not_after: Words
    actual_markers: Words
    #: outside a targets section, what may happen is a forecast (可能, 预计)
    forecast_markers: Words
    not_targets: Regex


class HeadNouns(Section):
    strong: Words
    weak: Words


class FirstOrOnly(Section):
    quick: Regex
    cues: list[Regex]
    need_scope: Words
    scopes: Words
    counted_only: Regex
    subject_leading: Words
    head_nouns: HeadNouns
    subject_max_chars: int
    copulas: Words


class Ranking(Section):
    quick: Regex
    cues: list[Regex]
    trailing: Words
    cut_after: Words
    leading: Words
    leading_times: Regex
    trailing_times: Regex


class Statistic(Section):
    quick: Regex
    sources: list[Regex]
    source_leading: Words
    source_trailing: Regex
    empty_sources: Words
    abbreviations: Words


class Claims(Section):
    attribution: Attribution
    quotes: Quotes
    interview: Interview
    target: Target
    first_or_only: FirstOrOnly
    ranking: Ranking
    statistic: Statistic
