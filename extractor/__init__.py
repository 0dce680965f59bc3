"""policy-facts: figures and claims from Chinese policy texts into SQLite."""

__version__ = "0.3.0"
