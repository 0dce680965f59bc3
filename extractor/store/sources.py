"""Source files kept beside the database, by content: ``<database folder>/sources/<sha256>.<ext>``.

A published database shows its evidence from these copies (page images, "open the PDF"),
so ``db/`` alone — the database and its ``sources/`` — can be served from anywhere. A
source is hard-linked when the file system allows (no extra space), else copied; either
way it is written under a temporary name and renamed, so a reader never sees half a
file. Names are only ever made from a stored sha256 and the document type, never from a
path: :func:`kept_source` refuses anything that is not 64 hex digits.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from pathlib import Path, PurePosixPath

__all__ = ["SOURCES_DIR", "keep", "kept_source", "source_name", "sources_dir"]

#: the folder of kept sources, beside the database file
SOURCES_DIR = "sources"
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: what a text file is kept as, by its own suffix
_EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
               ".txt": "txt", ".text": "txt"}


def sources_dir(db_path: Path | str) -> Path:
    """Where the sources of the database at ``db_path`` are kept."""
    return Path(db_path).resolve().parent / SOURCES_DIR


def source_name(sha256: str, doc_type: str | None, path: str = "") -> str:
    """The kept file's name: ``<sha256>.pdf`` for a PDF, else the file's own kind of name (``.html``,
    ``.md``, ``.txt``: a Markdown article is read as a web page, and stays Markdown), else
    ``.html`` or ``.txt`` by the document's type; ValueError for anything but a sha256."""
    if not _SHA256.fullmatch(sha256 or ""):
        raise ValueError(f"not a sha256: {sha256!r}")
    ext = "pdf" if doc_type == "pdf" else _EXTENSIONS.get(PurePosixPath(path).suffix.lower())
    if ext is None:
        ext = "html" if doc_type == "html" else "txt"
    return f"{sha256}.{ext}"


def kept_source(folder: Path, sha256: str, doc_type: str | None, path: str = "",
                size_bytes: int | None = None) -> Path | None:
    """The kept source of a document, or None: not kept, or no longer its size (a hard link to a
    file edited in place since)."""
    try:
        target = folder / source_name(sha256, doc_type, path)
        st = target.stat()
    except (ValueError, OSError):
        return None
    if size_bytes is not None and st.st_size != size_bytes:
        return None
    return target


def keep(source: Path, folder: Path, name: str) -> bool:
    """Keep ``source`` as ``folder/name``: a hard link when the file system allows, else a copy;
    True when it was linked (False: copied). Raises OSError when neither works."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        os.link(source, tmp)
        linked = True
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES, errno.EOPNOTSUPP):
            raise
        shutil.copyfile(source, tmp)
        linked = False
    try:
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return linked
