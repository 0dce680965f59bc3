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
    money_units: Words
    physical_units: Words
    growth_after: Words
    transition_verbs: Words
    transition_stems: Words


class Modality(Section):
    target_strong: Words
    forecast: Words
    plan_titles: Words


class RegionCues(Section):
    scope_after: Words
    programme_after: Words
    object_markers: Words
    whole_markers: Words
    org_seats: Words
    subject_lead_chars: str


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


class CountedNoun(Section):
    stop_words: Words
    stop_verbs: Words


class Cues(Section):
    kind: Kind
    modality: Modality
    metric_trailing: Words
    metric_leading: Words
    trade_flows: TradeFlows
    amount_heads: Words
    counted_noun: CountedNoun
    region: RegionCues
    table: TableCues


class Periods(Section):
    relative: dict[str, str]
    same_period_last_year: Words
    year_parts: Words
    whole_year: Words
    base_markers: Words
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
    national_bodies: dict[str, str]
    organisations: dict[str, str]
    ambiguous_short_names: Words


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


class Parse(Section):
    html: HtmlWords
    pdf: PdfWords


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
    "statements.yml": Statements,
    "entities.yml": Entities,
    "claims.yml": Claims,
    "checks.yml": Checks,
    "parse.yml": Parse,
    "verify.yml": VerifyWords,
    "synonyms.yml": Synonyms,
    "labels.yml": Labels,
}
