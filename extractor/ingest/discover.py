"""Finding the files to ingest, hashing them, and the metadata manifests beside them.

Discovery is safe on any folder: it lists regular files only, follows no
symbolic link unless asked (``follow_symlinks``), and then none that leads out
of the ingest root or back into a folder already walked; a FIFO, socket or
device is reported, never opened; a folder that cannot be listed is reported
with its error; names that are not UTF-8 are kept (surrogate escapes) to open the
file and shown as ``\\xNN`` (:func:`display`). Every entry found, read or not,
comes out as one :class:`Found`, sorted by path within each root.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from extractor.errors import PolicyFactsError
from extractor.models import ParsedDocument

__all__ = ["MANIFEST_FIELDS", "SKIP_NAMES", "Found", "ManifestError", "Manifests", "NotRegularFile", "discover",
           "display", "fingerprint", "hash_file", "load_manifest", "open_regular", "printable", "sha256_file"]

SKIP_NAMES = {"manifest.yml", "manifest.yaml", "manifest.csv"}  # metadata, not documents
MANIFEST_FIELDS = ("title", "publisher", "published", "source_url", "author")


class ManifestError(PolicyFactsError):
    """A manifest.yml / manifest.csv, or one entry of it, cannot be read."""


class NotRegularFile(OSError):
    """The path is no longer a regular file (replaced by a FIFO, a device or a link)."""


# ---------------------------------------------------------------- names


def display(text: str) -> str:
    """``text`` with the bytes of a name that is not UTF-8 (surrogate escapes) written as ``\\xNN``:
    what the database stores and messages show (the same name always gives the same text)."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file system made
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (escape sequences, line breaks)
    and bidirectional overrides written as ``\\xNN`` / ``\\uNNNN``; undecodable bytes as ``\\xNN``."""
    def esc(m: re.Match) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    return _CONTROL.sub(esc, display(text))


# ---------------------------------------------------------------- hashing


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file. Opens without blocking and without
    following a final symbolic link, and refuses what is not a regular file (a FIFO put in its
    place would otherwise block forever): raises :class:`NotRegularFile` or another OSError."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == getattr(os, "ELOOP", None) or os.path.islink(path):
            raise NotRegularFile(exc.errno, "a symbolic link, not a regular file") from exc
        raise
    fh = os.fdopen(fd, "rb")
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        fh.close()
        raise NotRegularFile(0, f"not a regular file ({_kind(st.st_mode)})")
    return fh


def hash_file(path: Path) -> tuple[str, int]:
    """(sha256, size) of a regular file (see :func:`open_regular`)."""
    with open_regular(path) as fh:
        h = hashlib.sha256()
        size = 0
        while block := fh.read(1 << 20):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def sha256_file(path: Path) -> str:
    return hash_file(path)[0]


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


# ---------------------------------------------------------------- discovery


@dataclass(frozen=True)
class Found:
    """One entry of an ingest root. ``status`` None: a regular file to read from ``file``; else
    ``skipped`` (a link not followed, a FIFO, a device: a documents row says so), ``failed``
    (cannot be looked at) or ``unreadable`` (a folder that cannot be listed: reported, no row)."""

    path: Path  # where it was found, under the root
    rel: str  # its path under the root, as stored and shown (:func:`display`)
    root: Path  # the ingest root as given
    root_id: str  # the root, absolute and canonical: the "where from" of the file's identity
    status: str | None = None
    error: str | None = None
    target: Path | None = None  # a followed link's target
    fingerprint: str = ""  # size, times and inode when found: unchanged, the file need not be hashed again

    @property
    def file(self) -> Path:
        """What to read: the file, or the target of a followed link."""
        return self.target or self.path


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def discover(paths: Iterable[Path], exclude: Iterable[Path] = (), *, follow_symlinks: bool = False) -> Iterator[Found]:
    """Every entry of each path (a folder: its tree, hidden files, manifests and ``exclude`` left
    out; a file: itself, its folder as root), as :class:`Found`, sorted by path within each root.
    Raises FileNotFoundError for a path that does not exist."""
    skip = {os.path.realpath(p) for p in exclude}
    for root in paths:
        root = Path(root)
        if not os.path.lexists(root):
            raise FileNotFoundError(f"no such file or folder: {printable(str(root))}")
        if not root.is_dir():  # a file named on the command line: its folder is the root
            real = os.path.realpath(root)
            if real in skip:
                continue
            parent = os.path.realpath(root.parent)  # named by the user: a link is followed wherever it leads
            yield _entry(root, root.name, root.parent, display(parent), os.sep, follow=True)
            continue
        real_root = os.path.realpath(root)
        found = list(_walk(root, root, "", real_root, display(real_root), skip, follow_symlinks, set()))
        yield from sorted(found, key=lambda f: f.rel)


def _entry(path: Path, rel: str, root: Path, root_id: str, real_root: str, *, follow: bool) -> Found:
    """What a file (not a folder) found at ``path`` is: one to read or one to report."""
    shown = display(rel)
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            if not follow:
                return Found(path, shown, root, root_id, "skipped",
                             "SymbolicLink: not followed (ingest --follow-symlinks follows links inside the root)")
            target = os.path.realpath(path)
            if not _inside(target, real_root):
                return Found(path, shown, root, root_id, "skipped",
                             "SymbolicLink: leads out of the ingest root; not followed")
            st = os.stat(target)
            if not stat.S_ISREG(st.st_mode):
                return Found(path, shown, root, root_id, "skipped",
                             f"SymbolicLink: leads to {_kind(st.st_mode)}; not followed")
            return Found(path, shown, root, root_id, target=Path(target), fingerprint=fingerprint(st))
    except OSError as exc:
        if os.path.islink(path):
            return Found(path, shown, root, root_id, "skipped", "SymbolicLink: leads nowhere (or round in a loop)")
        return Found(path, shown, root, root_id, "failed",
                     display(f"{type(exc).__name__}: cannot look at the file: {exc.strerror or exc}"))
    if not stat.S_ISREG(st.st_mode):
        return Found(path, shown, root, root_id, "skipped", f"NotRegularFile: {_kind(st.st_mode)}; not read")
    return Found(path, shown, root, root_id, fingerprint=fingerprint(st))


def fingerprint(st: os.stat_result) -> str:
    """Size, modification and change times (ns) and inode of a file. The change time is set by
    the kernel on every write, so a file with the same fingerprint as when it was hashed has the
    same content (as git, make and rsync assume of far less)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _walk(root: Path, folder: Path, prefix: str, real_root: str, root_id: str, skip: set[str],
          follow: bool, seen: set[tuple[int, int]]) -> Iterator[Found]:
    try:
        st = os.stat(folder)
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Found(folder, display(prefix or "./"), root, root_id, "unreadable",
                    display(f"{type(exc).__name__}: cannot list the folder: {exc.strerror or exc}"))
        return
    for e in entries:
        rel = prefix + e.name
        if e.name.startswith(".") or e.name == "__pycache__":
            continue
        try:
            is_link, is_dir = e.is_symlink(), e.is_dir(follow_symlinks=False)
        except OSError:
            is_link = is_dir = False
        if is_link and follow and os.path.isdir(e.path):
            target = os.path.realpath(e.path)
            try:
                st = os.stat(target)
            except OSError:  # gone since: reported as the link it is
                yield _entry(Path(e.path), rel, root, root_id, real_root, follow=False)
                continue
            if not _inside(target, real_root):
                yield Found(Path(e.path), display(rel), root, root_id, "skipped",
                            "SymbolicLink: a folder out of the ingest root; not followed")
            elif (st.st_dev, st.st_ino) in seen:
                yield Found(Path(e.path), display(rel), root, root_id, "skipped",
                            "SymbolicLink: a folder already walked (a loop); not followed")
            else:  # walked where it was found, so manifests and paths stay under the root
                yield from _walk(root, Path(e.path), rel + "/", real_root, root_id, skip, follow, seen)
            continue
        if is_dir:
            if os.path.realpath(e.path) not in skip:
                yield from _walk(root, Path(e.path), rel + "/", real_root, root_id, skip, follow, seen)
            continue
        if e.name in SKIP_NAMES or os.path.realpath(e.path) in skip:
            continue
        yield _entry(Path(e.path), rel, root, root_id, real_root, follow=follow)


