"""The shape of every pattern file: one pydantic model per ``*.yml``, checked when the file loads.

Every model forbids keys it does not declare, so a misspelt or forgotten key is an
error naming the file, the key path and the line (:class:`extractor.errors.PatternError`)
instead of a silently unused word list. Regular expressions are compiled once here
to report a broken one at load time.

Adding a key: write it in the YAML file, declare it in the file's model below (a
comment saying what it decides), and read it in the stage module that uses it;
``tests/test_patterns.py`` fails on a key that no module reads. Adding a file:
declare its model in :data:`SCHEMAS` (the claims files' models are in :mod:`.schema_claims`, the
number grammar's — units, qualifiers, non-facts — in :mod:`.schema_numbers`).
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, model_validator

from extractor.patterns.schema_base import Regex, Section, Words, ascii_key
from extractor.patterns.schema_claims import Claims, Entities
from extractor.patterns.schema_numbers import Nonfacts, Qualifiers, Units

# -- cues.yml, periods.yml, places.yml (facts) -------------------------------------------


class Kind(Section):
    growth: Words
    share: Words
    other: Words  # margins, yields, rates: levels of their own
    money_units: Words
    physical_units: Words
    growth_after: Words
    transition_verbs: Words
    transition_stems: Words


class Modality(Section):
    target_strong: Words
    forecast: Words
    not_forecast: Words  # hold a forecast word but state a fact (预计负债)
    listed_after: Words  # a forecast word before these is a listed item (…的预测等等)
    plan_titles: Words


class RegionCues(Section):
    scope_after: Words
    programme_after: Words
    object_markers: Words
    whole_markers: Words
    org_seats: Words
    subject_lead_chars: str
    not_object: Words  # end with an object marker but name a seat (位于)
    source_lead: Words  # 据…显示: who reports a figure is not what it is about
    source_verbs: Words


class TableCues(Section):
    rowno_headers: Words
    unit_headers: Words
    code_headers: Words
    percent_headers: Words
    target_captions: Words
    caption_noise: list[Regex]
    none_cells: Words
    not_units: Words
    unit_prefixes: Words


class TradeFlows(Section):
    total: str
    parts: Words
    heads: Words


class PeopleCount(Section):
    """7500人参加 → 参加人数: units of a count of people and the noun for their number."""

    units: Words
    noun: str


class Cues(Section):
    kind: Kind
    modality: Modality
    metric_trailing: Words
    metric_leading: Words
    metric_trailing_prepositions: Words  # 收益率在4% → 收益率, not 存在
    trade_flows: TradeFlows
    amount_heads: Words
    region: RegionCues
    table: TableCues
    question_words: Words  # where a question's subject ends (an answer takes that subject)
    count_predicate_words: Words  # end the noun after a count (19个州已经下令…)
    count_trailing_particles: Words
    noun_after_not: Words  # a figure's noun after it does not start with these
    list_totals: Words  # a list's total after a comma (…，合计W)
    people_count: PeopleCount


class Periods(Section):
    relative: dict[str, str]
    year_before_stated: Words  # 上年 after a stated year: the year before it
    same_period_last_year: Words
    current: Words  # 目前, 今日: the document's own month
    act_after_current: Words  # 日前发布: a present-time word before these dates an act, not a figure
    day_lead: Words  # 当地时间3日: a day of the document's month after these
    day_not_after: Words  # …unless one of these follows (3日内)
    year_parts: Words
    whole_year: Words
    fiscal_year: Words  # 2017会计年度, 2021财年
    base_markers: Words
    open_ended: Words  # 2020年以来: no year for a later 四季度
    compared_with: Words  # 与去年持平: a relative time word after these is a comparison's base
    date_line_verbs: Words  # 2024年4月23日印发: a line that is a date
    per_year: Words
    whole_span: Words

    @model_validator(mode="after")
    def _parts_are_relative(self) -> Periods:
        missing = [w for w in self.year_parts if w not in self.relative]
        if missing:
            raise ValueError(f"year_parts {missing} need a template in relative")
        return self


class SelfReference(Section):
    province: Words
    city: Words
    county: Words


class Places(Section):
    national: dict[str, str | None]
    default_country: str
    own_country_words: Words
    self_reference: SelfReference
    macro_regions: dict[str, str]
    countries: dict[str, str]
    foreign_regions: dict[str, str]  # 全美, US states, continents
    national_bodies: dict[str, str]
    organisations: dict[str, str]
    ambiguous_short_names: Words


# -- subjects.yml (who a figure is about when it is not a place) -----------------------------


class Subjects(Section):
    legal_suffixes: Words  # end a company's legal name (…股份有限公司)
    legal_name_fillers: Words  # dropped from a legal name for a short name (发展, 科技)
    org_suffixes: Words  # end an organisation's name in running text (集团, 大学)
    generic_organisations: Words  # end with such a suffix but name a kind (商业银行)
    announcement_words: Words  # 菲达环保：关于…公告
    body_regions: dict[str, str]  # bodies standing for a place (美联储 → 美国)
    self_reference: Words  # 公司, 本公司: the report's company
    not_self_after: Words  # …not the end of a longer noun (子公司)
    indefinite_kinds: Words  # 一大学, 某银行: named in the text that follows
    person_roles: Words  # 犯罪嫌疑人王某焘
    subsidiary_markers: Words  # 公司下属全资子公司X: the parent's figures
    legal_name_lead: Words  # 根据…有限公司: no part of the name


# -- statements.yml (company reports and their statement tables) -----------------------------


def _has_year(template: str) -> str:
    if "{Y}" not in template:
        raise ValueError(f"a report period template needs {{Y}}, the year written before the genre: {template!r}")
    return template


class StatementColumns(Section):
    """Statement column words by the period they stand for, against the report's period."""

    report: Words
    year_to_date: Words
    same_last_year: Words
    previous_year: Words


