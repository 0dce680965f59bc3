"""Moved to :mod:`extractor.facts.synonyms`, so that the store's search can expand a query
by the same groups without importing from the checks stage; this name stays for code
written against it."""

from extractor.facts.synonyms import (  # noqa: F401
    Group,
    Table,
    broader_steps,
    metric_key,
    norm,
    phrases,
    says_decline,
    says_loss,
    table,
    variants,
)
