"""A page's glyphs and drawn lines read through PDFium, in pdfplumber's coordinates.

PDFium (the PDF engine of Chrome, through ``pypdfium2``) interprets a page in C,
an order of magnitude faster than pdfminer's pure-Python interpreter under
pdfplumber. :class:`PdfiumPages` reads a page into the same
:class:`~extractor.parse.pdf.objects.PageObjects` the pdfplumber reader gives, so
layout, de-duplication, radicals, tables and reading order run unchanged on top:

* **glyphs** from PDFium's text page, in content-stream order, with the box pdfminer
  gives a glyph: from its origin to its advance, from the font's descent to descent +
  size (PDFium's own "loose" box reaches up to the font's ascent instead), and
  pdfminer's ``upright`` test on the glyph's matrix; the spaces and line breaks
  PDFium inserts between words and lines are not glyphs and are left out;
* **rectangles, lines and curves** from the page's path objects (inside form XObjects
  too), sorted into rect / line / curve the way pdfminer does it, so table finding
  sees the edges ``page.edges`` gives;
* the page's **box, size and rotation**, in pdfplumber's convention: origin at the top
  left of the MediaBox, y down, ``/Rotate`` applied the way pdfminer applies it.

The coordinates stay in points: a box maps back to PDF user space through the page's
:class:`~extractor.parse.pdf.objects.PageMap`, which is what drawing evidence boxes on a
rendered page needs.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pypdfium2
import pypdfium2.raw as pdfium_c

from extractor.errors import CorruptDocument, EncryptedDocument
from extractor.parse.pdf.objects import PageMap, PageObjects, RawChar

__all__ = ["PdfiumPages", "image_cover", "read_pdfium_page"]

_TEXT, _PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
_IMAGE, _INVISIBLE = pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
_MOVE, _BEZIER = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
#: code points PDFium may insert itself between words and lines (asked about with IsGenerated)
_MAYBE_GENERATED = frozenset((0x20, 0x0D, 0x0A))
Matrix = tuple[float, float, float, float, float, float]


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _handles(fn: Any) -> Any:
    """``fn`` taking and returning pointers — PDFium's handles, and where it writes its answers —
    as plain addresses (ints; ``byref`` works too): handles can then be compared and used as keys,
    and no pointer object is made, or checked, per call (the glyph loop calls these ~10⁵ times)."""
    def plain(t: Any) -> Any:
        return ctypes.c_void_p if isinstance(t, type) and issubclass(t, ctypes._Pointer) else t

    return ctypes.cast(fn, ctypes.CFUNCTYPE(plain(fn.restype), *map(plain, fn.argtypes)))


_count_objects = _handles(pdfium_c.FPDFPage_CountObjects)
_get_object = _handles(pdfium_c.FPDFPage_GetObject)
_form_count = _handles(pdfium_c.FPDFFormObj_CountObjects)
_form_object = _handles(pdfium_c.FPDFFormObj_GetObject)
_object_type = _handles(pdfium_c.FPDFPageObj_GetType)
_object_matrix = _handles(pdfium_c.FPDFPageObj_GetMatrix)
_object_bounds = _handles(pdfium_c.FPDFPageObj_GetBounds)
_draw_mode = _handles(pdfium_c.FPDFPath_GetDrawMode)
_count_segments = _handles(pdfium_c.FPDFPath_CountSegments)
_segment = _handles(pdfium_c.FPDFPath_GetPathSegment)
_segment_point = _handles(pdfium_c.FPDFPathSegment_GetPoint)
_segment_type = _handles(pdfium_c.FPDFPathSegment_GetType)
_segment_close = _handles(pdfium_c.FPDFPathSegment_GetClose)
_text_object = _handles(pdfium_c.FPDFText_GetTextObject)
_render_mode = _handles(pdfium_c.FPDFTextObj_GetTextRenderMode)
_text_font = _handles(pdfium_c.FPDFTextObj_GetFont)
_text_size = _handles(pdfium_c.FPDFTextObj_GetFontSize)
_font_descent = _handles(pdfium_c.FPDFFont_GetDescent)
_glyph_width = _handles(pdfium_c.FPDFFont_GetGlyphWidth)
_loose_box = _handles(pdfium_c.FPDFText_GetLooseCharBox)
_char_box = _handles(pdfium_c.FPDFText_GetCharBox)
_char_origin = _handles(pdfium_c.FPDFText_GetCharOrigin)
_char_matrix = _handles(pdfium_c.FPDFText_GetMatrix)
_char_size = _handles(pdfium_c.FPDFText_GetFontSize)
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: a text object narrower than this (points) is left out of PDFium's text page
_BLANK = 1e-4


@dataclass
class _Objects:
    """A page's objects in content-stream order, form XObjects opened where they are drawn."""

    #: each text object's position in that order
    texts: dict[int, int]
    #: each path object with the matrix that takes its own matrix on to page space
    paths: list[tuple[int, Matrix]]
    #: that matrix for the text objects inside a form XObject (identity for the others)
    outer: dict[int, Matrix]
    #: the images' boxes in PDF user space, and how many text objects are drawn invisibly
    images: list[tuple[float, float, float, float]] = field(default_factory=list)
    invisible: int = 0


