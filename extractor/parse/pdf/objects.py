"""A page's characters and drawn lines, read once: what every page reader gives the parser.

:class:`PageObjects` is what the parser reads of a page, whichever engine read it
(:class:`PageSource`): PDFium (:mod:`.pdfium`, the default) or pdfplumber, here, the
reference reader.

pdfplumber's ``page.chars`` turns every glyph into a dict of some twenty
resolved attributes (colours, colour spaces, matrix, marked-content tags...).
The parser needs six of them, and on text-heavy pages that conversion costs
about as much as interpreting the page itself.  :func:`read_page` walks the
same layout (``page.layout``, pdfplumber's own interpretation of the page)
and keeps the characters as small tuples with pdfplumber's coordinates; the
few drawn objects (rects, lines, curves) still go through pdfplumber's
``process_object`` so table finding sees exactly what ``page.edges`` gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from unicodedata import normalize as normalize_unicode

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTLine, LTRect
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber import utils
from pdfplumber.utils.exceptions import PdfminerException

from extractor.errors import CorruptDocument, EncryptedDocument

__all__ = ["PageObjects", "PageSource", "PlumberPages", "RawChar", "read_page"]


class RawChar(NamedTuple):
    """One glyph as drawn: text and box in pdfplumber's top-left coordinates."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    upright: bool


@dataclass
class PageObjects:
    """What the parser reads of a page.  Has the ``width``/``height``/``rects``/``lines``/
    ``curves``/``edges`` that table finding uses, like a pdfplumber page."""

    width: float
    height: float
    bbox: tuple[float, float, float, float]
    chars: list[RawChar] = field(default_factory=list)
    rects: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    curves: list[dict[str, Any]] = field(default_factory=list)
    rotation: int = 0  # the page's /Rotate, already applied to the coordinates

    @cached_property
    def edges(self) -> list[dict[str, Any]]:
        """Line, rect and curve edges, as pdfplumber's ``Page.edges``."""
        return (
            [utils.line_to_edge(ln) for ln in self.lines]
            + list(chain.from_iterable(utils.rect_to_edges(r) for r in self.rects))
            + list(chain.from_iterable(utils.curve_to_edges(c) for c in self.curves))
        )


def read_page(page: pdfplumber.page.Page) -> PageObjects:
    """Characters, rects, lines and curves of ``page``, in content-stream order.

    Coordinates follow pdfplumber's ``process_object``: ``top``/``bottom`` measured from the top
    of the page and shifted by the MediaBox origin, as ``page.chars`` has them."""
    height = float(page.height)
    mb_x0, mb_top = (float(v) for v in page.mediabox[:2])
    norm = page.pdf.unicode_norm
    out = PageObjects(width=float(page.width), height=height, bbox=tuple(float(v) for v in page.bbox),
                      rotation=int(page.rotation))
    chars = out.chars
    drawn = {LTRect: out.rects, LTLine: out.lines, LTCurve: out.curves}

    def walk(objs: LTContainer) -> None:
        for obj in objs:
            if isinstance(obj, LTChar):
                text = obj.get_text()
                if norm is not None:
                    text = normalize_unicode(norm, text)
                chars.append(RawChar(
                    text, obj.x0 + mb_x0, obj.x1 + mb_x0,
                    height - obj.y1 + mb_top, height - obj.y0 + mb_top, obj.size, obj.upright,
                ))
            elif isinstance(obj, LTContainer):
                walk(obj)
            elif isinstance(obj, LTCurve):
                kind = LTRect if isinstance(obj, LTRect) else LTLine if isinstance(obj, LTLine) else LTCurve
                drawn[kind].append(page.process_object(obj))

    walk(page.layout)
    return out


class PageSource(Protocol):
    """A PDF's pages as :class:`PageObjects`: what the parser reads a PDF through (PDFium,
    pdfplumber, or a page source that recognises text in images)."""

    engine: str
    metadata: dict[str, str]

    def __len__(self) -> int: ...

    def read(self, index: int) -> PageObjects:
        """Page ``index`` (0-based); raises when the page cannot be read."""
        ...

    def close(self) -> None: ...


def _close(obj: pdfplumber.PDF | pdfplumber.page.Page) -> None:
    """Close a PDF or page even when pdfminer chokes on the damaged file again."""
    try:
        obj.close()
    except Exception:
        stream = getattr(obj, "stream", None)
        if stream is not None:
            stream.close()


class PlumberPages:
    """A PDF's pages read by pdfplumber (pdfminer): the reference reader.

    Raises :class:`EncryptedDocument` for a wrong or missing password and
    :class:`CorruptDocument` for a file pdfminer cannot open or whose page tree it cannot read."""

    engine = "pdfplumber"

    def __init__(self, path: Path | str, password: str | None = None):
        path = Path(path)
        try:
            self._pdf = pdfplumber.open(path, password=password or "")
        except PdfminerException as exc:
            inner = exc.args[0] if exc.args else exc
            if isinstance(inner, PDFEncryptionError):
                msg = "wrong password" if password else "encrypted; a password is needed"
                raise EncryptedDocument(f"{path.name}: {msg}") from exc
            raise CorruptDocument(f"{path.name}: cannot be read as PDF ({inner})") from exc
        except Exception as exc:  # pdfminer raises many kinds on damaged files
            raise CorruptDocument(f"{path.name}: cannot be read as PDF ({exc})") from exc
        try:
            self._pages = self._pdf.pages
            self.metadata = {str(k): str(v) for k, v in self._pdf.metadata.items() if isinstance(v, str | int | float)}
        except Exception as exc:
            _close(self._pdf)
            raise CorruptDocument(f"{path.name}: page tree unreadable ({exc})") from exc

    def __len__(self) -> int:
        return len(self._pages)

    def read(self, index: int) -> PageObjects:
        page = self._pages[index]
        try:
            return read_page(page)
        finally:
            _close(page)

    def close(self) -> None:
        _close(self._pdf)
