"""Evidence you can see: page images and kept sources, and what a fact's page shows.

* ``/-/evidence/fact/ID.png?w=800`` — a crop of the fact's page around it, the figure boxed and
  its sentence's lines shaded (``&full=1``: the whole page); ``/-/evidence/sentence/ID.png``,
  ``/-/evidence/claim/ID.png`` (the lines shaded), ``/-/evidence/table/ID.png?fact=N`` (the
  table, the cell of fact N boxed); ``/-/evidence/page/SHA256/N.png`` (a page as printed).
  Headers: ``x-evidence-box`` (where the box was drawn, in pixels), ``x-evidence-cache``.
* ``/-/source/SHA256.pdf`` — the kept source (``#page=N`` opens a PDF at page N); a web page or
  text is sent as plain text, never run.

Files are found by the sha256 stored in the database only (the routes accept 64 hex digits and
ids), in the ``sources/`` folder beside the database file (plugin setting ``sources``), so a
copy of ``db/`` serves its evidence from wherever it is. Images are cached on disk (``sources/
.cache``, else a temporary folder; plugin setting ``evidence_cache``).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from datasette import NotFound, Response
from datasette.utils.asgi import AsgiFileDownload

from extractor.datasette import evidence
from extractor.datasette.common import SQLITE_MAX_INT, config, int_arg, viewable_database
from extractor.datasette.page_image import cached_png
from extractor.settings import SETTINGS
from extractor.store.sources import sources_dir

__all__ = ["boxed_urls", "evidence_image_view", "fact_extra_vars", "image_url", "page_image_view", "source_view"]

_EVIDENCE = SETTINGS.evidence
#: which table a reader must be allowed to see for each kind of evidence
_TABLE_OF = {"fact": "facts", "sentence": "sentences", "claim": "claims", "table": "tables"}
_CACHE_NAME = ".cache"


def folders(datasette, database: str) -> tuple[Path | None, Path | None]:
    """(kept sources, image cache) of a database: beside its file, unless the plugin settings say."""
    conf = config(datasette)
    db = datasette.get_database(database)
    sources = conf.get("sources") or (str(sources_dir(db.path)) if db.path else None)
    if sources is None:
        return None, None
    return Path(sources), _cache_folder(sources, conf.get("evidence_cache"))


@functools.lru_cache(maxsize=64)
def _cache_folder(sources: str, configured: str | None) -> Path | None:
    """The image cache of a sources folder: the one configured, else ``sources/.cache``, else (that
    cannot be written: a read-only copy) a folder of its own in the temporary folder; None when
    none can be written. Decided once per process."""
    key = hashlib.sha256(sources.encode()).hexdigest()[:16]
    for candidate in (Path(configured) if configured else Path(sources) / _CACHE_NAME,
                      Path(tempfile.gettempdir()) / "policy-facts-evidence" / key):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            probe = candidate / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError:
            continue
        return candidate
    return None


def image_url(datasette, kind: str, ident: int, width: int | None = None, **params: Any) -> str:
    """The URL of an evidence image (``kind``: fact, sentence, claim or table)."""
    query = [f"w={width}"] if width else []
    query += [f"{k}={v}" for k, v in params.items() if v is not None]
    return datasette.urls.path(f"/-/evidence/{kind}/{int(ident)}.png") + ("?" + "&".join(query) if query else "")


def _png(rendered) -> Response:
    headers = {"cache-control": "max-age=300", "x-evidence-cache": "hit" if rendered.cached else "miss",
               "x-evidence-size": ",".join(map(str, rendered.size))}
    if rendered.box_px:
        headers["x-evidence-box"] = ",".join(map(str, rendered.box_px))
    return Response(rendered.png, content_type="image/png", headers=headers)


async def _draw(datasette, request, database: str, found) -> Response:
    if found is None:
        raise NotFound("Nothing to draw: no box on a PDF page")
    source, page, drawing = found
    if source.file is None or source.doc_type != "pdf":
        raise NotFound("The source file is not kept beside this database")
    width = max(50, int_arg(request, "w", _EVIDENCE.width, _EVIDENCE.max_width))
    _sources, cache = folders(datasette, database)
    try:
        rendered = await asyncio.to_thread(cached_png, cache, source.file, source.sha256, page, width, drawing)
    except ValueError as exc:
        raise NotFound(str(exc)) from exc
    return _png(rendered)


async def evidence_image_view(datasette, request) -> Response:
    """``/-/evidence/KIND/ID.png``: see the module doc."""
    kind = request.url_vars["kind"]
    database = await viewable_database(datasette, request, _TABLE_OF[kind])
    ident = int(request.url_vars["ident"])
    if ident > SQLITE_MAX_INT:
        raise NotFound(f"No {kind} {ident}")
    full = request.args.get("full", "") not in ("", "0")
    fact = int_arg(request, "fact", 0, SQLITE_MAX_INT) or None
    sources, _cache = folders(datasette, database)
    draw = {"fact": lambda c: evidence.fact_drawing(c, sources, ident, full),
            "sentence": lambda c: evidence.sentence_drawing(c, sources, ident, full),
            "claim": lambda c: evidence.claim_drawing(c, sources, ident, full),
            "table": lambda c: evidence.table_drawing(c, sources, ident, fact, full)}[kind]
    found = await datasette.get_database(database).execute_fn(draw)
    return await _draw(datasette, request, database, found)


async def page_image_view(datasette, request) -> Response:
    """``/-/evidence/page/SHA256/N.png``: a page of a kept PDF as printed."""
    database = await viewable_database(datasette, request, "documents")
    sha, page = request.url_vars["sha"], int(request.url_vars["page"])
    sources, _cache = folders(datasette, database)
    source = await datasette.get_database(database).execute_fn(lambda c: evidence.source_of(c, sources, sha256=sha))
    if source is None:
        raise NotFound("No document with that content")
    return await _draw(datasette, request, database, (source, page, evidence.Drawing()))


async def source_view(datasette, request) -> Response | AsgiFileDownload:
    """``/-/source/SHA256.EXT``: the kept source file (a PDF shown in the browser; anything else as
    plain text, sandboxed)."""
    database = await viewable_database(datasette, request, "documents")
    sha, ext = request.url_vars["sha"], request.url_vars["ext"]
    sources, _cache = folders(datasette, database)
    source = await datasette.get_database(database).execute_fn(lambda c: evidence.source_of(c, sources, sha256=sha))
    if source is None or source.file is None or source.ext != ext:
        raise NotFound("The source file is not kept beside this database")
    name = quote(Path(source.path).name or f"{sha}.{ext}")
    headers = {"content-disposition": f"inline; filename*=UTF-8''{name}", "x-content-type-options": "nosniff",
               "cache-control": "max-age=3600"}
    if ext == "pdf":
        return AsgiFileDownload(source.file, content_type="application/pdf", headers=headers)
    headers["content-security-policy"] = "sandbox"
    return AsgiFileDownload(source.file, content_type="text/plain; charset=utf-8", headers=headers)


def source_url(datasette, source: evidence.Source, page: int | None = None) -> str | None:
    """Where the kept source is served (a PDF opened at ``page``), or None when it is not kept."""
    if source.file is None:
        return None
    url = datasette.urls.path(f"/-/source/{source.sha256}.{source.ext}")
    return url + (f"#page={page}" if page and source.ext == "pdf" else "")


async def boxed_urls(datasette, database: str, fact_ids: list[int], width: int) -> dict[int, str]:
    """The crop URL of each of ``fact_ids`` whose evidence can be drawn."""
    sources, _cache = folders(datasette, database)
    ids = sorted({int(i) for i in fact_ids if i is not None})
    boxed = await datasette.get_database(database).execute_fn(lambda c: evidence.boxed_facts(c, sources, ids))
    return {i: image_url(datasette, "fact", i, width) for i in boxed}


async def fact_extra_vars(datasette, database: str, request) -> dict:
    """``pf_evidence`` for a fact's row page (``_policy_facts_fact_extra.html``)."""
    try:
        fact_id = int(request.url_vars.get("pks", ""))
    except ValueError:
        return {}
    if fact_id > SQLITE_MAX_INT:
        return {}
    sources, _cache = folders(datasette, database)
    ctx = await datasette.get_database(database).execute_fn(lambda c: evidence.fact_context(c, sources, fact_id))
    if ctx is None:
        return {}
    source: evidence.Source = ctx["source"]
    urls = datasette.urls
    can_draw = ctx["boxed"] and source.file is not None and source.doc_type == "pdf"
    ctx.update(
        label=source.label, doc_type=source.doc_type, source_kept=source.file is not None,
        document_url=urls.row(database, "documents", str(source.doc_id)),
        kept_url=source_url(datasette, source, ctx["page"]),
        image_url=image_url(datasette, "fact", fact_id, _EVIDENCE.width) if can_draw else None,
        page_url=image_url(datasette, "fact", fact_id, 2 * _EVIDENCE.width, full=1) if can_draw else None,
        sentence_url=urls.row(database, "sentences", str(ctx["sentence_id"])) if ctx["sentence_id"] else None,
        paragraph_url=urls.row(database, "paragraphs", str(ctx["paragraph_id"])) if ctx["paragraph_id"] else None,
        table_url=(urls.path(f"/-/source-table/{ctx['table_id']}") + f"?fact={fact_id}") if ctx["table_id"] else None,
    )
    claim = ctx["claim"]
    if claim is not None:
        claim["url"] = urls.row(database, "claims", str(claim["id"]))
        if claim["speaker"]:
            claim["speaker_url"] = urls.table(database, "claims") + "?speaker=" + quote(claim["speaker"])
    for check in ctx["checks"]:
        check["url"] = urls.row(database, "checks", str(check["id"]))
    for conflict in ctx["conflicts"]:
        conflict["url"] = urls.row(database, "conflicts", str(conflict["id"]))
        conflict["other_url"] = urls.row(database, "facts", str(conflict["other_fact"]))
    return {"pf_evidence": ctx}