#: The largest manifest read (a manifest is a few lines per file).
MAX_MANIFEST_BYTES = 16 << 20
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?")


def manifest_date(value: Any, where: str) -> str:
    """An ISO date (or a year, or a year and month: 2024, 2024-05) from a manifest's
    ``published``/``date``; raises :class:`ManifestError` with what to write instead."""
    from extractor.parse.normalize import normalize_date

    text = str(value).strip()
    m = _PARTIAL_DATE.fullmatch(text)
    if m and 1000 <= int(m.group(1)) <= 2999 and (m.group(2) is None or 1 <= int(m.group(2)) <= 12):
        return text
    iso = normalize_date(value)
    if iso is None:
        raise ManifestError(f"{where}: published {text[:40]!r} is not a date: write it as 2024-05-01 (or 2024-05, 2024)")
    return iso


def _clean_meta(entry: Any, where: str) -> dict[str, str]:
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise ManifestError(f"{where}: expected a mapping of fields, got {str(entry)[:80]!r}")
    out = {}
    for k, v in entry.items():
        if v is None or isinstance(v, str) and not v.strip():
            continue
        if isinstance(v, list | dict | set | tuple):  # also what a YAML alias bomb expands to
            raise ManifestError(f"{where}: {str(k)[:40]}: expected a single value, got a {type(v).__name__}")
        key = "published" if k == "date" else str(k)
        out[key] = str(v).strip()
    if "published" in out:
        out["published"] = manifest_date(entry.get("published", entry.get("date")), where)
    return out


