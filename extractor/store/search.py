"""Chinese full-text search on SQLite FTS5, shared by the store, the CLI and the Datasette plugin.

Each fact is indexed by its sentence, metric, region, its document's label and its
claim's text (:data:`FTS_COLUMNS`); a query (:mod:`extractor.store.query`: words
AND-ed, ``OR``, synonyms and region names) matches a fact when every word of one of
its groups is in one of those.

SQLite's ``unicode61`` tokenizer keeps a run of Chinese characters as one token,
so ``杭州`` cannot be found inside ``杭州数字服务贸易``; the ``trigram`` tokenizer
needs three characters or more. Instead the text put into ``facts_fts`` is
re-written in Python as overlapping character **bigrams**, space separated, and
queries are re-written the same way into FTS5 phrases:

* Text is NFKC-normalised and case-folded, then split into *runs* of letters,
  digits and Chinese characters; anything else (punctuation, spaces, ``%``, ``.``)
  ends a run.
* A run is indexed as its bigrams followed by its last character:
  ``杭州数字`` → ``杭州 州数 数字 字``. A one-character run is that character.
* A query term becomes a phrase of the same tokens, except that its final run
  ends without the closing unigram (it may continue in the text): ``杭州数`` →
  ``"杭州 州数"``. A final one-character run becomes a prefix: ``杭`` → ``"杭"*``.

Every substring of a text is found: a term's runs are the end of a run, whole
runs, then the start of a run, and each of those is a sequence of consecutive
tokens. A phrase also matches whatever separators sit between runs, so
``"23 3 8"*`` (from ``23.8``) also matches ``23-8``: callers that need literal
containment add :func:`contains_sql` as a post-filter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from extractor.store.query import Query, Term, parse_query

#: Bump when the indexed form changes: the store then rebuilds ``facts_fts``.
SEARCH_VERSION = "2"

#: The FTS5 table and its columns: what each fact is found by.
FTS_TABLE = "facts_fts"
FTS_COLUMNS = ("sentence", "metric", "region", "title", "claim")

_RUN_RE = re.compile(r"[^\W_]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_LIST_SEP = re.compile(r"[,，、]")


def normalize(text: str) -> str:
    """NFKC-normalise (full-width → half-width) and case-fold ``text``."""
    return unicodedata.normalize("NFKC", text).casefold()


def runs(text: str) -> list[str]:
    """The runs of letters, digits and Chinese characters in normalised ``text``."""
    return _RUN_RE.findall(normalize(text))


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> list[str]:
    """Tokens stored for ``text``: per run, its bigrams then its last character."""
    tokens: list[str] = []
    for run in runs(text):
        tokens.extend(_bigrams(run))
        tokens.append(run[-1])
    return tokens


def index_text(text: str | None) -> str:
    """``text`` as the space-separated bigram string put into ``facts_fts``."""
    return " ".join(index_tokens(text or ""))


def index_row(values: Sequence[str | None]) -> tuple[str, ...]:
    """The :data:`FTS_COLUMNS` of one fact as indexed: (sentence, metric, region, title, claim)."""
    return tuple(index_text(v) for v in values)


@dataclass(frozen=True)
class _Phrase:
    """An FTS5 phrase over the bigram index: consecutive tokens, the last a prefix when ``prefix``."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def __str__(self) -> str:
        return '"{}"'.format(" ".join(self.tokens)) + ("*" if self.prefix else "")

    def covers(self, other: _Phrase) -> bool:
        """Whether every text ``other`` matches is matched by this phrase too: its tokens sit in
        ``other``'s (a prefix token covering any token it begins)."""
        k, n = len(self.tokens), len(other.tokens)
        for i in range(n - k + 1):
            window = other.tokens[i : i + k]
            if window[:-1] != self.tokens[:-1]:
                continue
            last, ours = window[-1], self.tokens[-1]
            if self.prefix and last.startswith(ours):
                return True
            # ``other``'s own prefix token stands for longer tokens than ``ours``
            if not self.prefix and last == ours and not (other.prefix and i + k == n):
                return True
        return False


def _phrase_of(term: str) -> _Phrase | None:
    term_runs = runs(term)
    if not term_runs:
        return None
    tokens: list[str] = []
    for run in term_runs[:-1]:
        tokens.extend(_bigrams(run))
        tokens.append(run[-1])
    last = term_runs[-1]
    if len(last) == 1:
        return _Phrase((*tokens, last), prefix=True)
    return _Phrase((*tokens, *_bigrams(last)))