def _walk(page: Any) -> _Objects:
    """The page's text and path objects (see :class:`_Objects`)."""
    out = _Objects({}, [], {})
    texts, paths = out.texts, out.paths
    m = pdfium_c.FS_MATRIX()
    m_p = ctypes.byref(m)

    box = [ctypes.c_float() for _ in range(4)]
    box_p = [ctypes.byref(v) for v in box]

    def visit(holder: int, n: int, get: Any, outer: Matrix) -> None:
        for i in range(n):
            obj = get(holder, i)
            kind = _object_type(obj)
            if kind == _TEXT:
                texts[obj] = len(texts)
                if outer is not _IDENTITY:
                    out.outer[obj] = outer
                if _render_mode(obj) == _INVISIBLE:
                    out.invisible += 1
            elif kind == _IMAGE and _object_bounds(obj, *box_p):
                x0, y0, x1, y1 = (v.value for v in box)
                a, bb, c, d, e, f = outer
                xs, ys = zip(*((a * x + c * y + e, bb * x + d * y + f) for x, y in ((x0, y0), (x1, y1), (x0, y1), (x1, y0))), strict=True)
                out.images.append((min(xs), min(ys), max(xs), max(ys)))
            elif kind == _PATH:
                paths.append((obj, outer))
            elif kind == _FORM:
                _object_matrix(obj, m_p)
                visit(obj, _form_count(obj), _form_object, _mul((m.a, m.b, m.c, m.d, m.e, m.f), outer))

    visit(page, _count_objects(page), _get_object, _IDENTITY)
    return out


def _blanks(objects: _Objects, seen: set[int], pm: PageMap) -> list[tuple[int, RawChar]]:
    """The text objects PDFium's text page left out for being no wider than :data:`_BLANK` — a
    space drawn by itself, which pdfminer, and the parser, see as an explicit space — as spaces
    where they are, with their positions in the content stream. A text object left out for
    repeating the one before (fake bold) is not one, nor is one whose font cannot draw it (no size,
    or no width for a space: a broken font)."""
    box = [ctypes.c_float() for _ in range(4)]
    box_p = [ctypes.byref(v) for v in box]
    out = []
    for obj, k in objects.texts.items():
        if obj not in seen and _object_bounds(obj, *box_p) and abs(box[2].value - box[0].value) < _BLANK:
            space = _space(obj, objects.outer.get(obj, _IDENTITY), pm)
            if space is not None:
                out.append((k, space))
    return out


def _space(obj: int, outer: Matrix, pm: PageMap) -> RawChar | None:
    """A space drawn by itself, boxed as pdfminer boxes a glyph: from the text object's origin to the
    font's width for a space, from its descent to descent + size (a turned one: a point); None
    when its size or its font's width for a space is 0 (nothing a space could be drawn with)."""
    m, value = pdfium_c.FS_MATRIX(), ctypes.c_float()
    _object_matrix(obj, ctypes.byref(m))
    a, b, c, d, e, f = _mul((m.a, m.b, m.c, m.d, m.e, m.f), outer)
    size = value.value if _text_size(obj, ctypes.byref(value)) else 0.0
    font = _text_font(obj)
    width = value.value if font and _glyph_width(font, 0x20, size, ctypes.byref(value)) else 0.0
    if size <= 0 or width <= 0:
        return None
    descent = value.value if _font_descent(font, size, ctypes.byref(value)) else 0.0
    if b or c:
        width, descent, size = 0.0, 0.0, 0.0
    (x0, t0), (x1, t1) = pm.point(e, f + descent * d), pm.point(e + width * a, f + (descent + size) * d)
    x0, x1, t0, t1 = min(x0, x1), max(x0, x1), min(t0, t1), max(t0, t1)
    return RawChar(" ", x0, x1, t0, t1, t1 - t0, True)