def _entries(items: dict | list, where: Path) -> dict[str, dict[str, str] | ManifestError]:
    """Each file's metadata, or the error of its own entry (that file fails, not the others)."""
    out: dict[str, dict[str, str] | ManifestError] = {}
    pairs = items.items() if isinstance(items, dict) else [(None, item) for item in items]
    for n, (name, meta) in enumerate(pairs):
        if name is None:  # a list entry: {file: …, title: …}
            if not isinstance(meta, dict) or not meta.get("file") or isinstance(meta["file"], list | dict):
                raise ManifestError(f"{where}: entry {n + 1} has no `file`")
            name, meta = meta["file"], {k: v for k, v in meta.items() if k != "file"}
        try:
            out[str(name)] = _clean_meta(meta, f"{where}: {name}")
        except ManifestError as exc:
            out[str(name)] = exc
    return out


def _read_manifest(p: Path) -> str | None:
    """The text of the manifest ``p``, None when there is none. A manifest that is a link, not a
    regular file, too large or not UTF-8 raises :class:`ManifestError` (never blocks, never
    reads a file out of the folder)."""
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ManifestError(f"{p}: cannot be read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise ManifestError(f"{p}: {_kind(st.st_mode)}, not a regular file; not read")
    if st.st_size > MAX_MANIFEST_BYTES:
        raise ManifestError(f"{p}: {st.st_size / 2**20:.0f} MB, over the {MAX_MANIFEST_BYTES >> 20} MB a manifest may be")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_MANIFEST_BYTES + 1)
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{p}: cannot be read: {exc}") from exc


def load_manifest(folder: Path) -> dict[str, dict[str, str] | ManifestError]:
    """Metadata a folder's ``manifest.yml`` or ``manifest.csv`` gives its files, keyed by
    path relative to the folder (``documents:`` may be a mapping or a list of entries with
    a ``file`` key; a CSV has a ``file`` column). Fields: title, publisher, published (or
    date), source_url, author. Raises :class:`ManifestError` for a manifest it cannot read;
    an entry that is bad by itself (a date that is no date) is that entry's ManifestError."""
    for name in ("manifest.yml", "manifest.yaml"):
        p = folder / name
        text = _read_manifest(p)
        if text is not None:
            try:
                data = yaml.safe_load(text) or {}
            except (yaml.YAMLError, RecursionError) as exc:
                raise ManifestError(f"{p}: not valid YAML: {str(exc)[:300]}") from exc
            items = data.get("documents", data) if isinstance(data, dict) else data
            if isinstance(items, dict | list):
                return _entries(items, p)
            raise ManifestError(f"{p}: expected `documents:` with one entry per file")
    p = folder / "manifest.csv"
    text = _read_manifest(p)
    if text is not None:
        try:
            rows = list(csv.DictReader(text.splitlines()))
        except csv.Error as exc:
            raise ManifestError(f"{p}: cannot be read: {exc}") from exc
        out: dict[str, dict[str, str] | ManifestError] = {}
        for n, r in enumerate(rows):
            file = r.get("file") or r.get("path") or r.get("filename")
            if not file:
                raise ManifestError(f"{p}: row {n + 2} has no `file`")
            try:
                out[file] = _clean_meta({k: v for k, v in r.items() if k not in ("file", "path", "filename")},
                                        f"{p}: {file}")
            except ManifestError as exc:
                out[file] = exc
        return out
    return {}


class Manifests:
    """Manifest lookups: the file's own folder first, then each parent up to the ingest root
    (keys are paths relative to the manifest's folder)."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, dict[str, str] | ManifestError] | ManifestError] = {}

    def folder(self, folder: Path) -> dict[str, dict[str, str] | ManifestError]:
        if folder not in self._cache:
            try:
                self._cache[folder] = load_manifest(folder)
            except ManifestError as exc:  # every file it would describe fails with this error
                self._cache[folder] = exc
        found = self._cache[folder]
        if isinstance(found, ManifestError):
            raise found
        return found

    def lookup(self, file: Path, root: Path) -> dict[str, str]:
        """The manifest entry of ``file`` (found under ``root``); raises :class:`ManifestError`
        when a manifest on the way cannot be read, or the file's own entry is bad."""
        folder = file.parent
        while True:
            entries = self.folder(folder)
            if entries:
                key = file.relative_to(folder).as_posix()
                if key in entries:
                    entry = entries[key]
                    if isinstance(entry, ManifestError):
                        raise entry
                    return entry
            if folder == root or folder == folder.parent or root not in folder.parents:
                return {}
            folder = folder.parent


def apply_manifest(doc: ParsedDocument, meta: dict[str, str]) -> None:
    """Set what the manifest entry ``meta`` gives on ``doc`` (it wins over the file's own metadata)."""
    for key in ("title", "publisher", "source_url", "author"):
        if meta.get(key):
            setattr(doc, key, meta[key])
    date = meta.get("published") or meta.get("date")
    if date:
        doc.published = doc.date = str(date)[:10]
        doc.date_source = "manifest"
