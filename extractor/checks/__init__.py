"""Stage 5: checks on stored facts and articles.

* :mod:`.figures` — stored facts loaded as comparable figures;
* :mod:`.consistency` — a document against itself (sums, shares, growth, tables);
* :mod:`.conflicts` — documents against each other;
* :mod:`.crosscheck` — runs both and stores the results (``checks.sql`` beside it);
* :mod:`.verify` — an article's figures against the database.
"""