class YearSuffix(Section):
    forecast: Words
    actual: Words


class TrailingWindows(Section):
    leads: Words
    units: dict[str, Literal["month", "year", "week"]]
    tails: Words


class HeaderComparisons(Section):
    words: Words
    not_within: Words


class Statements(Section):
    report_genres: dict[str, Annotated[str, AfterValidator(_has_year)]]
    statement_columns: StatementColumns
    year_suffix: YearSuffix
    subject_headers: Words
    label_prefixes: Words
    label_notes: Words
    statement_scopes: Words
    subject_labels: Words
    subject_label_stops: Words
    legal_forms: Words
    name_tails: Words
    company_documents: Words
    ratio_items: Words
    growth_items: Words
    count_items: Words
    count_units: dict[str, str]
    holder_roles: Words
    relative_items: Words
    change_names: dict[str, str]
    trailing_windows: TrailingWindows
    balance_heads: Words
    period_header_fillers: Words
    comparisons: HeaderComparisons


# -- entities.yml, claims.yml (claims) ------------------------------------------------------


# -- checks.yml (checks) ------------------------------------------------------------------


class MetricCore(Section):
    kind_words: Words
    fillers: Words
    leading: Words
    trailing: Words


class Totals(Section):
    labels: Words
    label_prefixes: Words
    parts_marker: str
    part_rows: Words
    selection_captions: list[Regex]
    whole_words: Words


class Shares(Section):
    whole_ends: Words
    verbs_before: Words
    verbs_after: Words


class Comparisons(Section):
    compare: Regex
    down: Words
    last_period: Words
    year_on_year: Words


class Growth(Section):
    month_on_month: Words
    annual: Words
    growth_words: Words


class Revisions(Section):
    revised: Words
    preliminary: Words


class Checks(Section):
    metric_core: MetricCore
    totals: Totals
    shares: Shares
    comparisons: Comparisons
    growth: Growth
    revisions: Revisions


# -- parse.yml (parse) ------------------------------------------------------------------------


class HtmlClasses(Section):
    content: Regex
    furniture: Regex
    negative: Regex


class HtmlWords(Section):
    credit_labels: Words
    byline_words: Words
    link_tails: list[Regex]
    promotions: list[Regex]
    copyright: list[Regex]
    related_headings: Words
    meta_words: list[Regex]
    source_labels: Words
    author_labels: Words
    classes: HtmlClasses


class PdfWords(Section):
    caption_starts: Words
    unit_label_prefixes: Words
    junk_titles: list[Regex]
    notice_types: Words


class OcrWords(Section):
    digit_lookalikes: Words
    figure_ends: Words
    before_dates: Words


class Parse(Section):
    html: HtmlWords
    pdf: PdfWords
    ocr: OcrWords


# -- verify.yml, synonyms.yml (verifying an article) ----------------------------------------


class CompanySuffixes(Section):
    legal: Words  # a name ending with one of these anywhere is a company (…股份有限公司)
    short: Words  # … with one of these, only at the start of a sentence or clause (龙湖集团)


class VerifyWords(Section):
    company_suffixes: CompanySuffixes
    subject_ends: Words  # besides the relative periods of periods.yml
    subject_not_starts: Words
    securities_code: Regex
    period_lead_chars: str
    comparison_starts: Words
    coordinators: Words
    unread_periods: list[Regex]
    base_before: Words  # besides the base_markers of periods.yml
    rate_words: Words


class SynonymGroup(Section):
    key: Annotated[str, AfterValidator(ascii_key)]
    name: str
    variants: Words = []
    broader: str | None = None  # the key of the group this one is a kind of


class Synonyms(Section):
    groups: list[SynonymGroup]
    filler: Words
    change_words: Words  # besides the kind words of checks.yml (metric_core.kind_words)
    loss_words: Words

    @model_validator(mode="after")
    def _one_group_per_phrase(self) -> Synonyms:
        keys = [g.key for g in self.groups]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"group keys {twice} are used twice")
        unknown = sorted({g.broader for g in self.groups if g.broader and g.broader not in keys})
        if unknown:
            raise ValueError(f"broader keys {unknown} name no group")
        owner: dict[str, str] = {}
        for g in self.groups:
            for phrase in dict.fromkeys(unicodedata.normalize("NFKC", w).casefold() for w in (g.name, *g.variants)):
                if owner.setdefault(phrase, g.key) != g.key:
                    raise ValueError(f"{phrase!r} is in groups {owner[phrase]} and {g.key}: a phrase belongs to one")
        return self


# -- labels.yml (the Datasette pages) ---------------------------------------------------------


class Labels(Section):
    columns: dict[str, str]  # a column's Chinese label (its English is the column name)
    values: dict[str, dict[str, str]]  # a column's coded values in Chinese (growth: 增长)


#: Every YAML pattern file and its model; loading a file not listed here is an error.
SCHEMAS: dict[str, type[Section]] = {
    "units.yml": Units,
    "qualifiers.yml": Qualifiers,
    "nonfacts.yml": Nonfacts,
    "cues.yml": Cues,
    "periods.yml": Periods,
    "places.yml": Places,
    "subjects.yml": Subjects,
    "statements.yml": Statements,
    "entities.yml": Entities,
    "claims.yml": Claims,
    "checks.yml": Checks,
    "parse.yml": Parse,
    "verify.yml": VerifyWords,
    "synonyms.yml": Synonyms,
    "labels.yml": Labels,
}