def term_phrase(term: str) -> str | None:
    """One word as an FTS5 phrase over the bigram index, or None if it has no runs."""
    phrase = _phrase_of(term)
    return None if phrase is None else str(phrase)


def _fewest(phrases: Iterable[_Phrase]) -> tuple[_Phrase, ...]:
    """``phrases`` (OR-ed) without those another of them covers: 杭州 OR 杭州市 is 杭州."""
    unique = list(dict.fromkeys(phrases))
    return tuple(p for p in unique if not any(q != p and q.covers(p) for q in unique))


def _alternatives(phrases: Sequence[_Phrase]) -> str:
    return str(phrases[0]) if len(phrases) == 1 else "(" + " OR ".join(map(str, phrases)) + ")"


def _query(query: str | Query) -> Query:
    return parse_query(query) if isinstance(query, str) else query


def match_expression(query: str | Query, simplify: bool = True) -> str | None:
    """FTS5 MATCH expression for ``query``: every word of a group (any of its forms), any group;
    None when a group has no word the index can look up (only punctuation).

    With ``simplify`` (the default) the expression matches the same facts with fewer phrases
    to look up: a form another form covers is dropped (杭州 OR 杭州市 → 杭州), repeated groups
    are dropped, and one-word groups are merged into one alternation (外贸 OR 进出口, each with
    the other as a synonym, is one list). Every facet of a searched table re-runs the match,
    so this is paid for many times over."""
    groups: list[tuple[tuple[_Phrase, ...], ...]] = []
    for group in _query(query).groups:
        terms = []
        for term in group:
            found = [p for p in (_phrase_of(f) for f in term.forms) if p]
            if not found:
                return None
            terms.append(_fewest(found) if simplify else tuple(dict.fromkeys(found)))
        groups.append(tuple(terms))
    if not groups:
        return None
    if not simplify:
        parts = [" AND ".join(_alternatives(t) for t in g) for g in groups]
        return parts[0] if len(parts) == 1 else " OR ".join(f"({p})" for p in parts)
    single = _fewest(p for g in groups if len(g) == 1 for p in g[0])
    # a group one of whose words is covered by the one-word groups adds nothing
    several = [g for g in dict.fromkeys(g for g in groups if len(g) > 1)
               if not any(all(any(s.covers(p) for s in single) for p in t) for t in g)]
    parts = ([_alternatives(single)] if single else []) + [" AND ".join(_alternatives(t) for t in g) for g in several]
    if len(parts) == 1:
        return parts[0]
    return " OR ".join(f"({p})" for p in parts)


def escape_fts(query: str) -> str:
    """Drop-in for Datasette's ``escape_fts()`` SQL function on a bigram index.

    An empty query gives ``""``, which FTS5 accepts and which matches nothing.
    """
    return match_expression(query or "") or '""'


# ---------------------------------------------------------------- literal containment


def haystack_sql(fact: str = "f", title: str = "d.label", claim: str = "c.text") -> str:
    """SQL for the text a fact is searched in: its sentence, metric, region, ``title`` and
    ``claim`` (SQL expressions), separated by a control character no word holds."""
    parts = [f"{fact}.sentence", f"{fact}.metric", f"{fact}.region", title, claim]
    return "(" + " || char(31) || ".join(f"coalesce({p}, '')" for p in parts) + ")"


