"""A page's characters and drawn lines, read once: what every page reader gives the parser.

:class:`PageObjects` is what the parser reads of a page, whichever engine read it
(:class:`PageSource`): PDFium (:mod:`.pdfium`, the default) or pdfplumber, here, the
reference reader. Coordinates are pdfplumber's (points, origin at the top left of the
MediaBox, y down, /Rotate applied); :class:`PageMap` takes them back to PDF user space.

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
from math import cos, radians, sin
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from unicodedata import normalize as normalize_unicode

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber import utils
from pdfplumber.utils.exceptions import PdfminerException

from extractor.errors import CorruptDocument, EncryptedDocument
from extractor.models import OcrPage

__all__ = ["PageMap", "PageObjects", "PageSource", "PlumberPages", "RawChar", "read_page"]


#: pdfminer's transform of each /Rotate, as a function of the MediaBox (x0, y0, x1, y1)
_ROTATE = {
    0: lambda x0, y0, x1, y1: (1.0, 0.0, 0.0, 1.0, -x0, -y0),
    90: lambda x0, y0, x1, y1: (0.0, -1.0, 1.0, 0.0, -y0, x1),
    180: lambda x0, y0, x1, y1: (-1.0, 0.0, 0.0, -1.0, x1, y1),
    270: lambda x0, y0, x1, y1: (0.0, 1.0, -1.0, 0.0, y1, -x0),
}

@dataclass(frozen=True)
class PageMap:
    """PDF user space ↔ pdfplumber's page coordinates (x right, ``top`` down from the
    MediaBox's top, after the page's /Rotate), as an affine map ``(a, b, c, d, e, f)``:
    ``x' = a·x + c·y + e``, ``top = b·x + d·y + f``."""

    a: float
    b: float
    c: float
    d: float
    e: float
    f: float
    width: float
    height: float
    bbox: tuple[float, float, float, float]
    rotation: int

    @classmethod
    def of(cls, mediabox: tuple[float, float, float, float], rotation: int) -> PageMap:
        """The map of a page with this MediaBox and /Rotate (as pdfminer + pdfplumber lay it out)."""
        x0, x1 = sorted((mediabox[0], mediabox[2]))
        y0, y1 = sorted((mediabox[1], mediabox[3]))
        rotation %= 360
        if rotation not in _ROTATE:
            rotation = 0
        a, b, c, d, e, f = _ROTATE[rotation](x0, y0, x1, y1)
        # pdfplumber's normalised MediaBox: swapped for 90/270, then y measured from the top
        bx0, by0, bx1, by1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        height = by1 - by0
        # x' = x_m + bx0; top = height - y_m - by0, where (x_m, y_m) is pdfminer's layout point
        return cls(a, -b, c, -d, e + bx0, height - f - by0, bx1 - bx0, height,
                   (bx0, height - by1, bx1, height - by0), rotation)

    def tilted(self, degrees: float, cx: float, cy: float) -> PageMap:
        """This map followed by a turn of ``-degrees`` about ``(cx, cy)`` (page coordinates, y down):
        the map of a scanned page straightened by ``degrees``."""
        if not degrees:
            return self
        t = radians(degrees)
        # the turn that straightens a line falling by ``degrees``: x' = c·x + s·y, y' = -s·x + c·y about the centre
        co, si = cos(t), sin(t)
        a, b, c, d = co * self.a + si * self.b, -si * self.a + co * self.b, co * self.c + si * self.d, -si * self.c + co * self.d
        ex, fy = self.e - cx, self.f - cy
        e, f = co * ex + si * fy + cx, -si * ex + co * fy + cy
        return PageMap(a, b, c, d, e, f, self.width, self.height, self.bbox, self.rotation)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A PDF user-space point in page coordinates ``(x, top)``."""
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def to_pdf(self, x: float, top: float) -> tuple[float, float]:
        """A page-coordinate point back in PDF user space (for evidence boxes)."""
        det = self.a * self.d - self.b * self.c
        px, py = x - self.e, top - self.f
        return (self.d * px - self.c * py) / det, (self.a * py - self.b * px) / det


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
    #: a scanned page read by OCR: its glyphs and rules lie on the page straightened by this many
    #: degrees (about its centre), which :attr:`page_map` undoes
    skew: float = 0.0
    #: the largest image's share of the page's area, and the share of the page's text objects
    #: drawn invisibly (an OCR text layer over a scan): what decides whether a page is a scan
    image_cover: float = 0.0
    hidden_text: float | None = None  # None: the reader cannot tell
    ocr: OcrPage | None = None  # how OCR read the page, when it did

    @cached_property
    def upright_map(self) -> PageMap:
        """The map of the page as it is drawn (its box and /Rotate; no straightening)."""
        x0, top, x1, bottom = self.bbox
        y0 = -top
        y1 = y0 + (bottom - top)
        return PageMap.of((y0, x0, y1, x1) if self.rotation in (90, 270) else (x0, y0, x1, y1), self.rotation)

    @cached_property
    def page_map(self) -> PageMap:
        """This page's map between PDF user space and its coordinates (from its box, /Rotate and skew)."""
        x0, top, x1, bottom = self.bbox
        return self.upright_map.tilted(self.skew, (x0 + x1) / 2, (top + bottom) / 2)

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
    area = float(page.width) * height or 1.0

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
            elif isinstance(obj, LTImage):
                w = min(obj.x1, float(page.width)) - max(obj.x0, 0.0)
                h = min(obj.y1, height) - max(obj.y0, 0.0)
                if w > 0 and h > 0:
                    out.image_cover = max(out.image_cover, w * h / area)
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
