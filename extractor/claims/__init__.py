"""Stage 3: who said what — attributions, targets, firsts, rankings, statistics.

* :mod:`.entities` — people, organisations and places found by rules;
* :mod:`.statements` — claims built from sentences and their facts.
"""

from extractor.claims.statements import extract_claims

__all__ = ["extract_claims"]
