"""Chinese full-text search on SQLite FTS5, shared by the store and the Datasette plugin.

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

#: Bump when the indexed form changes: the store then rebuilds ``facts_fts``.
SEARCH_VERSION = "1"

#: The FTS5 table, its indexed column and the table/column it indexes.
FTS_TABLE = "facts_fts"
FTS_COLUMN = "sentence"

_RUN_RE = re.compile(r"[^\W_]+")
_TERM_RE = re.compile(r'"([^"]*)"|(\S+)')


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


def split_terms(query: str) -> list[str]:
    """Whitespace-separated terms of ``query``; ``"double quotes"`` keep a phrase."""
    if query.count('"') % 2:
        query += '"'
    terms = []
    for quoted, bare in _TERM_RE.findall(query):
        term = (quoted if quoted else bare).strip()
        if term:
            terms.append(term)
    return terms


def term_phrase(term: str) -> str | None:
    """One term as an FTS5 phrase over the bigram index, or None if it has no runs."""
    term_runs = runs(term)
    if not term_runs:
        return None
    tokens: list[str] = []
    for run in term_runs[:-1]:
        tokens.extend(_bigrams(run))
        tokens.append(run[-1])
    last = term_runs[-1]
    if len(last) == 1:
        return '"{}"*'.format(" ".join([*tokens, last]))
    return '"{}"'.format(" ".join([*tokens, *_bigrams(last)]))


def match_expression(query: str) -> str | None:
    """FTS5 MATCH expression for ``query`` (all terms must match), None if empty."""
    phrases = [p for p in (term_phrase(t) for t in split_terms(query)) if p]
    return " ".join(phrases) or None


def escape_fts(query: str) -> str:
    """Drop-in for Datasette's ``escape_fts()`` SQL function on a bigram index.

    An empty query gives ``""``, which FTS5 accepts and which matches nothing.
    """
    return match_expression(query or "") or '""'


def contains_sql(column: str, n_terms: int, prefix: str = "term") -> str:
    """SQL requiring ``column`` to contain each term (ASCII case-insensitive).

    Parameters are named ``:{prefix}0``, ``:{prefix}1`` …; see :func:`term_params`.
    """
    return " and ".join(f"instr(lower({column}), lower(:{prefix}{i})) > 0" for i in range(n_terms))


def term_params(query: str, prefix: str = "term") -> dict[str, str]:
    """Named parameters for :func:`contains_sql`, one per term of ``query``."""
    return {f"{prefix}{i}": term for i, term in enumerate(split_terms(query))}


def _ascii_lower(text: str) -> str:
    # SQLite's lower() only folds ASCII: mirror it so highlights match results
    return "".join(c.lower() if c.isascii() else c for c in text)


def highlight(text: str, query: str) -> list[tuple[str, bool]]:
    """Split ``text`` into ``(segment, is_match)`` pieces for every term of ``query``."""
    haystack = _ascii_lower(text)
    marked = [False] * len(text)
    for term in split_terms(query):
        needle = _ascii_lower(term)
        start = haystack.find(needle)
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


def search_sql(query: str, *, limit: int = 50, offset: int = 0) -> tuple[str, str, dict]:
    """``(select_sql, count_sql, params)`` finding facts whose sentence contains ``query``.

    Rows are facts joined to their document (``title``, ``path``), in ``facts.id``
    order (documents in ingest order, facts in reading order); ranking by
    ``bm25`` costs 10× more and means little for bigrams. Raises ValueError if
    ``query`` has nothing to search for.
    """
    match = match_expression(query)
    if match is None:
        raise ValueError(f"nothing to search for in {query!r}")
    params: dict = {"match": match, "limit": limit, "offset": offset, **term_params(query)}
    where = (
        f"f.id in (select rowid from {FTS_TABLE} where {FTS_TABLE} match :match) and "
        + contains_sql("f.sentence", len(split_terms(query)))
    )
    select = (
        "select f.id, f.doc_id, f.page, f.quote, f.value, f.unit, f.value_norm, f.unit_norm,"
        " f.kind, f.modality, f.region, f.period, f.metric, f.sentence, f.method, d.title, d.path"
        f" from facts f join documents d on d.id = f.doc_id where {where}"
        " order by f.id limit :limit offset :offset"
    )
    count = f"select count(*) from facts f where {where}"
    return select, count, params
