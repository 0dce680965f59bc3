"""Finding the files to ingest, hashing them, and the metadata manifests beside them."""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from extractor.errors import PolicyFactsError
from extractor.models import ParsedDocument

__all__ = ["MANIFEST_FIELDS", "SKIP_NAMES", "ManifestError", "Manifests", "discover", "load_manifest", "sha256_file"]

SKIP_NAMES = {"manifest.yml", "manifest.yaml", "manifest.csv"}  # metadata, not documents
MANIFEST_FIELDS = ("title", "publisher", "published", "source_url", "author")


class ManifestError(PolicyFactsError):
    """A manifest.yml / manifest.csv cannot be read."""



def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def discover(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Iterator[tuple[Path, str, Path]]:
    """Yield (file, path relative to its ingest root, root) for every candidate file, in sorted order."""
    skip = {Path(p).resolve() for p in exclude}
    for root in paths:
        root = Path(root)
        if root.is_file():
            if root.resolve() not in skip:
                yield root, root.name, root.parent
            continue
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {root}")
        found = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for name in filenames:
                if name.startswith(".") or name in SKIP_NAMES:
                    continue
                f = Path(dirpath) / name
                if skip and f.resolve() in skip:
                    continue
                found.append((f.relative_to(root).as_posix(), f))
        for rel, f in sorted(found):
            yield f, rel, root


def _clean_meta(entry: Any, where: str) -> dict[str, str]:
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise ManifestError(f"{where}: expected a mapping of fields, got {entry!r}")
    out = {}
    for k, v in entry.items():
        if v is None or str(v).strip() == "":
            continue
        key = "published" if k == "date" else str(k)
        out[key] = str(v).strip()
    if "published" in out:
        out["published"] = out["published"][:10]
    return out


def load_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """Metadata a folder's ``manifest.yml`` or ``manifest.csv`` gives its files, keyed by
    path relative to the folder (``documents:`` may be a mapping or a list of entries with
    a ``file`` key; a CSV has a ``file`` column). Fields: title, publisher, published (or
    date), source_url, author. Raises :class:`ManifestError` for a manifest it cannot read."""
    for name in ("manifest.yml", "manifest.yaml"):
        p = folder / name
        if p.exists():
            try:
                data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise ManifestError(f"{p}: not valid YAML: {exc}") from exc
            items = data.get("documents", data) if isinstance(data, dict) else data
            if isinstance(items, dict):
                return {str(k): _clean_meta(v, f"{p}: {k}") for k, v in items.items()}
            if isinstance(items, list):
                out = {}
                for n, item in enumerate(items):
                    if not isinstance(item, dict) or not item.get("file"):
                        raise ManifestError(f"{p}: entry {n + 1} has no `file`")
                    out[str(item["file"])] = _clean_meta(
                        {k: v for k, v in item.items() if k != "file"}, f"{p}: {item['file']}"
                    )
                return out
            raise ManifestError(f"{p}: expected `documents:` with one entry per file")
    p = folder / "manifest.csv"
    if p.exists():
        try:
            with open(p, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ManifestError(f"{p}: cannot be read: {exc}") from exc
        out = {}
        for n, r in enumerate(rows):
            name = r.get("file") or r.get("path") or r.get("filename")
            if not name:
                raise ManifestError(f"{p}: row {n + 2} has no `file`")
            out[name] = _clean_meta({k: v for k, v in r.items() if k not in ("file", "path", "filename")},
                                    f"{p}: {name}")
        return out
    return {}


class Manifests:
    """Manifest lookups: the file's own folder first, then each parent up to the ingest root
    (keys are paths relative to the manifest's folder)."""

    def __init__(self) -> None:
        self._cache: dict[Path, dict[str, dict[str, str]]] = {}

    def folder(self, folder: Path) -> dict[str, dict[str, str]]:
        if folder not in self._cache:
            self._cache[folder] = load_manifest(folder)
        return self._cache[folder]

    def lookup(self, file: Path, root: Path) -> dict[str, str]:
        folder = file.parent
        while True:
            entries = self.folder(folder)
            if entries:
                key = file.relative_to(folder).as_posix()
                if key in entries:
                    return entries[key]
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
