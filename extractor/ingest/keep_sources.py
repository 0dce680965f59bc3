"""Keep every stored document's source file beside the database (see :mod:`extractor.store.sources`).

Run at the end of an ingest, over every stored document (not only those read in this run), so a
``sources/`` folder deleted or a database ingested with ``--no-keep-sources`` catches up on
the next run while the files are still there. A file is kept only while it is as it was when
hashed (its fingerprint: size, times, inode); a hard link changes the file's change time, so
its recorded fingerprint is renewed, or the next run would hash it again.
"""

from __future__ import annotations

import os
from pathlib import Path

from extractor.ingest.discover import fingerprint, sha256_file
from extractor.store.sources import keep, kept_source, source_name, sources_dir

__all__ = ["keep_sources"]

_STORED = ("select d.id, d.sha256, d.doc_type, d.path, d.size_bytes, f.root, f.path, f.fingerprint"
           " from documents d join document_files f on f.doc_id = d.id"
           " where d.status in ('ok', 'partial') and d.sha256 != ''"
           " order by d.id, (f.root = d.root and f.path = d.path) desc, f.root, f.path")


def _unchanged(path: Path, recorded: str | None, sha256: str) -> os.stat_result | None:
    """The file's stat when it still holds the content hashed (by fingerprint, else by hashing it)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if recorded and fingerprint(st) == recorded:
        return st
    try:
        return st if sha256_file(path) == sha256 else None
    except OSError:
        return None


def keep_sources(store, db_path: Path | str) -> tuple[int, int]:
    """Keep the source of every stored document that has none kept yet; return (kept now,
    documents whose source could not be kept: every file of theirs gone or changed)."""
    folder = sources_dir(db_path)
    by_doc: dict[int, list[tuple]] = {}
    for row in store.db.execute(_STORED).fetchall():
        by_doc.setdefault(row[0], []).append(row)
    kept = missing = 0
    renewed: list[tuple[str, str, str]] = []
    for files in by_doc.values():
        _id, sha, doc_type, doc_path, size, *_ = files[0]
        if kept_source(folder, sha, doc_type, doc_path, size) is not None:
            continue
        for *_, root, path, recorded in files:
            source = Path(root) / path
            if _unchanged(source, recorded, sha) is None:
                continue
            try:
                linked = keep(source, folder, source_name(sha, doc_type, doc_path))
            except OSError:
                continue
            kept += 1
            if linked:
                renewed.append((fingerprint(os.stat(source)), root, path))
            break
        else:
            missing += 1
    if renewed:
        with store.transaction():
            store.db.conn.executemany("update document_files set fingerprint = ? where root = ? and path = ?", renewed)
    return kept, missing
