"""The counts of one ingest run."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Summary"]


@dataclass
class Summary:
    """Counts for one ingest run (``as_dict`` is the ``--json`` output)."""

    files: int = 0  # discovered
    ok: int = 0
    partial: int = 0  # stored, but some pages could not be read
    unchanged: int = 0  # already stored with the same sha256: not read again
    duplicates: int = 0  # content stored under another path: recorded as another file of that document
    skipped: int = 0  # a file type policy-facts does not read, a link not followed, a FIFO
    failed: int = 0
    too_large: int = 0  # over a size, memory or time limit
    needs_ocr: int = 0
    encrypted: int = 0
    unreadable: int = 0  # folders that could not be listed (not counted in files)
    pruned_files: int = 0  # files gone from their folder, forgotten (--prune)
    pruned_documents: int = 0  # documents left without files, deleted (--prune)
    sources_kept: int = 0  # source files kept beside the database in this run (db/sources/SHA256.EXT)
    sources_missing: int = 0  # stored documents whose source could not be kept (their files gone or changed)
    facts: int = 0
    sentences: int = 0
    pages: int = 0
    seconds: float = 0.0
    store_seconds: float = 0.0  # of which the writer spent storing results
    interrupted: bool = False
    problems: list[dict[str, str]] = field(default_factory=list)  # {path, status, error}

    @property
    def done(self) -> int:
        """Files dealt with so far (read, stored, linked or found unchanged)."""
        return (self.ok + self.partial + self.unchanged + self.duplicates + self.skipped + self.failed
                + self.too_large + self.needs_ocr + self.encrypted)

    @property
    def read(self) -> int:
        """Files read in this run (all but the unchanged and duplicate ones)."""
        return self.done - self.unchanged - self.duplicates

    @property
    def incomplete(self) -> int:
        """Files not stored whole (failed, too large, partial) and folders not listed: exit code 2."""
        return self.failed + self.too_large + self.partial + self.unreadable

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}