def _path_ops(obj: int, outer: Matrix) -> list[tuple]:
    """A path object's segments as pdfminer's path operators (``m``, ``l``, ``c``, ``h``) in PDF user space."""
    m = pdfium_c.FS_MATRIX()
    _object_matrix(obj, ctypes.byref(m))
    a, b, c, d, e, f = _mul((m.a, m.b, m.c, m.d, m.e, m.f), outer)
    x, y = ctypes.c_float(), ctypes.c_float()
    x_p, y_p = ctypes.addressof(x), ctypes.addressof(y)
    ops: list[tuple] = []
    bezier: list[float] = []
    for i in range(_count_segments(obj)):
        seg = _segment(obj, i)
        _segment_point(seg, x_p, y_p)
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        kind = _segment_type(seg)
        if kind == _BEZIER:
            bezier += (px, py)
            if len(bezier) < 6:
                continue
            ops.append(("c", *bezier))
            bezier = []
        elif kind == _MOVE:
            ops.append(("m", px, py))
        else:
            ops.append(("l", px, py))
        if _segment_close(seg):
            ops.append(("h",))
    return ops


def _painted(obj: int) -> bool:
    """Whether the path is filled or stroked (a path that only clips draws nothing)."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    return bool(_draw_mode(obj, ctypes.byref(fill), ctypes.byref(stroke)) and (fill.value or stroke.value))


def _shapes(ops: list[tuple]) -> Iterator[tuple[str, list[tuple[float, float]]]]:
    """``(kind, points)`` of each subpath, kind "line", "rect" or "curve", as pdfminer's
    ``paint_path`` sorts them (points: where each operator ends; ``h`` back at the start)."""
    if not ops or ops[0][0] != "m":
        return
    starts = [i for i, op in enumerate(ops) if op[0] == "m"] + [len(ops)]
    for s, t in zip(starts, starts[1:], strict=False):
        sub = ops[s:t]
        if len(sub) < 2:
            continue
        shape = "".join(op[0] for op in sub)
        pts = [sub[0][1:3] if op[0] == "h" else op[-2:] for op in sub]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        if shape in ("ml", "mlh"):
            yield "line", pts[:2]
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            yield ("rect" if pts[0] == pts[4] and square else "curve"), pts
        else:
            yield "curve", pts


def _drawn(kind: str, pts: list[tuple[float, float]], pm: PageMap) -> dict[str, Any]:
    """The pdfplumber object dict (the keys table finding reads) of one shape."""
    xy = [pm.point(x, y) for x, y in pts]
    xs = [p[0] for p in xy]
    tops = [p[1] for p in xy]
    x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
    return {
        "object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
        "y0": pm.height - bottom, "y1": pm.height - top, "width": x1 - x0, "height": bottom - top, "pts": xy,
    }


def _page_text(textpage: Any, n: int) -> list[int] | None:
    """The text page's UTF-16 code units, one per glyph, in one call (None when the page's text
    leaves glyphs out and so does not line up with them: each glyph is then asked for its own)."""
    buf = (ctypes.c_ushort * (n + 1))()
    got = pdfium_c.FPDFText_GetText(textpage, 0, n, buf)
    return buf[:n] if got == n + 1 else None


def _glyph_text(textpage: Any, units: list[int] | None, k: int, n: int) -> tuple[str | None, int]:
    """The text of glyph ``k`` and how many glyph indices it takes (two for a surrogate pair); None
    for a space or line break PDFium added itself, or an empty glyph."""
    u = units[k] if units else pdfium_c.FPDFText_GetUnicode(textpage, k)
    if u == 0xFFFE:  # not in the page's text (a hyphen ending a line): ask for the glyph's own
        u = pdfium_c.FPDFText_GetUnicode(textpage, k)
    if u <= 0x20:  # a hyphen ending a line is 2
        if not u or (u in _MAYBE_GENERATED and pdfium_c.FPDFText_IsGenerated(textpage, k) == 1):
            return None, 1
        return ("-" if u == 2 and pdfium_c.FPDFText_IsHyphen(textpage, k) == 1 else chr(u)), 1
    if 0xD800 <= u < 0xDC00 and k + 1 < n:
        low = units[k + 1] if units else pdfium_c.FPDFText_GetUnicode(textpage, k + 1)
        if 0xDC00 <= low < 0xE000:
            return chr(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)), 2
    return chr(u), 1


class _Run(NamedTuple):
    """What the glyphs of one text object share: matrix, size, font and its descent."""

    a: float
    d: float
    size: float
    font: int | None
    descent: float
    axis: bool  # not turned or skewed
    upright: bool  # pdfminer's test, on the glyph matrix turned by the page's /Rotate (y up)

    @classmethod
    def of(cls, textpage: int, k: int, obj: int, pm: PageMap, descents: dict[tuple[int | None, float], float],
           mat: Any, value: Any) -> _Run:
        """The run of glyph ``k`` of text page ``textpage`` (its address), of text object ``obj``
        (``mat``, ``value``: ctypes buffers to reuse)."""
        _char_matrix(textpage, k, ctypes.addressof(mat))
        a, b, c, d = mat.a, mat.b, mat.c, mat.d
        size = _char_size(textpage, k)
        font = _text_font(obj) if obj else None
        descent = descents.get((font, size))
        if descent is None:
            ok = font and _font_descent(font, size, ctypes.addressof(value))
            descent = descents[font, size] = value.value if ok else 0.0
        ma, mb = a * pm.a + b * pm.c, -(a * pm.b + b * pm.d)
        mc, md = c * pm.a + d * pm.c, -(c * pm.b + d * pm.d)
        return cls(a, d, size, font, descent, b == 0.0 and c == 0.0 and a != 0.0 and d != 0.0,
                   ma * md > 0 and mb * mc <= 0)


def _glyphs(textpage: Any, pm: PageMap, objects: _Objects) -> list[RawChar]:
    """The text page's glyphs in content-stream order (PDFium sorts the text objects of a line
    left to right; pdfminer, and the parser, keep the order they are drawn in), without the
    spaces and line breaks PDFium inserts between words and lines, with a space for each blank
    text object it left out.

    Raises :class:`CorruptDocument` when the page draws text and PDFium reads no glyph of it (a
    font it cannot use): the page is then not PDFium's to read. A page whose text objects are all
    blank (a space drawn by itself, as on an empty page of a word processor's or a scan's) is read."""
    n = pdfium_c.FPDFText_CountChars(textpage)
    keyed, seen = _read_glyphs(textpage, n, pm, objects.texts) if n > 0 else ([], set())
    blanks = _blanks(objects, seen, pm) if len(seen) < len(objects.texts) else []
    if not keyed and len(blanks) < len(objects.texts):
        raise CorruptDocument(f"PDFium read no glyph of the page's {len(objects.texts)} text object(s)")
    keyed += blanks
    if blanks or any(p[0] > q[0] for p, q in zip(keyed, keyed[1:], strict=False)):
        keyed.sort(key=lambda kc: kc[0])  # stable: a text object's glyphs keep their order
    return [ch for _, ch in keyed]


def _read_glyphs(textpage: Any, n: int, pm: PageMap, order: dict[int, int]
                 ) -> tuple[list[tuple[int, RawChar]], set[int]]:
    """The ``n`` glyphs of the text page (see :func:`_glyphs`), each with its text object's place in
    the content stream, and the text objects they came from."""
    units = _page_text(textpage, n)
    page: int = ctypes.cast(textpage, ctypes.c_void_p).value or 0
    loose_box, origin, text_object = _loose_box, _char_origin, _text_object
    rect, mat = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    ox, oy, tl, tr, tb, tt = (ctypes.c_double() for _ in range(6))  # tight box: left, right, bottom, top
    value = ctypes.c_float()
    rect_p, ox_p, oy_p, value_p = (ctypes.addressof(v) for v in (rect, ox, oy, value))
    tight_p = [ctypes.addressof(v) for v in (tl, tr, tb, tt)]
    pa, pb, pc, pd, pe, pf = pm.a, pm.b, pm.c, pm.d, pm.e, pm.f
    descents: dict[tuple[int | None, float], float] = {}
    keyed: list[tuple[int, RawChar]] = []
    seen: set[int] = set()
    obj = key = 0
    a, d, size, font, descent, axis, upright = 1.0, 1.0, 0.0, None, 0.0, False, True
    i = 0
    while i < n:
        k = i
        u = units[k] if units else 0
        text: str | None
        if 0x20 < u < 0xD800:  # the common case, at once
            text, taken = chr(u), 1
        else:
            text, taken = _glyph_text(textpage, units, k, n)
        i += taken
        if text is None:
            continue
        this = text_object(page, k) or 0
        if this != obj:  # a new text object: its matrix, size and font, once
            obj, key = this, order.get(this, key)
            seen.add(obj)
            a, d, size, font, descent, axis, upright = _Run.of(page, k, obj, pm, descents, mat, value)
        loose_box(page, k, rect_p)
        if axis:
            # pdfminer's box: origin → advance along the baseline, descent → descent + size across it.
            # PDFium's loose box ends at the advance, or at the glyph's outline where that reaches
            # further: an overhang (italics; a CJK glyph wider than its em, as a substitute for a
            # font the PDF does not embed may be), or no metrics for the glyph at all; then the
            # font's width for the glyph
            origin(page, k, ox_p, oy_p)
            x, y, u = ox.value, oy.value, ord(text[0])
            end = rect.right if a > 0 else rect.left
            if u < 0x2E80 or 0xFB00 <= u < 0xFE30 or abs(end - x) > abs(size * a):
                _char_box(page, k, *tight_p)
                if end == (tr.value if a > 0 else tl.value) and font \
                        and _glyph_width(font, u, size, value_p) and value.value > 0:
                    end = x + value.value * a
            lx, ly, ux, uy = x, y + descent * d, end, y + (descent + size) * d
        else:  # a turned or skewed glyph: PDFium's loose box
            lx, ly, ux, uy = rect.left, rect.bottom, rect.right, rect.top
        # both corners into page coordinates, then sorted, as pdfminer makes an LTChar's box
        x0, t0 = pa * lx + pc * ly + pe, pb * lx + pd * ly + pf
        x1, t1 = pa * ux + pc * uy + pe, pb * ux + pd * uy + pf
        if x1 < x0:
            x0, x1 = x1, x0
        if t1 < t0:
            t0, t1 = t1, t0
        keyed.append((key, RawChar(text, x0, x1, t0, t1, t1 - t0, upright)))
    return keyed, seen


def image_cover(images: list[tuple[float, float, float, float]], box: tuple[float, float, float, float]) -> float:
    """The largest image's share of the page's area (both boxes in PDF user space, x0 y0 x1 y1)."""
    x0, y0, x1, y1 = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
    area = (x1 - x0) * (y1 - y0)
    if area <= 0:
        return 0.0
    best = 0.0
    for a, b, c, d in images:
        w, h = min(c, x1) - max(a, x0), min(d, y1) - max(b, y0)
        if w > 0 and h > 0:
            best = max(best, w * h / area)
    return best


def read_pdfium_page(page: pypdfium2.PdfPage) -> PageObjects:
    """Glyphs, rects, lines and curves of a PDFium page, in pdfplumber's coordinates."""
    # PDFium does not inherit a MediaBox from the page tree: the page's bounding box then
    # (the inherited MediaBox, cut by a CropBox if there is one)
    mediabox = page.get_mediabox(fallback_ok=False) or page.get_bbox()
    pm = PageMap.of(mediabox, 90 * pdfium_c.FPDFPage_GetRotation(page))
    objects = _walk(page.raw)
    textpage = pdfium_c.FPDFText_LoadPage(page)
    if not textpage:
        raise CorruptDocument("PDFium cannot read the page's text")
    try:
        chars = _glyphs(textpage, pm, objects)  # raises for text drawn and none of it read
    finally:
        pdfium_c.FPDFText_ClosePage(textpage)
    out = PageObjects(width=pm.width, height=pm.height, bbox=pm.bbox, chars=chars, rotation=pm.rotation,
                      image_cover=image_cover(objects.images, mediabox),
                      hidden_text=objects.invisible / len(objects.texts) if objects.texts else 0.0)
    lists = {"rect": out.rects, "line": out.lines, "curve": out.curves}
    for obj, outer in objects.paths:
        if _painted(obj):
            for kind, pts in _shapes(_path_ops(obj, outer)):
                lists[kind].append(_drawn(kind, pts, pm))
    return out


class PdfiumPages:
    """A PDF's pages read by PDFium: ``len()``, :meth:`read` (0-based), ``metadata``.

    Raises :class:`EncryptedDocument` for a wrong or missing password and
    :class:`CorruptDocument` for a file PDFium cannot open."""

    engine = "pdfium"

    def __init__(self, path: Path | str, password: str | None = None):
        path = Path(path)
        try:
            self._pdf = pypdfium2.PdfDocument(path, password=password or None)
        except pypdfium2.PdfiumError as exc:
            if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
                msg = "wrong password" if password else "encrypted; a password is needed"
                raise EncryptedDocument(f"{path.name}: {msg}") from exc
            raise CorruptDocument(f"{path.name}: cannot be read as PDF ({exc})") from exc
        self.metadata = {k: v for k, v in self._pdf.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}

    def __len__(self) -> int:
        return len(self._pdf)

    def read(self, index: int) -> PageObjects:
        """Page ``index`` (0-based); raises when PDFium cannot load it."""
        page = self._pdf.get_page(index)
        try:
            return read_pdfium_page(page)
        finally:
            page.close()

    def close(self) -> None:
        self._pdf.close()