class _Params:
    """Named parameters ``:{prefix}N`` for the SQL built here."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.values: dict[str, object] = {}

    def add(self, value: object) -> str:
        name = f"{self.prefix}{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def _contains(column: str, text: str, params: _Params) -> str:
    """``column`` holds ``text`` (ASCII letters in any case)."""
    if _ASCII_LETTER.search(text):
        return f"instr(lower({column}), {params.add(text.lower())}) > 0"
    return f"instr({column}, {params.add(text)}) > 0"


def _any_form(term: Term, column: str, params: _Params, typed_only: bool = False) -> str:
    forms = (term.text,) if typed_only else term.forms
    return "(" + " or ".join(_contains(column, f, params) for f in forms) + ")"


def _phrase(group: Sequence[Term]) -> str:
    """The words of a group written together: 杭州 跨境电商 → 杭州跨境电商; digital trade as typed."""
    out = group[0].text
    for term in group[1:]:
        out += (" " if out[-1].isascii() and term.text[0].isascii() else "") + term.text
    return out


def needs_literal(query: str | Query) -> bool:
    """Whether the bigram index can over-match ``query``: a form with more than one run
    (``23.8`` matches 23-8; ``"跨境 电商"`` matches 跨境，电商). A form of one run matches
    exactly where the text holds it (the index is as case- and width-blind as the test)."""
    return any(runs(form) != [normalize(form)] for term in _query(query).terms for form in term.forms)


def literal_sql(query: str | Query, haystack: str, prefix: str = "pf_") -> tuple[str, dict]:
    """SQL requiring ``haystack`` to hold every word (in one of its forms) of one group of
    ``query``: the exact test after the bigram index has narrowed the facts down."""
    params = _Params(prefix)
    groups = ["(" + " and ".join(_any_form(t, "h", params) for t in g) + ")" for g in _query(query).groups]
    if not groups:
        return "0", params.values
    # the haystack is built once per fact (a subquery), not once per form tested
    return f"(select {' or '.join(groups)} from (select {haystack} as h))", params.values


def rank_sql(query: str | Query, fact: str = "f", prefix: str = "pr_") -> tuple[str, dict]:
    """SQL ranking a match: 0 when the sentence holds a group's words as one phrase, 1 when it
    holds them as typed, 2 in other forms (synonyms, region names), 3 when the fact's own
    metric and region make up the rest, 4 when its document or claim is needed."""
    params = _Params(prefix)
    q = _query(query)
    if not q:
        return "4", {}
    sentence = f"{fact}.sentence"
    own = haystack_sql(fact, "null", "null")

    def every(column: str, typed_only: bool = False) -> str:
        return " or ".join("(" + " and ".join(_any_form(t, column, params, typed_only) for t in g) + ")"
                           for g in q.groups)

    tiers = [" or ".join(_contains(sentence, _phrase(g), params) for g in q.groups),
             every(sentence, True), every(sentence), every(own)]
    return "(case " + " ".join(f"when {t} then {n}" for n, t in enumerate(tiers)) + " else 4 end)", params.values


def highlight(text: str, query: str | Query) -> list[tuple[str, bool]]:
    """Split ``text`` into ``(segment, is_match)`` pieces for every form of every word of ``query``."""
    haystack = text.lower()
    marked = [False] * len(text)
    for term in _query(query).terms:
        for form in term.forms:
            needle = form.lower()
            start = haystack.find(needle) if needle else -1
            while start != -1:
                marked[start : start + len(needle)] = [True] * len(needle)
                start = haystack.find(needle, start + 1)
    pieces: list[tuple[str, bool]] = []
    for char, flag in zip(text, marked, strict=True):
        if pieces and pieces[-1][1] == flag:
            pieces[-1] = (pieces[-1][0] + char, flag)
        else:
            pieces.append((char, flag))
    return pieces


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; several values of one filter are OR-ed, filters AND-ed.
    A region is any of its names (杭州 = 杭州市); a period includes the periods within it
    (2020 includes 2020-H1, 2020-Q3 and 2020-07)."""

    region: tuple[str, ...] = ()
    period: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    modality: tuple[str, ...] = ()
    doc: tuple[int, ...] = ()
    metric_key: tuple[str, ...] = ()
    unit_norm: tuple[str, ...] = ()

    @classmethod
    def of(cls, get) -> Filters:
        """Filters from ``get(name) -> list of values`` (a request's query string): a value may
        list several, comma-separated (杭州,宁波); blanks dropped."""
        values: dict[str, tuple] = {
            f.name: tuple(dict.fromkeys(v.strip() for text in get(f.name) for v in _LIST_SEP.split(text or "")
                                        if v.strip())) for f in fields(cls)}
        values["doc"] = tuple(int(v) for v in values["doc"] if v.isdigit())
        return cls(**values)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def items(self) -> list[tuple[str, str]]:
        """(name, value) pairs, as a query string gives them."""
        return [(f.name, str(v)) for f in fields(self) for v in getattr(self, f.name)]

    def sql(self, fact: str = "f", prefix: str = "pq_") -> tuple[str, dict]:
        from extractor.facts.regions import region_forms

        params = _Params(prefix)
        wheres = []

        def one_of(column: str, values: Iterable[object]) -> str:
            return f"{fact}.{column} in (" + ", ".join(params.add(v) for v in values) + ")"

        if self.region:
            wheres.append(one_of("region", dict.fromkeys(f for r in self.region for f in region_forms(r))))
        if self.period:
            cols = ("period", "period_year", "period_half", "period_quarter")
            wheres.append("(" + " or ".join(one_of(c, self.period) for c in cols) + ")")
        for name in ("kind", "modality", "metric_key", "unit_norm"):
            if getattr(self, name):
                wheres.append(one_of(name, getattr(self, name)))
        if self.doc:
            wheres.append(one_of("doc_id", self.doc))
        return " and ".join(wheres) or "1", params.values


