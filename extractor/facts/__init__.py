"""Stage 2: sentences and tables → facts.

* :mod:`.segment` — sentences and words (jieba with the domain dictionary);
* :mod:`.numbers` — the number grammar: every figure with its value, unit and qualifier;
* :mod:`.periods`, :mod:`.regions` — time references and places;
* :mod:`.context` — what the whole document says (date, home place, genre) and the
  cue words that decide a figure's kind;
* :mod:`.sentence` — facts of running text; :mod:`.table` — facts of table cells.
"""

from extractor.facts.sentence import extract_facts

__all__ = ["extract_facts"]