# ---------------------------------------------------------------- the queries

#: The columns a search result has.
RESULT_COLUMNS = (
    "f.id, f.doc_id, f.page, f.quote, f.value, f.unit, f.value_norm, f.unit_norm, f.kind, f.qualifier, f.modality,"
    " f.region, f.region_source, f.period, f.period_source, f.metric, f.metric_key, f.sentence, f.method,"
    " f.table_id, f.claim_id, d.title, d.label, d.path"
)
FROM_SQL = "facts f join documents d on d.id = f.doc_id left join claims c on c.id = f.claim_id"


def where_sql(query: str | Query, filters: Filters | None = None) -> tuple[str, dict]:
    """The WHERE clause (over ``facts f``, ``documents d``, ``claims c``) of a search; raises
    ValueError when there is neither a word nor a filter."""
    q = _query(query)
    if not q and not filters:
        raise ValueError(f"nothing to search for in {query!r}")
    wheres, params = [], {}
    if q:
        match = match_expression(q)
        if match is not None:  # else a group is only punctuation: no index to narrow by
            wheres.append(f"f.id in (select rowid from {FTS_TABLE} where {FTS_TABLE} match :match)")
            params["match"] = match
        if match is None or needs_literal(q):
            literal, more = literal_sql(q, haystack_sql())
            wheres.append(literal)
            params.update(more)
    if filters:
        where, more = filters.sql()
        wheres.append(where)
        params.update(more)
    return " and ".join(wheres), params


def search_sql(query: str | Query, filters: Filters | None = None, *, limit: int = 50,
               offset: int = 0, count_cap: int | None = None) -> tuple[str, str, dict]:
    """``(select_sql, count_sql, params)`` of the facts ``query`` finds within ``filters``:
    the best matches first (see :func:`rank_sql`), then in ``facts.id`` order (documents in
    ingest order, facts in reading order). ``count_cap``: the count stops at that many + 1
    (a broad search on a large database is not counted to the end). Raises ValueError when
    there is nothing to search for."""
    q = _query(query)
    where, params = where_sql(q, filters)
    rank, more = rank_sql(q)
    params.update(more, limit=limit, offset=offset)
    select = (f"select {RESULT_COLUMNS}, {rank} as rank from {FROM_SQL} where {where}"
              " order by rank, f.id limit :limit offset :offset")
    if count_cap is None:
        return select, f"select count(*) from {FROM_SQL} where {where}", params
    params["count_cap"] = count_cap + 1
    return select, f"select count(*) from (select 1 from {FROM_SQL} where {where} limit :count_cap)", params


#: The columns the search page counts values of.
FACET_COLUMNS = ("region", "period_year", "kind", "modality", "metric_key", "doc_id")


def column_counts_sql(rows_sql: str, columns: Sequence[str], limit: int | None = None) -> str:
    """One query giving ``(column, value, count)`` for the non-null values of each of ``columns``
    among the rows of ``rows_sql`` (with ``limit``: the most frequent of each, that many): the
    rows are read once, into a materialised CTE, and each column grouped from there, rather than
    ``rows_sql`` run again for every column."""
    names = list(dict.fromkeys(columns))
    quoted = {c: '"' + c.replace('"', '""') + '"' for c in names}
    hits = f"with hits as materialized (select {', '.join(quoted.values())} from ({rows_sql}))"
    top = f" order by count desc, value limit {int(limit)}" if limit is not None else ""
    parts = [f"select * from (select '{c.replace(chr(39), chr(39) * 2)}' as facet, {q} as value, count(*) as count"
             f" from hits where {q} is not null group by {q}{top})" for c, q in quoted.items()]
    return hits + " " + " union all ".join(parts)


def facets_sql(query: str | Query, filters: Filters | None = None,
               columns: Sequence[str] = FACET_COLUMNS) -> tuple[str, dict]:
    """One query giving ``(column, value, count)`` for each value of each of ``columns`` among
    the facts a search finds (:func:`column_counts_sql`)."""
    where, params = where_sql(query, filters)
    rows = f"select {', '.join('f.' + c for c in columns)} from {FROM_SQL} where {where}"
    return column_counts_sql(rows, columns), params
